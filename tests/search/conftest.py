import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # eutils_server

from eutils_server import (
    EutilsServer,
    FakeClock,
    FakeEutils,
    jats_article,
    pubmed_article,
)

from nlp.search.eutils import Eutils

CASE = ("A {age}-year-old woman presented with back pain. MRI showed an aggressive vertebral hemangioma at "
        "{level}. She underwent vertebroplasty with 4 ml of cement, and the pain resolved.")


def hemangioma_library(n: int = 5) -> FakeEutils:
    """PubMed ids 1001..100n for the query "vertebral hemangioma": odd ones in PMC, the third one
    there without its full text, every other one abstract only."""
    state = FakeEutils()
    ids = [str(1000 + k) for k in range(1, n + 1)]
    for k, pmid in enumerate(ids, 1):
        level = f"T{k % 12 + 1}"
        abstract = CASE.format(age=40 + k, level=level)
        title = f"Aggressive vertebral hemangioma of {level}: a case report"
        pmcid = f"PMC{9000 + k}" if k % 2 else ""
        state.pubmed[pmid] = pubmed_article(pmid, title, abstract, pmcid)
        if pmcid:
            body = None if k == 3 else [abstract, "Embolization was not performed. Follow-up was 12 months."]
            state.pmc[pmcid] = jats_article(pmcid, pmid, title, abstract, body)
    state.searches["vertebral hemangioma"] = ids
    return state


@pytest.fixture
def server(request):
    """The server of ``hemangioma_library``, or of the library a test names by indirect
    parametrization (``@pytest.mark.parametrize("server", [make_library], indirect=True)``)."""
    state = getattr(request, "param", hemangioma_library)()
    running = EutilsServer(state)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def client(server, clock):
    made = Eutils("reviewer@example.org", base_url=server.url, clock=clock, sleep=clock.sleep, timeout=10)
    try:
        yield made
    finally:
        made.close()
