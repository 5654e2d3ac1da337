"""extract: a document whose PMID or DOI (or content) was met earlier in the run is a duplicate,
by the same rule as aggregate; a PubMed set's articles are not copies of each other."""
import json

from nlp.dataset.duplicates import SeenDocuments, normal_doi
from writing import case, document, write


def manifest(run):
    return {r["document_id"]: (r["status"], r["reason"], r["cases"])
            for r in map(json.loads, (run / "manifest.jsonl").read_text().splitlines())}


def test_a_pmid_met_twice_is_a_duplicate(tmp_path):
    run = write(tmp_path / "run", [
        [document("in/PMID123.xml", [case(1)], doc_id="123", pmid="123")],
        [document("other/PMID123.pubmed.xml", [case(1)], doc_id="123", pmid="123")],
    ])
    assert manifest(run) == {"123": ("ok", "", 1), "123__2": ("duplicate", "same PMID as 123", 0)}
    assert len((run / "cases.jsonl").read_text().splitlines()) == 1
    assert not (run / "texts" / "123__2.txt").exists()


def test_a_doi_met_twice_in_another_form_is_a_duplicate(tmp_path):
    run = write(tmp_path / "run", [
        [document("in/a.xml", [case(1)], doi="10.1000/Spine.2020.1")],
        [document("in/b.pdf", [], doi="https://doi.org/10.1000/spine.2020.1")],
        [document("in/c.xml", [case(1)], doi="10.1000/spine.2020.2")],
    ])
    assert manifest(run) == {"a": ("ok", "", 1), "b": ("duplicate", "same DOI as a", 0), "c": ("ok", "", 1)}


def test_the_same_bytes_under_another_name_are_a_duplicate(tmp_path):
    run = write(tmp_path / "run", [[document("in/a.txt", [case(1)], sha256="s1")],
                                   [document("in/copy of a.txt", [case(1)], sha256="s1")]])
    assert manifest(run)["copy of a"] == ("duplicate", "same content as a", 0)


def test_the_articles_of_one_pubmed_set_are_not_duplicates(tmp_path):
    articles = [document("in/set.xml", [case(1)], doc_id=pmid, sha256="set", pmid=pmid) for pmid in ("1", "2")]
    assert [s for s, _, _ in manifest(write(tmp_path / "run", [articles])).values()] == ["ok", "ok"]


def test_failed_documents_are_never_the_earlier_copy(tmp_path):
    run = write(tmp_path / "run", [[document("in/a.pdf", [], status="failed", reason="encrypted PDF", pmid="9")],
                                   [document("in/b.xml", [case(1)], pmid="9")]])
    assert manifest(run) == {"a": ("failed", "encrypted PDF", 0), "b": ("ok", "", 1)}


def test_one_rule_for_extract_and_aggregate():
    seen = SeenDocuments()
    seen.add({"doi": "doi:10.1/X", "pmid": "", "sha256": "h"}, "first")
    assert seen.earlier({"doi": "http://dx.doi.org/10.1/x"}) == "same DOI as first"
    assert seen.earlier({"sha256": "h"}, part=1) is None
    assert normal_doi(" https://doi.org/10.1/AB ") == "10.1/ab"
