"""Heading kinds and sections of plain text."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.ingest.document import Document
from nlp.ingest.kinds import describes_patient, heading_kind
from nlp.ingest.sections import line_heading, sections_from_headings


@pytest.mark.parametrize("title, kind", [
    ("Case report", "case"), ("Case presentation", "case"), ("CASE REPORT", "case"), ("Case 1", "case"),
    ("Case description", "case"), ("Case summary", "case"), ("Case II", "case"), ("Patient 2", "case"),
    ("Case report: a rare cause of paraplegia", "case"), ("Clinical presentation", "case"),
    ("Patients and methods", "methods"), ("Patients", "methods"), ("Materials and Methods", "methods"),
    ("2. Materials & methods", "methods"), ("Statistical analysis", "methods"), ("Study design", "methods"),
    ("Results", "results"), ("RESULTS", "results"), ("Results and discussion", "results"),
    ("Discussion", "discussion"), ("Comment", "discussion"), ("Review of the literature", "discussion"),
    ("Conclusion", "conclusion"), ("Conclusions", "conclusion"), ("Conclusion(s)", "conclusion"),
    ("Summary and conclusions", "conclusion"), ("Conclusions/Significance", "conclusion"),
    ("Background", "introduction"), ("Introduction", "introduction"), ("1 Introduction", "introduction"),
    ("Objectives", "introduction"), ("Abstract", "abstract"), ("Summary", "abstract"),
    ("References", "references"), ("Bibliography", "references"),
    ("Acknowledgements", "other"), ("Conflict of interest", "other"), ("Funding", "other"),
    ("Keywords", "other"), ("Operation", "other"), ("Surgical management", "other"),
])
def test_heading_kind(title: str, kind: str) -> None:
    assert heading_kind(title) == kind


def test_heading_kind_inherits_from_its_context_only_when_its_words_say_nothing() -> None:
    assert heading_kind("Operation", "case") == "case"
    assert heading_kind("Imaging findings", "case") == "case"
    assert heading_kind("Discussion", "case") == "discussion"
    assert heading_kind("Funding", "case") == "other"  # named 'other' is no gap to fill
    assert heading_kind("Operation", "references") == "other"


def test_a_sentence_is_no_heading_even_if_it_starts_like_one() -> None:
    assert heading_kind("Case reports are rare in this age group") == "other"
    assert line_heading("results in more accurate embeddings compared to", None, "x" * 80) is None
    assert line_heading("We reduce literature graph construction into fa-", "done.", "x" * 80) is None


def test_describes_patient() -> None:
    assert describes_patient("A 47-year-old woman presented with back pain.")
    assert describes_patient("Man aged 34. Back pain for 4 months.")
    assert not describes_patient("Vertebral hemangiomas are the commonest benign tumours of the spine.")


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.title) for s in sections_from_headings(text)]


def _check_tiling(text: str) -> None:
    sections = sections_from_headings(text)
    top = [s for i, s in enumerate(sections)
           if not any(o.start <= s.start and s.end <= o.end for o in sections[:i])]
    assert top[0].start == 0 and top[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(top, top[1:]))


REPORT = """Aggressive vertebral haemangioma of T8: a case report

Abstract
We report a woman with an aggressive T8 haemangioma treated by embolisation and surgery.

Introduction
Vertebral haemangiomas are common. Few of them are aggressive.

Case presentation
A 47-year-old woman had back pain for five months.
Operation
Under general anaesthesia a T8 laminectomy was performed. Blood loss was 350 mL.
Post-operative course
She walked unaided on the second day and went home on day five.

Discussion
Radiotherapy is an option that was not used.
Radiotherapy
Doses of 30-40 Gy relieve pain in most patients.

