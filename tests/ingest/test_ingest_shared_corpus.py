"""The readers on real published files (skipped where the shared corpus is absent)."""
from __future__ import annotations

from pathlib import Path

from nlp.ingest import read_path


def _files(corpus: Path, pattern: str) -> list[Path]:
    files = sorted(corpus.glob(pattern))
    assert files, pattern
    return files


def test_all_jats_articles(shared_corpus: Path, checked) -> None:
    files = _files(shared_corpus, "formats/jats/*.nxml")
    assert len(files) == 11
    for path in files:
        [doc] = read_path(path)
        checked(doc)
        kinds = {s.kind for s in doc.sections}
        assert {"title", "abstract"} <= kinds and len(kinds) >= 4, (path.name, kinds)
        assert doc.metadata["pmid"].isdigit() and doc.metadata["doi"] and doc.metadata["year"].isdigit()
        assert len(doc.text) > 10_000
        assert "documentclass" not in doc.text


def test_pubmed_set_with_external_dtd(shared_corpus: Path, checked) -> None:
    [doc] = read_path(shared_corpus / "formats/pubmed/pubmed-29768149.xml")
    checked(doc)
    assert doc.id == "29768149" and doc.metadata["year"] == "2018"
    assert [s.kind for s in doc.sections] == ["title", "abstract", "introduction", "methods", "results",
                                              "conclusion"]


def test_pdfs_against_their_tei(shared_corpus: Path, checked) -> None:
    for pdf_path in _files(shared_corpus, "formats/pdf/*.pdf"):
        [pdf] = read_path(pdf_path)
        [tei] = read_path(pdf_path.with_suffix(".tei.xml"))
        checked(pdf, contiguous=True)
        checked(tei)
        assert pdf.id == tei.id == pdf_path.stem
        assert pdf.title == tei.title
        for doc in (pdf, tei):
            kinds = {s.kind for s in doc.sections}
            assert {"title", "abstract", "introduction", "conclusion"} <= kinds, (doc.id, doc.metadata, kinds)
        # Two-column reading order: the abstract and the introduction come out whole and in order.
        tei_intro = next(s for s in tei.sections if s.kind == "introduction")
        first_sentence = tei.text[tei_intro.start:].split("\n\n")[1].split(". ")[0]
        assert first_sentence in pdf.text
        assert pdf.text.index("Abstract") < pdf.text.index(first_sentence)


def test_dev_case_reports(shared_corpus: Path, checked) -> None:
    for path in _files(shared_corpus, "dev/texts/*.txt"):
        [doc] = read_path(path)
        checked(doc, contiguous=True)
        assert doc.text == path.read_text(encoding="utf-8")  # offsets into the file as Python reads it
        assert len({s.kind for s in doc.sections}) >= 2, path.name


def test_maccrobat_reports_without_headings_are_cases(shared_corpus: Path, checked) -> None:
    for path in _files(shared_corpus, "maccrobat_dev/texts/*.txt"):
        [doc] = read_path(path)
        checked(doc, contiguous=True)
        assert [s.kind for s in doc.sections] == ["case"], path.name
