"""``caseminer search`` and ``caseminer fetch`` as a user types them, against the local server;
real PubMed and PMC files from ../shared served as E-utilities would; a search folder read by
``extract``."""
import json
import re
import sys
from pathlib import Path

import pytest
from eutils_server import EutilsServer, FakeEutils
from typer.testing import CliRunner

from nlp.cli import app
from nlp.search import SEARCH_LOG
from nlp.search.eutils import URL_VARIABLE
from nlp.search.idlist import IdListError, read_id_list

sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/: shared_corpus
from shared_corpus import shared_path


def _run(argv, server, **env):
    return CliRunner().invoke(app, argv, env={URL_VARIABLE: server.url, "CASEMINER_EMAIL": "r@example.org", **env})


def test_search_writes_the_folder_and_says_what_it_did(server, tmp_path):
    ran = _run(["search", "vertebral hemangioma", "-o", str(tmp_path / "s"), "--mindate", "2000-01",
                "--maxdate", "2024"], server)
    assert ran.exit_code == 0, ran.output
    assert "5 ids (2 abstract_only, 2 fetched, 1 not_open_access)" in ran.output
    assert server.state.requests[0].params["mindate"] == "2000/01"
    assert server.state.requests[0].params["email"] == "r@example.org"
    assert (tmp_path / "s" / SEARCH_LOG).exists()


@pytest.mark.parametrize("argv, message", [
    (["search", "spine", "-o", "OUT", "--mindate", "last year"], "--mindate 'last year': expected YYYY"),
    (["search", "  ", "-o", "OUT"], "the query is empty"),
    (["search", "spine", "-o", "OUT", "--email", "nobody"], "--email 'nobody': NCBI asks for a contact e-mail"),
    (["fetch", "--pmids", "MISSING.txt", "-o", "OUT"], "missing.txt: cannot read the id list: No such file"),
])
def test_usage_errors_exit_2_with_one_line(server, tmp_path, argv, message):
    argv = [a.replace("OUT", str(tmp_path / "out")).replace("MISSING", str(tmp_path / "missing")) for a in argv]
    ran = _run(argv, server)
    assert ran.exit_code == 2 and message in ran.output and len(ran.output.strip().splitlines()) == 1
    assert server.state.requests == []


def test_a_run_folder_is_no_search_folder(server, tmp_path):
    (tmp_path / ".caseminer-run.json").write_text("{}")
    ran = _run(["search", "spine", "-o", str(tmp_path)], server)
    assert ran.exit_code == 2 and "holds a caseminer run" in ran.output


def test_failed_ids_exit_3_and_are_named(server, tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("# from the reviewer's library\n1001\n\nPMID: 1002  # the second\npmc9005\n404404\n")
    ran = _run(["fetch", "--pmids", str(ids), "-o", str(tmp_path / "f")], server)
    assert ran.exit_code == 3
    assert "caseminer: 404404: not in PubMed" in ran.output
    lines = [json.loads(line) for line in (tmp_path / "f" / SEARCH_LOG).read_text().splitlines()]
    assert [line.get("id") for line in lines[1:]] == ["1001", "1002", "PMC9005", "404404"]


def test_an_id_list_line_that_is_no_id_is_named(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("1001\ndoi:10.1000/x\n")
    with pytest.raises(IdListError, match=r"ids.txt:2: 'doi:10.1000/x' is neither a PMID nor a PMCID"):
        read_id_list(ids)
    ids.write_text("# nothing yet\n\n")
    with pytest.raises(IdListError, match=r"ids.txt: holds no PMID or PMCID"):
        read_id_list(ids)


def _element(path: Path) -> str:
    """The root element of a published file, without its XML declaration and DOCTYPE."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", "", text)


def test_real_pubmed_and_pmc_files_as_eutilities_serves_them(tmp_path):
    formats = shared_path("corpus", "formats")
    pubmed_set = _element(formats / "pubmed" / "pubmed-29768149.xml")
    record = re.search(r"<PubmedArticle>.*</PubmedArticle>", pubmed_set, re.DOTALL).group(0)
    state = FakeEutils(pubmed={"29768149": record},
                       pmc={"PMC5828200": _element(formats / "jats" / "PMC5828200.nxml")})
    server = EutilsServer(state)
    try:
        ids = tmp_path / "ids.txt"
        ids.write_text("29768149\nPMC5828200\n")
        ran = _run(["fetch", "--pmids", str(ids), "-o", str(tmp_path / "f")], server)
    finally:
        server.close()
    assert ran.exit_code == 0, ran.output
    from nlp.ingest import read_path
    [jats] = read_path(tmp_path / "f" / "PMID29535835.xml")
    assert jats.metadata["format"] == "jats" and jats.metadata["pmcid"] == "PMC5828200" and len(jats.text) > 10_000
    [abstract] = read_path(tmp_path / "f" / "PMID29768149.xml")
    assert abstract.metadata["format"] == "pubmed" and abstract.metadata["doi"] == "10.1056/NEJMoa1715274"


def test_extract_reads_a_search_folder_and_passes_over_its_log_and_cache(server, tmp_path):
    from nlp.run.discovery import collect_inputs, readable
    assert _run(["search", "vertebral hemangioma", "-o", str(tmp_path / "s")], server).exit_code == 0
    inputs = collect_inputs([tmp_path / "s"], tmp_path / "out")
    assert [i.path.name for i in inputs] == [f"PMID100{k}.xml" for k in range(1, 6)]
    assert all(readable(i.path) and not i.refused for i in inputs)


@pytest.mark.slow
def test_search_then_extract(server, tmp_path):
    from nlp.run import run_extract
    assert _run(["search", "vertebral hemangioma", "-o", str(tmp_path / "s")], server).exit_code == 0
    summary = run_extract([tmp_path / "s"], tmp_path / "out")
    assert summary.counts == {"ok": 5} and summary.records == 5
    manifest = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert sorted(row["document_id"] for row in manifest) == ["1002", "1003", "1004", "PMID1001", "PMID1005"]
    cases = [json.loads(line) for line in (tmp_path / "out" / "cases.jsonl").read_text().splitlines()]
    assert sorted(case["age_years"] for case in cases) == [41, 42, 43, 44, 45]


@pytest.mark.parametrize("command", ["search", "fetch"])
def test_help_shows(command):
    ran = CliRunner().invoke(app, [command, "--help"])
    assert ran.exit_code == 0 and "--out" in ran.output and "--email" in ran.output
