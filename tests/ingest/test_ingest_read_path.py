"""read_path: dispatch by suffix and root element, document ids, errors, the bundled examples."""
from __future__ import annotations

from pathlib import Path

import pytest

from nlp.ingest import READABLE_SUFFIXES, document_id_for, read_path
from nlp.ingest.document import ReadError

EXAMPLES = Path(__file__).parents[2] / "corpora" / "examples"


@pytest.mark.parametrize("name, expected", [
    ("avh_t8.txt", "avh_t8"), ("paper.tei.xml", "paper"), ("PAPER.TEI.XML", "PAPER"), ("PMC123.nxml", "PMC123"),
    ("case.v2.txt", "case.v2"), ("report.pdf", "report"), ("noext", "noext"),
])
def test_document_id_for(name: str, expected: str) -> None:
    assert document_id_for(Path("/some/dir") / name) == expected


def test_readable_suffixes() -> None:
    assert set(READABLE_SUFFIXES) == {".txt", ".xml", ".nxml", ".pdf"}


@pytest.mark.parametrize("name, data, fmt", [
    ("a.txt", b"Title\nA 40-year-old man.\n", "text"),
    ("a.nxml", b"<article><body><p>A 40-year-old man.</p></body></article>", "jats"),
    ("a.xml", b"<article><body><p>A 40-year-old man.</p></body></article>", "jats"),
    ("a.xml", b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>T"
              b"</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>", "pubmed"),
    ("a.xml", b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><div><p>Text.</p></div></body></text></TEI>',
     "tei"),
])
def test_dispatch(tmp_path: Path, name: str, data: bytes, fmt: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    [doc] = read_path(path)
    assert doc.metadata["format"] == fmt and doc.metadata["source"] == str(path)


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "empty file"),
    ("empty.xml", b"", "empty file"),
    ("empty.pdf", b"", "empty file"),
    ("blank.nxml", b"  \n ", "empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data, not text"),
    ("broken.xml", b"<article><p>never closed</article>", "not well-formed XML: "),
    ("notes.docx", b"PK\x03\x04", "unsupported file type: .docx"),
])
def test_unreadable_input_gives_a_one_line_reason(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as error:
        read_path(path)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value) and "Traceback" not in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="^cannot read file: "):
        read_path(tmp_path / "absent.txt")


def test_bundled_text_example(checked) -> None:
    [doc] = read_path(EXAMPLES / "avh_t8_embolization.txt")
    checked(doc, contiguous=True)
    assert [s.kind for s in doc.sections] == ["title", "abstract", "introduction", "case", "discussion",
                                              "conclusion"]
    case = next(s for s in doc.sections if s.kind == "case")
    for fact in ("47-year-old woman", "right T8 intercostal artery", "4 mL of PMMA", "350 mL", "18 months"):
        assert case.start < doc.text.index(fact, case.start) < case.end
    discussion = next(s for s in doc.sections if s.kind == "discussion")
    assert "Radiotherapy" in doc.text[discussion.start:discussion.end]


def test_bundled_jats_example(checked) -> None:
    [doc] = read_path(EXAMPLES / "avh_l3_case.xml")
    checked(doc)
    assert doc.id == "avh_l3_case"
    assert {k: doc.metadata[k] for k in ("pmid", "doi", "year", "article_type")} == {
        "pmid": "99000011", "doi": "10.99999/example.avh.l3", "year": "2022", "article_type": "case-report"}
    assert "Table 1. Clinical course\nTime point | Leg pain (VAS) | Quadriceps power | MRI" in doc.text
    assert "Figure 1. Sagittal T2-weighted MRI of the lumbar spine." in doc.text
    assert "found incidentally 1." in doc.text
    assert doc.section_at(doc.text.index("5 mL of PMMA;")).kind == "case"


def test_bundled_pubmed_example(checked) -> None:
    case, review = read_path(EXAMPLES / "pubmed_set.xml")
    for doc in (case, review):
        checked(doc)
    assert (case.id, review.id) == ("99000001", "99000002")
    assert "case" in {s.kind for s in case.sections} and "case" not in {s.kind for s in review.sections}
    assert review.metadata["publication_types"] == "Review"


def test_bundled_pdf_example(checked) -> None:
    [doc] = read_path(EXAMPLES / "avh_c5_report.pdf")
    checked(doc, contiguous=True)
    assert (EXAMPLES / "avh_c5_report.pdf").stat().st_size < 30_000
    assert doc.title.startswith("Aggressive hemangioma of the C5 vertebra")
    assert [s.title for s in doc.sections if s.kind == "case"] == ["Case 1", "Case 2"]
    assert "Example Spine Case Reports" not in doc.text  # running head dropped


def test_pdf_example_matches_its_script(tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_pdf", EXAMPLES.parent / "make_example_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(tmp_path / "rebuilt.pdf")
    assert read_path(tmp_path / "rebuilt.pdf")[0].text == read_path(EXAMPLES / "avh_c5_report.pdf")[0].text
