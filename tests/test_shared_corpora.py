"""End to end on the shared corpora (skipped where ../shared is absent): the seed report, and
the accuracy targets as a guard against regressions."""
from pathlib import Path

import pytest

from nlp.evaluate import load_records, score
from nlp.ingest import read_path
from nlp.pipeline import build_pipeline
from nlp.records import extract_records
from shared_corpus import SHARED as SHARED_ROOT, shared_corpus_present  # noqa: F401 (a fixture)

SHARED = SHARED_ROOT / "corpus"
pytestmark = pytest.mark.usefixtures("shared_corpus_present")  # skip where ../shared is absent, else fail


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def _run(nlp, corpus: Path) -> list[dict]:
    return [r.to_json() for path in sorted((corpus / "texts").glob("*.txt"))
            for document in read_path(path) for r in extract_records(nlp, document)]


def test_seed_report_discussion_adds_no_treatment(nlp):
    document = read_path(SHARED / "dev" / "texts" / "seed_avh_l1_l2.txt")[0]
    [record] = extract_records(nlp, document)
    assert record.treatments == ["embolization", "vertebroplasty", "laminectomy", "fixation"]
    assert (record.age_years, record.sex, record.levels) == (66, "female", ["L1", "L2"])
    assert [(v.level, v.ml) for v in record.cement_volumes] == [("L1", 3), ("L2", 6)]
    for spans in record.evidence.values():
        assert all(document.text[s.start:s.end] == s.text for s in spans)


def test_dev_corpus_meets_the_accuracy_targets(nlp):
    result = score(load_records(SHARED / "dev" / "gold.jsonl"), _run(nlp, SHARED / "dev"))
    assert result["micro"]["f1"] >= 0.93
    weak = {f: m["f1"] for f, m in result["fields"].items() if m["tp"] + m["fn"] >= 20 and m["f1"] < 0.8}
    assert weak == {}


def test_maccrobat_age_and_sex(nlp):
    result = score(load_records(SHARED / "maccrobat_dev" / "gold.jsonl"), _run(nlp, SHARED / "maccrobat_dev"),
                   ["age_years", "sex"], only_gold=True)
    assert result["micro"]["f1"] >= 0.98
