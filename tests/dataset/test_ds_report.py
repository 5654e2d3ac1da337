"""caseminer report: figures, and a self-contained, escaped review page (split when large)."""
import re

import pytest

from nlp.dataset.report import write_report
from nlp.schema import FIELDS
from tinyrun import write_run

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def report(built_run):
    path = write_report(built_run, flag_below=0.5)
    return built_run, path.read_text(encoding="utf-8")


def test_figures_are_png_files_and_inlined(report):
    run, html = report
    names = sorted(p.name for p in (run / "figures").iterdir())
    assert names == ["follow_up.png", "forest_any_complication.png", "forest_recurrence.png",
                     "forest_resolved_or_improved.png", "levels.png", "patients_per_combination.png",
                     "vas_by_combination.png"]
    for name in names:
        assert (run / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert html.count('src="data:image/png;base64,') == 7


def test_the_synthesis_section_marks_small_samples_and_warns_of_publication_bias(report):
    _, html = report
    section = html[html.index("<h2>Synthesis"):html.index("<h2>Flagged values")]
    assert "publication bias" in section
    # both combinations of the tiny run have fewer than 3 patients: marked, and no rank anywhere
    assert section.count("fewer than 3 patients</span>") == 2 and "<small>rank " not in section
    assert "n&lt;3: not ranked" in section
    assert "1/1 · 100% (2.5–100%)" in section  # embolization+vertebroplasty: b improved, a's outcome unstated
    assert section.count('src="data:image/png;base64,') == 3  # the forest plots


def test_nothing_on_the_page_points_outside_it(report):
    _, html = report
    assert not EXTERNAL.search(html)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?|file|javascript):""", html, re.IGNORECASE)
    assert "<script" not in html.lower() and "<link" not in html.lower()


def test_text_from_documents_is_escaped(report):
    _, html = report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;)" in html


def test_every_field_of_every_patient_is_shown_and_values_link_to_their_place(report):
    _, html = report
    for document_number, case in ((1, 1), (1, 2), (2, 1), (5, 1)):
        for name in FIELDS:
            assert f'id="p{document_number}-{case}-{name}"' in html
    links = set(re.findall(r'href="#(e[^"]+)"', html))
    assert links and all(f'id="{anchor}"' in html for anchor in links)
    assert 'id="e1-1-age_years-0"' in html  # a's patient 1, its age, in the highlighted text
    assert "<mark>60-year-old</mark>" in html  # the evidence in its context


def test_values_below_the_threshold_are_flagged(report):
    _, html = report
    assert '<tr id="p1-1-vas_pre" class=flag>' in html
    assert '<tr id="p1-1-vas_post" class=flag>' not in html
    assert "values with confidence below 0.5 (flagged)</th><td class=n>1<" in html


def test_a_large_run_gets_an_index_and_a_page_per_document(tmp_path):
    run = write_run(tmp_path / "run")
    index = write_report(run, split_above=2).read_text(encoding="utf-8")
    pages = sorted(p.name for p in (run / "report").iterdir())
    assert pages == ["0001-a.html", "0002-b.html", "0003-c.html", "0005-e.html"]  # d failed: no text
    for name in pages:
        assert f'href="report/{name}"' in index
        page = (run / "report" / name).read_text(encoding="utf-8")
        assert not EXTERNAL.search(page) and '<a href="../report.html">' in page
    assert 'id="p1-1-age_years"' not in index
    assert "&lt;script&gt;" in (run / "report" / "0002-b.html").read_text(encoding="utf-8")
