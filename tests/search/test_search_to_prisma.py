"""A review from the query to its PRISMA flow, as a reviewer types it: ``caseminer search`` (and
``caseminer fetch`` of the reviewer's own list) against the local E-utilities server, ``caseminer
extract --protocol`` on both folders, ``caseminer prisma RUN --search DIR...``; every count of
prisma.csv is the one the library below implies, and they add up."""
import csv

import pytest
from eutils_server import FakeEutils, jats_article, pubmed_article
from typer.testing import CliRunner

from nlp.cli import app
from nlp.dataset.prisma import EXCLUSIONS
from nlp.search.eutils import URL_VARIABLE

QUERY = "aggressive vertebral hemangioma"
PROTOCOL = "diagnoses: [hemangioma]\nregions: [thoracic]\nyears: {from: 2000}\n"


def _case(age: int, sex: str, level: str) -> str:
    pronoun = "She" if sex == "woman" else "He"
    return (f"A {age}-year-old {sex} presented with back pain. MRI showed an aggressive vertebral hemangioma "
            f"at {level}. {pronoun} underwent vertebroplasty with 4 ml of cement, and the pain resolved.")


def review_library() -> FakeEutils:
    """Seven PubMed ids for ``QUERY``, one of each kind a search meets."""
    state = FakeEutils()
    # 3001: in PMC with its full text, a series of two: a thoracic patient (in the protocol), a lumbar one (out)
    series = [f"Case 1. {_case(52, 'man', 'T8')}", f"Case 2. {_case(47, 'woman', 'L2')}"]
    state.pubmed["3001"] = pubmed_article("3001", "Aggressive vertebral hemangiomas: two cases",
                                          "Two patients with aggressive vertebral hemangioma.", "PMC7001")
    state.pmc["PMC7001"] = jats_article("PMC7001", "3001", "Aggressive vertebral hemangiomas: two cases",
                                        "Two patients with aggressive vertebral hemangioma.", series)
    # 3002: abstract only, thoracic: included
    state.pubmed["3002"] = pubmed_article("3002", "Aggressive hemangioma of T11: a case report",
                                          _case(61, "woman", "T11"), doi="10.1000/jscr.shared")
    # 3003: abstract only, lumbar: outside the protocol's regions
    state.pubmed["3003"] = pubmed_article("3003", "Aggressive hemangioma of L4: a case report",
                                          _case(38, "man", "L4"))
    # 3004: PMC holds it without its full text: its PubMed abstract, thoracic: included
    state.pubmed["3004"] = pubmed_article("3004", "Aggressive hemangioma of T6: a case report",
                                          _case(55, "woman", "T6"), "PMC7004")
    state.pmc["PMC7004"] = jats_article("PMC7004", "3004", "Aggressive hemangioma of T6: a case report",
                                        _case(55, "woman", "T6"), None)
    # 3005: found by the search, but no longer in PubMed: failed
    # 3006: the article of 3002 again (its DOI) under a second PMID: extract marks it duplicate
    state.pubmed["3006"] = pubmed_article("3006", "Aggressive hemangioma of T11: a case report",
                                          _case(61, "woman", "T11"), doi="10.1000/jscr.shared")
    # 3007: a review of others' patients
    state.pubmed["3007"] = pubmed_article(
        "3007", "Aggressive vertebral hemangioma: a systematic review",
        "We reviewed the literature on aggressive vertebral hemangioma treated by vertebroplasty, embolization "
        "or surgery, and the outcomes reported in published series.", publication_type="Review")
    state.searches[QUERY] = [f"300{k}" for k in range(1, 8)]
    return state


def _caseminer(argv, server):
    ran = CliRunner().invoke(app, argv, env={URL_VARIABLE: server.url, "CASEMINER_EMAIL": "r@example.org"})
    return ran.exit_code, ran.output


def _prisma_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["box"]: int(row["n"]) for row in csv.DictReader(fh)}


@pytest.mark.slow
@pytest.mark.parametrize("server", [review_library], indirect=True)
def test_search_extract_prisma_gives_the_counts_the_library_implies(server, tmp_path):
    found, listed, run = tmp_path / "search", tmp_path / "list", tmp_path / "run"
    (tmp_path / "protocol.yaml").write_text(PROTOCOL)
    # the reviewer's own list (from another tool) names two articles the search finds too: 3001 by its PMCID
    (tmp_path / "ids.txt").write_text("PMC7001\n3002\n")
    code, output = _caseminer(["search", QUERY, "-o", str(found)], server)
    assert code == 3 and "caseminer: 3005: not in PubMed" in output, output  # the id that no longer exists
    code, output = _caseminer(["fetch", "--pmids", str(tmp_path / "ids.txt"), "-o", str(listed)], server)
    assert code == 0, output
    code, output = _caseminer(["extract", str(found), str(listed), "-o", str(run), "--protocol",
                               str(tmp_path / "protocol.yaml"), "--workers", "1", "--no-progress"], server)
    assert code == 0, output
    code, output = _caseminer(["prisma", str(run), "--search", str(found), "--search", str(listed)], server)
    assert code == 0, output

    c = _prisma_csv(run / "prisma.csv")
    assert c == {
        "identified_databases": 9,  # the search's seven ids and the list's two
        "identified_other": 0,      # every document of the run is one of theirs
        "identified": 9,
        "duplicates_removed": 3,    # 3006 (3002's DOI); the list's PMC7001 (3001's article) and 3002
        "screened": 6,
        "records_excluded": 0,      # caseminer screens the reports themselves
        "sought": 6,
        "not_retrieved": 1,         # 3005: no longer in PubMed
        "assessed": 5,              # 3001 (full text), 3002, 3003, 3004 (abstracts), 3007
        "excluded_review": 1,       # 3007
        "excluded_pooled_only": 0,
        "excluded_no_patient": 0,
        "excluded_protocol": 1,     # 3003: its one patient at L4
        "excluded_failed": 0,
        "excluded": 2,
        "studies_included": 3,      # 3001, 3002, 3004
        "patients_included": 3,     # 3001's thoracic patient, 3002's, 3004's
        "patients_excluded": 2,     # 3001's lumbar patient, 3003's
    }
    assert c["identified"] - c["duplicates_removed"] == c["screened"]
    assert c["screened"] - c["records_excluded"] == c["sought"]
    assert c["sought"] - c["not_retrieved"] == c["assessed"]
    assert c["excluded"] == sum(c[f"excluded_{reason}"] for reason in EXCLUSIONS)
    assert c["assessed"] - c["excluded"] == c["studies_included"]
    assert (run / "figures" / "prisma.svg").read_text().startswith("<")
    assert (run / "figures" / "prisma.png").read_bytes().startswith(b"\x89PNG")