Conclusion
Combined treatment worked.
"""


def test_sections_of_a_report_with_heading_lines() -> None:
    assert _kinds(REPORT) == [
        ("title", "Aggressive vertebral haemangioma of T8: a case report"), ("abstract", "Abstract"),
        ("introduction", "Introduction"), ("case", "Case presentation"), ("case", "Operation"),
        ("case", "Post-operative course"), ("discussion", "Discussion"), ("discussion", "Radiotherapy"),
        ("conclusion", "Conclusion")]
    _check_tiling(REPORT)


def test_section_starts_at_its_heading_and_ends_where_the_next_begins() -> None:
    sections = sections_from_headings(REPORT)
    case = next(s for s in sections if s.title == "Case presentation")
    assert REPORT[case.start:].startswith("Case presentation\nA 47-year-old")
    assert REPORT[case.end:].startswith("Operation\n")
    doc = Document(id="x", text=REPORT, sections=sections)
    assert doc.section_at(REPORT.index("350 mL")).kind == "case"
    assert doc.section_at(REPORT.index("30-40 Gy")).kind == "discussion"


def test_run_in_headings_start_sections_at_the_paragraph() -> None:
    text = ("Aggressive vertebral haemangioma: three patients\n\n"
            "Background. Vertebral haemangiomas are benign vascular lesions.\n\n"
            "Patients. Three patients were seen in our department.\n\n"
            "Case 1. Man aged 34. Back pain for 4 months.\n\n"
            "Case 2: Woman, 52 yo. Back pain for 8 months.\n\n"
            "Results: all improved.\n\n"
            "Comment. Embolisation is safe.\n")
    assert _kinds(text) == [("title", "Aggressive vertebral haemangioma: three patients"),
                            ("introduction", "Background"), ("methods", "Patients"), ("case", "Case 1"),
                            ("case", "Case 2"), ("results", "Results"), ("discussion", "Comment")]
    case1 = sections_from_headings(text)[3]
    assert text[case1.start:].startswith("Case 1. Man aged 34")
    _check_tiling(text)


def test_unknown_run_in_labels_are_no_headings() -> None:
    text = "Cord compression from a T8 haemangioma\n\nA woman aged 62 had back pain.\nMRI: lesion in T8.\n" \
           "Management: embolisation, then laminectomy.\n\nComment. These lesions are rare.\n"
    assert _kinds(text) == [("title", "Cord compression from a T8 haemangioma"), ("case", ""),
                            ("discussion", "Comment")]


def test_structured_abstract_nests_its_parts_and_ends_at_the_next_heading_line() -> None:
    text = ("A series of fifty vertebroplasties\n\nAbstract\nBackground: PVP is minimally invasive.\n"
            "Methods: We included all patients.\nResults: Pain improved in all.\nConclusions: PVP works.\n"
            "Keywords: vertebroplasty; hemangioma\n\nIntroduction\nHemangiomas are common.\n")
    sections = sections_from_headings(text)
    assert [(s.kind, s.title) for s in sections] == [
        ("title", "A series of fifty vertebroplasties"), ("abstract", "Abstract"), ("introduction", "Background"),
        ("methods", "Methods"), ("results", "Results"), ("conclusion", "Conclusions"), ("other", "Keywords"),
        ("introduction", "Introduction")]
    abstract, results = sections[1], sections[4]
    assert abstract.start < results.start < results.end <= abstract.end == sections[-1].start
    doc = Document(id="x", text=text, sections=sections)
    assert doc.section_at(text.index("Pain improved")).kind == "results"  # the innermost one
    _check_tiling(text)


def test_unheaded_abstract_before_the_introduction() -> None:
    text = (" Vertebral hemangiomas (VH) are common. We report a case of AVH treated with combination therapy.\n"
            " Introduction\n\nVertebral hemangiomas are the most common benign spinal tumors.\n")
    assert _kinds(text) == [("abstract", ""), ("introduction", "Introduction")]


def test_headingless_case_report_is_one_case_section() -> None:
    text = ("A 23 year old white male with Crohn's disease presented with fever.\n"
            "He complained of joint pains.\nThere was a rash on the elbows.\n")
    assert _kinds(text) == [("case", "")]
    assert sections_from_headings(text)[0].end == len(text)


def test_headingless_text_about_no_patient_is_other() -> None:
    assert _kinds("Haemangiomas are common.\nMost are silent.\n") == [("other", "")]


def test_numbered_and_markdown_headings() -> None:
    text = ("# Haemangioma of L1\n\n## 1. Introduction\nText about haemangiomas in general.\n\n"
            "2 Patients and methods\nWe reviewed all records from 2010 onwards carefully.\n\n"
            "2.1 Imaging protocol\nAll had MRI with and without contrast before treatment.\n\n"
            "3 Follow-up visits\nPatients were seen at one, six and twelve months after surgery.\n")
    assert _kinds(text) == [("title", "# Haemangioma of L1"), ("introduction", "1. Introduction"),
                            ("methods", "2 Patients and methods"), ("methods", "2.1 Imaging protocol"),
                            ("other", "3 Follow-up visits")]


def test_wrapped_lines_and_table_rows_are_no_headings() -> None:
    text = ("Vertebroplasty for haemangioma\n\nResults\nThe individual data are listed in Table 1 and\n"
            "Six Patients Were Treated\nwith cement.\n\nTable 1. Patients\n| 1 | 54/F | T8 |\n"
            "1\t43\tF\tT7\nMean\t50.6\n\nDiscussion\nGood.\n")
    assert [k for k, _ in _kinds(text)] == ["title", "results", "discussion"]


def test_given_title_marks_its_lines_and_front_matter_before_it() -> None:
    text = ("Proceedings of a meeting, pages 1-9\nAggressive haemangioma of the C5 vertebra: two\n"
            "cases treated by corpectomy\nA. Author, B. Author\n\nAbstract\nTwo cases.\n")
    sections = sections_from_headings(text, title="Aggressive haemangioma of the C5 vertebra: two cases "
                                                  "treated by corpectomy")
    assert [(s.kind, s.title) for s in sections][:2] == [
        ("other", ""), ("title", "Aggressive haemangioma of the C5 vertebra: two cases treated by corpectomy")]
    assert text[sections[2].start:].startswith("A. Author")


def test_reference_entries_are_no_headings() -> None:
    text = ("A report\n\nDiscussion\nSome text here.\n\nReferences\n1. Smith J. Case reports of haemangioma.\n"
            "2019. Results of vertebroplasty.\nCase 1: a cited title. J Spine.\n")
    assert [k for k, _ in _kinds(text)] == ["title", "discussion", "references"]


def test_empty_text_has_no_sections() -> None:
    assert sections_from_headings("") == [] and sections_from_headings("\n \n") == []


_LINES = ["Abstract", "Introduction", "Case report", "CASE 2", "Operation", "Results: all improved.",
          "Background. Haemangiomas are common.", "A 47-year-old woman had back pain for five months.",
          "References", "1. Smith J. Cited.", "# Heading", "", "  ", "Table 1. Data", "| a | b |",
          "2.1 Imaging protocol", "Short line", "x", "Conclusion."]


@given(st.lists(st.sampled_from(_LINES) | st.text(max_size=40), max_size=25), st.sampled_from(["\n", "\n\n"]))
@settings(max_examples=200, deadline=None)
def test_sections_always_tile_the_text(lines: list[str], joiner: str) -> None:
    text = joiner.join(lines)
    if not text.strip():
        assert sections_from_headings(text) == []
        return
    _check_tiling(text)
    for section in sections_from_headings(text):
        assert 0 <= section.start < section.end <= len(text)
