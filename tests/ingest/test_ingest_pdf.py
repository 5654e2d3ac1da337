"""PDF text layer: furniture, hyphenation, columns, paragraphs, encryption, broken files."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.ingest import read_path
from nlp.ingest.document import ReadError
from nlp.ingest.pdf import drop_page_furniture, join_lines, paragraphs, read_pdf

pytest.importorskip("fpdf")

CASE = ("A 47-year-old woman presented with mid-thoracic back pain of five months and numbness of both "
        "legs. MRI showed an aggressive hemangioma of T8 with an epidural component compressing the cord.")
TREATMENT = ("The right T8 intercostal artery was embolized with PVA particles. Vertebroplasty with 4 mL "
             "of PMMA, T8 laminectomy and pedicle screw fixation followed. Blood loss was 350 mL.")


def test_one_column_report(make_pdf, checked) -> None:
    data = make_pdf([("title", "Aggressive hemangioma of T8"), ("heading", "Abstract"),
                     ("text", "We report one case treated in three stages."), ("heading", "Case report"),
                     ("text", CASE), ("text", TREATMENT), ("heading", "Discussion"),
                     ("text", "Radiotherapy is an option that was not used here.")],
                    title="Aggressive hemangioma of T8")
    doc = read_pdf(data, "t8")
    checked(doc, contiguous=True)
    assert doc.title == "Aggressive hemangioma of T8"
    assert doc.metadata == {"format": "pdf", "pages": "1"}
    assert [(s.kind, s.title) for s in doc.sections] == [
        ("title", "Aggressive hemangioma of T8"), ("abstract", "Abstract"), ("case", "Case report"),
        ("discussion", "Discussion")]
    assert CASE in doc.text and TREATMENT in doc.text  # wrapped lines rejoined
    assert doc.section_at(doc.text.index("350 mL")).kind == "case"


def test_two_columns_keep_reading_order(make_two_column_pdf) -> None:
    left = " ".join(f"Left sentence {n} describes the patient and her course." for n in range(14))
    right = " ".join(f"Right sentence {n} discusses the treatment options." for n in range(14))
    doc = read_pdf(make_two_column_pdf("Two column hemangioma report", left, right), "two")
    assert left in doc.text and right in doc.text
    assert doc.text.index(left) < doc.text.index(right)


def test_running_head_page_numbers_and_hyphenation(make_pdf) -> None:
    lines = ("The lesion was treated by percutaneous vertebro-\nplasty and the patient, a self-\n"
             "expanding cage and the MED-\nLINE search were all described in full detail.")
    blocks = [("title", "Hemangioma of L2"), ("heading", "Case report"), ("text", CASE), ("lines", lines),
              ("heading", "Discussion"), ("text", TREATMENT)]
    data = make_pdf(blocks, running_head="Spine Case Reports 2021; 12: 101-104", page_break_before=(4,))
    doc = read_pdf(data, "furniture")
    assert doc.metadata["pages"] == "2"
    assert "Spine Case Reports" not in doc.text
    assert not any(line.strip().isdigit() for line in doc.text.splitlines())
    assert ("percutaneous vertebroplasty and the patient, a self-expanding cage and the MED-LINE search"
            in doc.text)
    assert [s.kind for s in doc.sections] == ["title", "case", "discussion"]


def test_a_short_line_closing_a_sentence_ends_the_paragraph(make_pdf) -> None:
    first = ("A 47-year-old woman presented with mid-thoracic back pain of five months\n"
             "and with numbness of both legs for the last two months before admission.\n"
             "Power was normal.")
    second = "MRI showed an aggressive hemangioma of T8 with an epidural component."
    text = read_pdf(make_pdf([("title", "Hemangioma of T8"), ("heading", "Case report"), ("lines", first),
                              ("lines", second)]), "x").text
    assert ("five months and with numbness of both legs for the last two months before admission. "
            "Power was normal.\n\nMRI showed") in text


def test_space_between_lines_ends_the_paragraph(make_pdf) -> None:
    # One line per patient, none closing a sentence: the space above each sets it apart, as the
    # blank line does in the text version ("Case 2" then opens a paragraph of its own).
    intro = ("Seven consecutive patients were treated between 2016 and 2022; their records were\n"
             "reviewed by two of the authors. Individual results are given below, one line per\n"
             "patient (age/sex, level, procedure with cement volume, pain before and after\n"
             "treatment, follow-up, recurrence, relief):")
    cases = ["Case 1: 71/F, L3, PVP (5.0 mL), VAS 7 to 1, 12 mo, no recurrence, partial relief",
             "Case 2: 66/M, T12, PKP (6.5 mL), VAS 8 to 0, 20 mo, no recurrence, complete relief",
             "Case 3: 45/F, T9, TAE + PVP (4.5 mL), VAS 8 to 2, 24 mo, no recurrence, partial relief"]
    text = read_pdf(make_pdf([("title", "Cement for vertebral hemangiomas"), ("heading", "Results"),
                              ("lines", intro), *[("lines", case) for case in cases]]), "x").text
    assert "one line per patient (age/sex" in text  # the lines of one paragraph still joined
    assert "relief):\n\n" + "\n\n".join(cases) in text


def test_paragraph_continues_across_a_page_break(make_pdf) -> None:
    first = "The patient was seen again after six weeks, when the\nneurological examination"
    second = "was normal and she had returned to work without restrictions."
    data = make_pdf([("title", "Hemangioma of C3"), ("heading", "Case report"), ("lines", first),
                     ("lines", second)], page_break_before=(3,))
    assert ("when the neurological examination was normal and she had returned to work"
            in read_pdf(data, "x").text)


def test_join_lines() -> None:
    assert join_lines("treated by vertebro-", "plasty of T8") == "treated by vertebroplasty of T8"
    assert join_lines("a non-", "union") == "a non-union"
    assert join_lines("a 47-year-", "old woman") == "a 47-year-old woman"
    assert join_lines("searched MED-", "LINE") == "searched MED-LINE"
    assert join_lines("range 1 -", "5 mL") == "range 1 - 5 mL"
    assert join_lines("back pain", "for years") == "back pain for years"


def test_drop_page_furniture() -> None:
    body = [[f"Text {chr(65 + page)}{line} of the report." for line in range(6)] for page in range(4)]
    pages = [["Journal of Spine 2020; 12: 101-104", *lines, f"Page {n} of 4"] for n, lines in enumerate(body, 1)]
    assert drop_page_furniture(pages) == body
    # a single page keeps its lines but not a bare page number at its foot
    assert drop_page_furniture([["Title", "Text.", "7"]]) == [["Title", "Text."]]


def test_paragraphs_keep_front_matter_lines_and_captions_apart() -> None:
    lines = ["Hemangioma of T8", "A. Author, B. Author", "University Hospital", "Abstract",
             "We report a case of a very aggressive hemangioma of the eighth thoracic", "vertebra.",
             "Figure 1: MRI of the thoracic spine.", "Introduction",
             "Hemangiomas are the commonest benign tumours found in the spine."]
    assert paragraphs(lines) == [
        "Hemangioma of T8\nA. Author, B. Author\nUniversity Hospital", "Abstract",
        "We report a case of a very aggressive hemangioma of the eighth thoracic vertebra.",
        "Figure 1: MRI of the thoracic spine.", "Introduction",
        "Hemangiomas are the commonest benign tumours found in the spine."]


def test_encrypted_pdf_is_refused(make_pdf, encrypt, tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypt(make_pdf([("title", "Secret"), ("text", CASE)]), "a password"))
    with pytest.raises(ReadError, match="^encrypted PDF$"):
        read_path(path)


def test_pdf_encrypted_with_empty_password_is_read(make_pdf, encrypt) -> None:
    data = encrypt(make_pdf([("title", "Open"), ("heading", "Case report"), ("text", CASE)]), "")
    assert CASE in read_pdf(data, "x").text


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a scan would be an image: no text either
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))
    with pytest.raises(ReadError, match="^PDF has no text layer$"):
        read_path(path)


@pytest.mark.parametrize("data, message", [
    (b"This is a plain text file renamed to .pdf", r"^not a PDF: no %PDF header$"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ngarbage", r"^not a valid PDF: "),
])
def test_fake_pdf_is_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=message) as error:
        read_path(path)
    assert "\n" not in str(error.value)
