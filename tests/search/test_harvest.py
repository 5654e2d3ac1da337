"""A search or a fetch into a folder: one file per article, its status in search.jsonl, the cache,
resuming, and the ids that fail."""
import json

import pytest
from eutils_server import EutilsServer, FakeEutils, jats_article, pubmed_article

from nlp.ingest import read_path
from nlp.search import SEARCH_LOG
from nlp.search.eutils import Eutils
from nlp.search.searches import SearchTooLarge, fetch, search

QUERY = "vertebral hemangioma"


def _log(folder):
    lines = [json.loads(line) for line in (folder / SEARCH_LOG).read_text(encoding="utf-8").splitlines()]
    return lines[0], {entry["id"]: entry for entry in lines[1:]}


def _visible(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_a_search_writes_one_readable_file_per_article_and_its_log(client, tmp_path):
    result = search(client, tmp_path, QUERY, now=lambda: "2025-01-02T03:04:05+00:00")
    assert result.counts() == {"fetched": 2, "abstract_only": 2, "not_open_access": 1}
    header, entries = _log(tmp_path)
    assert header == {"kind": "search", "query": QUERY, "mindate": "", "maxdate": "", "max": None,
                      "date": "2025-01-02T03:04:05+00:00", "count": 5, "ids": 5}
    assert entries["1001"] == {"id": "1001", "status": "fetched", "pmid": "1001", "pmcid": "PMC9001",
                               "file": "PMID1001.xml"}
    assert entries["1002"] == {"id": "1002", "status": "abstract_only", "pmid": "1002", "file": "PMID1002.xml"}
    assert entries["1003"]["status"] == "not_open_access" and "without its full text" in entries["1003"]["reason"]
    assert _visible(tmp_path) == [f"PMID100{k}.xml" for k in range(1, 6)] + [SEARCH_LOG]
    full, abstract, closed = (read_path(tmp_path / f"PMID100{k}.xml")[0] for k in (1, 2, 3))
    assert full.metadata["format"] == "jats" and "Follow-up was 12 months." in full.text
    assert full.metadata["pmid"] == "1001" and full.metadata["pmcid"] == "PMC9001"
    assert abstract.metadata["format"] == "pubmed" and abstract.id == "1002"
    assert closed.metadata["format"] == "pubmed" and "vertebroplasty" in closed.text


def test_a_rerun_asks_nothing_of_what_is_on_disk_and_refresh_asks_again(client, server, tmp_path):
    search(client, tmp_path, QUERY)
    asked = len(server.state.requests)
    assert asked == 3  # esearch, efetch pubmed (one page from the history server), efetch pmc
    before = {name: (tmp_path / name).read_bytes() for name in _visible(tmp_path) if name != SEARCH_LOG}
    again = search(client, tmp_path, QUERY)
    assert len(server.state.requests) == asked
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    assert again.counts() == {"fetched": 2, "abstract_only": 2, "not_open_access": 1}
    search(client, tmp_path, QUERY, refresh=True)
    assert len(server.state.requests) == 2 * asked


def test_a_new_version_of_a_record_is_kept_beside_the_old(client, server, tmp_path):
    search(client, tmp_path, QUERY)
    server.state.pubmed["1002"] = pubmed_article("1002", "Corrected title", "A corrected abstract.", version=2)
    search(client, tmp_path, QUERY, refresh=True)
    assert sorted(p.name for p in (tmp_path / ".cache" / "pubmed").glob("1002.*")) == ["1002.v1.xml", "1002.v2.xml"]
    assert read_path(tmp_path / "PMID1002.xml")[0].title == "Corrected title"


def test_pages_of_two_hundred_and_max(tmp_path):
    ids = [str(10_000 + n) for n in range(450)]
    state = FakeEutils(pubmed={i: pubmed_article(i, f"Case {i}", "A 50-year-old man with back pain.") for i in ids},
                       searches={"back pain": ids})
    server = EutilsServer(state)
    client = Eutils("r@example.org", base_url=server.url, clock=lambda: 0.0, sleep=lambda s: None, timeout=10)
    try:
        result = search(client, tmp_path / "all", "back pain")
        assert [e.id for e in result.entries] == ids and result.counts() == {"abstract_only": 450}
        pages = [(r.endpoint, r.params.get("retstart"), r.params.get("retmax")) for r in state.requests]
        assert pages == [("esearch", "0", "200"), ("esearch", "200", "200"), ("esearch", "400", "200"),
                         ("efetch", "0", "200"), ("efetch", "200", "200"), ("efetch", "400", "50")]
        assert state.fetched("pubmed") == ids
        state.requests.clear()
        capped = search(client, tmp_path / "capped", "back pain", max_ids=250)
        assert len(capped.entries) == 250 and _log(tmp_path / "capped")[0]["count"] == 450
        assert state.fetched("pubmed") == ids[:250]
    finally:
        client.close()
        server.close()


def test_a_search_too_large_to_page_is_refused_before_any_fetch(client, server, tmp_path):
    server.state.searches["cancer"] = [str(n) for n in range(1, 10_002)]
    with pytest.raises(SearchTooLarge, match="finds 10001 records"):
        search(client, tmp_path, "cancer")
    assert [r.endpoint for r in server.state.requests] == ["esearch"]


def test_an_id_that_no_longer_exists_fails_with_its_reason(client, server, tmp_path):
    del server.state.pubmed["1004"]  # removed from PubMed after the search listed it
    result = search(client, tmp_path, QUERY)
    entry = next(e for e in result.entries if e.id == "1004")
    assert (entry.status, entry.file) == ("failed", "")
    assert entry.reason == "not in PubMed (no such PMID, or the record was removed)"
    assert not (tmp_path / "PMID1004.xml").exists()
    # asked from the history page first, then once by id: never more
    assert server.state.requests[-2].params["id"] == "1004"


def test_a_batch_that_keeps_failing_is_failed_and_retried_by_the_next_run(client, server, clock, tmp_path):
    server.state.faults.extend([("efetch", "500")] * 5)  # the PubMed page, five times
    result = search(client, tmp_path, QUERY)
    assert result.counts() == {"failed": 5}
    assert all(e.reason == "efetch.fcgi: HTTP 500 (gave up after 5 tries)" for e in result.entries)
    assert search(client, tmp_path, QUERY).counts() == {"fetched": 2, "abstract_only": 2, "not_open_access": 1}


class _Killed(BaseException):
    """Stands for the process dying: nothing after it runs."""


def test_a_search_killed_half_way_resumes_with_nothing_lost_or_fetched_twice(server, tmp_path):
    ids = [str(20_000 + n) for n in range(500)]
    server.state.pubmed.update({i: pubmed_article(i, f"Case {i}", "A 61-year-old woman with back pain.",
                                                  pmcid=f"PMC{i}" if int(i) % 7 == 0 else "") for i in ids})
    server.state.pmc.update({f"PMC{i}": jats_article(f"PMC{i}", i, f"Case {i}", "Back pain.", ["A case."])
                             for i in ids if int(i) % 7 == 0})
    server.state.searches["back pain"] = ids
    efetches = []

    class DiesOnTheThirdBatch(Eutils):
        def efetch(self, db, ids=None, **kw):
            efetches.append(db)
            if len(efetches) == 3:
                raise _Killed
            return super().efetch(db, ids, **kw)

    dying = DiesOnTheThirdBatch("r@example.org", base_url=server.url, clock=lambda: 0.0, sleep=lambda s: None)
    with pytest.raises(_Killed):
        search(dying, tmp_path / "s", "back pain")
    dying.close()
    assert not (tmp_path / "s" / SEARCH_LOG).exists()
    assert len(list((tmp_path / "s" / ".cache" / "pubmed").iterdir())) == 400  # two whole pages kept
    resumed = Eutils("r@example.org", base_url=server.url, clock=lambda: 0.0, sleep=lambda s: None)
    try:
        result = search(resumed, tmp_path / "s", "back pain")
    finally:
        resumed.close()
    assert sorted(server.state.fetched("pubmed")) == sorted(ids)  # each record once, across both runs
    assert [r.endpoint for r in server.state.requests].count("esearch") == 3  # the id list was kept
    assert len(result.entries) == 500 and result.counts() == {"fetched": 71, "abstract_only": 429}
    clean = Eutils("r@example.org", base_url=server.url, clock=lambda: 0.0, sleep=lambda s: None)
    try:
        search(clean, tmp_path / "clean", "back pain")
    finally:
        clean.close()
    assert _visible(tmp_path / "s") == _visible(tmp_path / "clean")
    assert all((tmp_path / "s" / n).read_bytes() == (tmp_path / "clean" / n).read_bytes()
               for n in _visible(tmp_path / "s") if n != SEARCH_LOG)


def test_fetch_takes_pmids_and_pmcids_and_writes_each_article_once(client, server, tmp_path):
    result = fetch(client, tmp_path, ["1002", "PMC9005", "1005", "PMC4242", "1003"], "ids.txt")
    entries = {e.id: e for e in result.entries}
    assert (entries["PMC9005"].status, entries["PMC9005"].file, entries["PMC9005"].pmid) == (
        "fetched", "PMID1005.xml", "1005")
    assert entries["1005"].file == "PMID1005.xml" and entries["1005"].reason == "the same article as PMC9005"
    assert (entries["PMC4242"].status, entries["PMC4242"].reason) == ("failed", "not in PMC (no such PMCID)")
    assert entries["1003"].status == "not_open_access" and entries["1002"].status == "abstract_only"
    assert _visible(tmp_path) == ["PMID1002.xml", "PMID1003.xml", "PMID1005.xml", SEARCH_LOG]
    assert _log(tmp_path)[0]["kind"] == "fetch" and _log(tmp_path)[0]["list"] == "ids.txt"
    assert server.state.fetched("pmc").count("PMC9005") == 1


def test_a_pmc_article_with_no_pmid_is_named_by_its_pmcid(client, server, tmp_path):
    server.state.pmc["PMC777"] = jats_article("PMC777", "", "A case of spinal angiolipoma", "Back pain.",
                                              ["A 33-year-old man presented with paraparesis."])
    server.state.pmc["PMC777"] = server.state.pmc["PMC777"].replace('<article-id pub-id-type="pmid"></article-id>', "")
    result = fetch(client, tmp_path, ["PMC777"], "ids.txt")
    assert (result.entries[0].status, result.entries[0].file) == ("fetched", "PMC777.xml")
    assert read_path(tmp_path / "PMC777.xml")[0].metadata["pmcid"] == "PMC777"
