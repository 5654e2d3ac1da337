"""caseminer prisma: the PRISMA 2020 counts of a review's runs and searches, that add up, the diagram
and the report section."""
import csv
import json

import pytest
from tinyrun import write_run
from typer.testing import CliRunner
from writing import case, document, write

from nlp.cli import app
from nlp.dataset.prisma import EXCLUSIONS, count_flow
from nlp.dataset.report import write_report

PROTOCOL = "diagnoses: [hemangioma]\n"


def search_folder(folder, items):
    folder.mkdir(parents=True)
    lines = [{"query": "vertebral hemangioma[tiab]", "date": "2025-01-31", "count": len(items)}]
    lines += [{"id": i, "status": status, "reason": "", "file": f"PMID{i}.xml" if status != "failed" else ""}
              for i, status in items]
    (folder / "search.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    """A run of a search's files and one file of the reviewer's, screened; two searches (one id met twice)."""
    tmp = tmp_path_factory.mktemp("review")
    (tmp / "protocol.yaml").write_text(PROTOCOL)

    def pubmed(n, records, **kw):
        return [document(f"search/PMID{n}.xml", records, doc_id=str(n), pmid=str(n), **kw)]

    run = write(tmp / "run", [
        pubmed(1, [case(1, diagnosis="hemangioma"), case(2, diagnosis="metastasis")], doi="10.1/one"),
        pubmed(2, [], reason="review"),
        pubmed(3, [], reason="pooled_only"),
        pubmed(4, [case(1, diagnosis="metastasis")]),
        [document("search/PMID5.xml", [], status="failed", reason="not well-formed XML")],
        pubmed(6, [case(1, diagnosis="hemangioma")], doi="https://doi.org/10.1/ONE"),  # the same article
        [document("mine/extra.txt", [case(1, diagnosis="hemangioma")])],
        [document("mine/notes.docx", [], status="skipped", reason="not a type caseminer reads")],
    ], tmp / "protocol.yaml")
    first = search_folder(tmp / "search", [("1", "fetched"), ("2", "abstract_only"), ("3", "fetched"),
                                           ("4", "fetched"), ("5", "fetched"), ("6", "not_open_access"),
                                           ("7", "failed"), ("8", "abstract_only")])
    second = search_folder(tmp / "search2", [("1", "fetched")])
    return run, [first, second]


def test_the_counts_the_fixture_implies(review):
    run, searches = review
    assert count_flow([run], searches) == {
        "identified": 10, "identified_databases": 9, "identified_other": 1,
        "duplicates_removed": 2,  # id 1 found by both searches; PMID 6 has PMID 1's DOI
        "screened": 8, "records_excluded": 0, "sought": 8,
        "not_retrieved": 2,  # 7 failed to fetch; 8 in no run
        "assessed": 6,
        "excluded_review": 1, "excluded_pooled_only": 1, "excluded_no_patient": 0, "excluded_protocol": 1,
        "excluded_failed": 1, "excluded": 4,
        "studies_included": 2, "patients_included": 2, "patients_excluded": 2,
    }


def test_an_id_whose_article_an_earlier_id_gave_is_a_duplicate(review, tmp_path):
    """A reviewer's list names PMID 1's article by its PMCID: the same file, so no report not retrieved."""
    run, searches = review
    listed = tmp_path / "list"
    listed.mkdir()
    lines = [{"kind": "fetch", "list": "ids.txt"}, {"id": "PMC11", "status": "fetched", "pmid": "1", "file": "PMID1.xml"}]
    (listed / "search.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    before, after = count_flow([run], searches), count_flow([run], [*searches, listed])
    grown = ("identified", "identified_databases", "duplicates_removed")
    assert after == {**before, **{box: before[box] + 1 for box in grown}}


def test_without_a_search_the_records_are_the_runs_documents(built_tiny):
    counts = count_flow([built_tiny])
    assert (counts["identified"], counts["identified_databases"], counts["not_retrieved"]) == (5, 0, 0)
    assert (counts["excluded_no_patient"], counts["excluded_failed"], counts["studies_included"],
            counts["patients_included"]) == (1, 1, 3, 4)


@pytest.fixture(scope="module")
def built_tiny(tmp_path_factory):
    from nlp.dataset import build_tables
    run = write_run(tmp_path_factory.mktemp("tiny") / "run")
    build_tables(run)
    return run


def _prisma_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["box"]: int(row["n"]) for row in csv.DictReader(fh)}


def test_every_count_in_prisma_csv_adds_up(review, tmp_path):
    run, searches = review
    result = CliRunner().invoke(app, ["prisma", str(run), "--search", str(searches[0]), "--search",
                                      str(searches[1]), "-o", str(tmp_path / "flow")])
    assert result.exit_code == 0, result.output
    c = _prisma_csv(tmp_path / "flow" / "prisma.csv")
    assert c["identified"] == c["identified_databases"] + c["identified_other"]
    assert c["identified"] - c["duplicates_removed"] == c["screened"]
    assert c["screened"] - c["records_excluded"] == c["sought"]
    assert c["sought"] - c["not_retrieved"] == c["assessed"]
    assert c["excluded"] == sum(c[f"excluded_{reason}"] for reason in EXCLUSIONS)
    assert c["assessed"] - c["excluded"] == c["studies_included"]
    assert "10 records identified, 2 studies and 2 patients included" in result.output


def test_the_diagram_is_written_and_the_report_shows_it(built_tiny):
    result = CliRunner().invoke(app, ["prisma", str(built_tiny)])
    assert result.exit_code == 0, result.output
    svg = (built_tiny / "figures" / "prisma.svg").read_text()
    assert "<svg" in svg and "Reports assessed for eligibility" in svg
    assert (built_tiny / "figures" / "prisma.png").read_bytes().startswith(b"\x89PNG")
    page = write_report(built_tiny).read_text()
    assert "PRISMA 2020 flow" in page and "reports excluded: failed to read" in page


@pytest.mark.parametrize("make_args, message", [
    (lambda run, tmp: [str(run), "--search", str(tmp)], "not a search folder (no search.jsonl)"),
    (lambda run, tmp: [str(run), str(run)], "several runs: say where the flow goes with -o OUT"),
    (lambda run, tmp: [str(tmp)], "not a caseminer run folder"),
])
def test_usage_errors_exit_2_with_one_line(built_tiny, tmp_path, make_args, message):
    result = CliRunner().invoke(app, ["prisma", *make_args(built_tiny, tmp_path)])
    assert result.exit_code == 2 and message in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_a_search_line_that_is_not_json_is_named(built_tiny, tmp_path):
    (tmp_path / "search.jsonl").write_text('{"query": "x"}\n{"id": "1", \n')
    result = CliRunner().invoke(app, ["prisma", str(built_tiny), "--search", str(tmp_path)])
    assert result.exit_code == 2 and f"{tmp_path / 'search.jsonl'}: line 2: not JSON" in result.output
