"""The same report as text, JATS and PDF (ruled, unruled, two-column, a table across a page) gives
the same patients, field by field: the case-series reader reads the readers' tables."""
from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.pipeline import build_pipeline
from nlp.records import extract_records

pytest.importorskip("fpdf")
_SPEC = importlib.util.spec_from_file_location("render_reports", Path(__file__).parents[2] / "corpora" / "render_reports.py")
render = sys.modules.setdefault("render_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(render)


@pytest.fixture(scope="module")
def by_report(tmp_path_factory) -> dict[str, dict[str, list[dict]]]:
    nlp = build_pipeline()
    found: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for path in render.render_all(tmp_path_factory.mktemp("rendered")):
        report, form = path.name.split(".", 1)
        [document] = read_path(path)
        found[report][form] = [{k: v for k, v in r.to_json().items() if k not in ("evidence", "confidence")}
                               | {"document_id": report} for r in extract_records(nlp, document)]
    return found


# Pairs of (report, format) whose records still differ from the text's: none.
KNOWN_DIFFERENT: set[tuple[str, str]] = set()


def test_every_format_gives_the_records_of_the_text(by_report):
    assert set(by_report) == {p.stem for p in render.REPORTS.glob("*.txt")}
    different = set()
    for report, forms in by_report.items():
        assert len(forms) >= 5  # text, JATS and three PDF layouts at least
        different |= {(report, form) for form, records in forms.items() if records != forms["txt"]}
    assert different == KNOWN_DIFFERENT


def test_a_series_table_gives_one_record_per_row(by_report):
    counts = {report: len(forms["txt"]) for report, forms in by_report.items()}
    assert counts == {"series_embolization": 5, "series_long": 28, "series_vertebroplasty": 6, "t10_single": 1}
