"""Fixtures for the ingest tests: document checks, PDF builders, the shared corpus."""
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

from nlp.ingest.document import SECTION_KINDS, Document

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests/: shared_corpus locates ../shared
from shared_corpus import shared_path  # noqa: E402


def check_document(doc: Document, contiguous: bool = False) -> None:
    """Invariants every reader keeps: sections in order, inside the text, properly nested."""
    assert doc.id and doc.text.strip()
    assert doc.metadata.get("format") in ("text", "jats", "pubmed", "tei", "pdf")
    starts = [s.start for s in doc.sections]
    assert starts == sorted(starts)
    for section in doc.sections:
        assert section.kind in SECTION_KINDS
        assert 0 <= section.start < section.end <= len(doc.text), section
    for i, outer in enumerate(doc.sections):
        for inner in doc.sections[i + 1:]:
            assert inner.start >= outer.end or inner.end <= outer.end, (outer, inner)  # nested or disjoint
    if contiguous:  # top-level sections tile the text
        top = [s for i, s in enumerate(doc.sections)
               if not any(o.start <= s.start and s.end <= o.end for o in doc.sections[:i])]
        assert top[0].start == 0 and top[-1].end == len(doc.text)
        assert all(a.end == b.start for a, b in zip(top, top[1:]))


@pytest.fixture
def checked() -> Callable[..., None]:
    return check_document


@pytest.fixture
def shared_corpus() -> Path:
    return shared_path("corpus")  # skips only where ../shared is absent


def pdf_bytes(pdf) -> bytes:
    return bytes(pdf.output())


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    """A one-column PDF: ``blocks`` are (style, text) with style 'title', 'heading', 'text' or
    'lines' (text drawn line by line exactly as given, to control line ends)."""
    fpdf = pytest.importorskip("fpdf")

    class _Paged(fpdf.FPDF):
        running_head: Optional[str] = None

        def header(self) -> None:
            if self.running_head:
                self.set_font("Helvetica", size=8)
                self.cell(0, 6, self.running_head, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            if self.running_head:
                self.set_y(-15)
                self.set_font("Helvetica", size=8)
                self.cell(0, 10, str(self.page_no()), align="C")

    def build(blocks: list[tuple[str, str]], title: Optional[str] = None, running_head: Optional[str] = None,
              page_break_before: tuple[int, ...] = ()) -> bytes:
        pdf = _Paged()
        pdf.running_head = running_head
        if title:
            pdf.set_title(title)
        pdf.add_page()
        for index, (style, text) in enumerate(blocks):
            if index in page_break_before:
                pdf.add_page()
            if style == "lines":
                pdf.set_font("Helvetica", size=10)
                for line in text.split("\n"):
                    pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
                continue
            size, bold = {"title": (14, "B"), "heading": (11, "B"), "text": (10, "")}[style]
            pdf.set_font("Helvetica", style=bold, size=size)
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        return pdf_bytes(pdf)

    return build


@pytest.fixture
def make_two_column_pdf() -> Callable[[str, str, str], bytes]:
    """A page with a full-width title over two text columns."""
    fpdf = pytest.importorskip("fpdf")

    def build(title: str, left: str, right: str) -> bytes:
        pdf = fpdf.FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", size=10)
        with pdf.text_columns(ncols=2, gutter=8) as columns:
            columns.write(text=left)
            columns.new_column()
            columns.write(text=right)
        return pdf_bytes(pdf)

    return build


@pytest.fixture
def encrypt() -> Callable[[bytes, str], bytes]:
    """The PDF encrypted with ``user_password`` (RC4, which pypdf handles without extra packages)."""
    from pypdf import PdfReader, PdfWriter

    def build(data: bytes, user_password: str) -> bytes:
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    return build
