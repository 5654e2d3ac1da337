"""The E-utilities client against the local server: NCBI's rules (identity, rate, retries, paging)."""
import pytest
from eutils_server import EutilsServer, FakeClock, FakeEutils

from nlp.search.eutils import BATCH, URL_VARIABLE, Eutils, EutilsError, RateLimiter


def test_every_request_says_who_asks(client, server):
    client.esearch("vertebral hemangioma")
    client.efetch("pubmed", ["1001"])
    for request in server.state.requests:
        assert request.params["tool"] == "caseminer" and request.params["email"] == "reviewer@example.org"
        assert "api_key" not in request.params


def test_the_api_key_is_sent_and_allows_ten_a_second(server):
    clock = FakeClock()
    with_key = Eutils("r@example.org", "KEY123", base_url=server.url, clock=clock, sleep=clock.sleep, timeout=10)
    try:
        for _ in range(10):
            with_key.esearch("vertebral hemangioma")
        assert clock.sleeps == []
        with_key.esearch("vertebral hemangioma")
        assert clock.sleeps == [pytest.approx(1.0)]
    finally:
        with_key.close()
    assert {r.params["api_key"] for r in server.state.requests} == {"KEY123"}


def test_without_a_key_at_most_three_requests_start_in_any_second(client, clock):
    for _ in range(7):
        client.esearch("vertebral hemangioma")
    # starts at 0, 0, 0, 1, 1, 1, 2 (the requests themselves take no fake time)
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)] and clock.now == pytest.approx(2.0)


def test_the_limiter_counts_a_sliding_second():
    clock = FakeClock()
    limiter = RateLimiter(3, clock, clock.sleep)
    starts = []
    for _ in range(9):
        limiter.wait()
        starts.append(clock.now)
        clock.now += 0.15  # each request takes 150 ms
    assert all(starts[i + 3] - starts[i] >= 1.0 - 1e-9 for i in range(len(starts) - 3))
    assert starts[3] == pytest.approx(1.0) and starts[2] == pytest.approx(0.3)


@pytest.mark.parametrize("fault", ["429", "500", "cut", "truncated"])
def test_a_failed_answer_is_retried_with_backoff(client, server, clock, fault):
    server.state.faults.append(("efetch", fault))
    root = client.efetch("pubmed", ["1001", "1002"])
    assert [a.findtext("MedlineCitation/PMID") for a in root] == ["1001", "1002"]
    assert len(server.state.requests) == 2
    assert clock.sleeps == [pytest.approx(2.0 if fault == "429" else 1.0)]  # 429 says Retry-After: 2


def test_backoff_doubles_and_gives_up_with_one_line(client, server, clock):
    server.state.faults.extend([("esearch", "500")] * 5)
    with pytest.raises(EutilsError) as raised:
        client.esearch("vertebral hemangioma")
    assert str(raised.value) == "esearch.fcgi: HTTP 500 (gave up after 5 tries)"
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_a_client_error_is_not_retried(client, server):
    server.state.faults.append(("efetch", "404"))
    with pytest.raises(EutilsError, match=r"^efetch.fcgi: HTTP 404: Error$"):
        client.efetch("pubmed", ["1001"])
    assert len(server.state.requests) == 1


def test_esearch_pages_from_the_history_server():
    state = FakeEutils(searches={"spine": [str(n) for n in range(1, 451)]})
    server = EutilsServer(state)
    clock = FakeClock()
    client = Eutils("r@example.org", base_url=server.url, clock=clock, sleep=clock.sleep, timeout=10)
    try:
        first = client.esearch("spine")
        second = client.esearch("spine", BATCH, history=first)
    finally:
        client.close()
        server.close()
    assert first.count == 450 and first.ids == [str(n) for n in range(1, 201)]
    assert second.ids == [str(n) for n in range(201, 401)]
    assert first.webenv and first.query_key == "1"
    assert state.requests[1].params["WebEnv"] == first.webenv and state.requests[1].params["usehistory"] == "y"


def test_the_base_url_comes_from_the_environment(server, monkeypatch):
    monkeypatch.setenv(URL_VARIABLE, server.url)
    client = Eutils("r@example.org")
    try:
        assert client.base_url == server.url
        assert client.esearch("vertebral hemangioma").count == 5
    finally:
        client.close()


def test_dates_limit_the_search_by_publication_date(client, server):
    client.esearch("vertebral hemangioma", mindate="2015", maxdate="")
    params = server.state.requests[0].params
    assert (params["datetype"], params["mindate"], params["maxdate"]) == ("pdat", "2015", "3000")


@pytest.mark.parametrize("endpoint, message", [("esearch", "esearch: Invalid query"),
                                               ("efetch", "efetch: Cannot retrieve the records")])
def test_an_error_answer_sent_as_200_is_an_error_not_retried(client, server, endpoint, message):
    server.state.faults.append((endpoint, "refused"))
    with pytest.raises(EutilsError, match=f"^{message}$"):
        client.esearch("spine") if endpoint == "esearch" else client.efetch("pubmed", ["1001"])
    assert len(server.state.requests) == 1
