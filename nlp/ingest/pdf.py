"""PDF text layer: page geometry (pdfium), tables found on it, page furniture dropped, lines
rejoined into paragraphs.

pypdf checks the file first (header, encryption, page count against ``--max-pages``, document
title); pdfium then gives every word with its box, which is what columns and tables are read
from (pdfplumber's own reading of a page costs about ten times as much: benchmarks/results.md).
"""
from __future__ import annotations

import io
import re
from collections import Counter
from statistics import median
from typing import Optional, Union

import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from nlp.ingest.builder import TextBuilder
from nlp.ingest.document import Document, ReadError
from nlp.ingest.pdf_layout import (Gutter, Line, document_gutter, group_lines, join_lines, page_columns, page_gutter,
                                   page_words, reading_order)
from nlp.ingest.pdf_tables import Item, PageTable, join_across_pages, ruled_tables, unruled_tables, with_captions
from nlp.ingest.sections import line_heading, sections_from_headings
from nlp.ingest.table_text import SourceTable

__all__ = ["drop_page_furniture", "join_lines", "paragraphs", "read_pdf"]

_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)
_CAPTION = re.compile(r"(?:Fig\.?|Figure|Table)\s*\d+[.:]?\s", re.IGNORECASE)
_BULLET = re.compile(r"[•▪◦\uf0b7\u2022]\s")
_PARAGRAPH_END = re.compile(r"""[.!?:]["'”’)\]]?$""")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)]")
_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running heads or feet
_PARAGRAPH_SPACE = 0.3  # space over the usual between lines, in font sizes, that ends a paragraph

Block = Union[str, SourceTable]


def read_pdf(data: bytes, doc_id: str, max_pages: Optional[int] = None) -> Document:
    """A Document from the text layer of a PDF; one of more than ``max_pages`` pages is refused unread."""
    reader = _open(data, max_pages)
    pages = _read_pages(data, len(reader.pages))
    if not any(pages):
        raise ReadError("PDF has no text layer")
    flow = with_captions(join_across_pages([item for page in drop_page_furniture(pages) for item in page]))
    builder = TextBuilder()
    for block in paragraphs(flow):
        if isinstance(block, SourceTable):
            builder.table(block)
        else:
            builder.block(block)
    text, _ = builder.build()
    info_title = _info_title(reader)
    sections = sections_from_headings(text, title=info_title)
    first_line = next((item for item in flow if isinstance(item, str)), "")
    title = info_title or next((s.title for s in sections if s.kind == "title"), "") or first_line
    metadata = {"format": "pdf", "pages": str(len(pages))}
    doi = _DOI.search(text[:5000])
    if doi:
        metadata["doi"] = doi.group(0)
    return Document(id=doc_id, text=text, title=title, sections=sections, metadata=metadata, tables=builder.tables)


def _read_pages(data: bytes, count: int) -> list[list[Item]]:
    """Each page's lines (as :class:`TextLine`) and tables, in reading order."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ReadError(f"not a valid PDF: {str(error).splitlines()[0] if str(error) else 'unreadable'}") from None
    try:
        pages = []
        for index in range(min(count, len(document))):
            try:
                page = document[index]
                pages.append(_page_layout(page))
                page.close()
            except pdfium.PdfiumError:  # a broken page: say which rather than pdfium's internals
                raise ReadError(f"not a valid PDF: cannot extract the text of page {index + 1}") from None
    finally:
        document.close()
    # Columns are the document's: a page with too few lines to show its own takes theirs.
    columns = document_gutter([gutter for _, _, gutter in pages])
    laid_out = [_page_items(lines, ruled, page_columns(lines, gutter, columns)) for lines, ruled, gutter in pages]
    return _as_text(laid_out)


class TextLine(str):
    """A line of running text; ``spaced``: set apart from the line above it by more space than
    the document leaves between the lines of a paragraph (a paragraph break)."""
    spaced: bool = False


def _as_text(pages: list[list[Union[Line, PageTable]]]) -> list[list[Item]]:
    """The pages with each line as its text, marked where more space than usual sets it apart
    from the line above it in the same column."""
    def gap(above: object, line: object) -> Optional[float]:
        if not (isinstance(above, Line) and isinstance(line, Line)) or line.top <= above.top \
                or line.x0 >= above.x1 or above.x0 >= line.x1:
            return None  # not the next line of the same column
        return line.top - above.bottom

    # The usual space: the lower quartile, as a document of short paragraphs has about as many
    # breaks between paragraphs as lines within them.
    gaps = sorted(g for page in pages for above, line in zip(page, page[1:])
                  if (g := gap(above, line)) is not None and abs(g) < 2 * line.size)
    usual = gaps[len(gaps) // 4] if gaps else None
    out: list[list[Item]] = []
    for page in pages:
        items: list[Item] = []
        for k, item in enumerate(page):
            if not isinstance(item, Line):
                items.append(item)
                continue
            line = TextLine(item.text)
            space = gap(page[k - 1], item) if k else None
            line.spaced = usual is not None and space is not None and space > usual + _PARAGRAPH_SPACE * item.size
            items.append(line)
        out.append(items)
    return out


def _page_layout(page: pdfium.PdfPage) -> tuple[list[Line], list[PageTable], Optional[Gutter]]:
    """The page's lines of running text, its ruled tables, and the gutter it shows by itself."""
    words = page_words(page)
    if not words:
        return [], [], None
    ruled = ruled_tables(page, words)
    taken = {id(word) for table in ruled for word in table.words}
    lines = group_lines([word for word in words if id(word) not in taken])
    return lines, ruled, page_gutter(lines, page.get_width())


def _page_items(lines: list[Line], ruled: list[PageTable], gutter: Optional[Gutter]) -> list[Union[Line, PageTable]]:
    items: list[Union[Line, PageTable]] = []
    run: list[Line] = []
    for item in reading_order(lines, ruled, gutter) + [None]:
        if isinstance(item, Line):
            run.append(item)
            continue
        items += _with_unruled_tables(run)
        run = []
        if isinstance(item, PageTable):
            items.append(item)
    return items


def _with_unruled_tables(lines: list[Line]) -> list[Union[Line, PageTable]]:
    """The lines, but for the runs of them that make a table."""
    items: list[Union[Line, PageTable]] = []
    done = 0
    for first, end, table in unruled_tables(lines):
        items += lines[done:first]
        items.append(table)
        done = end
    return items + lines[done:]


def _open(data: bytes, max_pages: Optional[int] = None) -> PdfReader:
    if b"%PDF-" not in data[:1024]:
        raise ReadError("not a PDF: no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError("encrypted PDF")
        pages = _claimed_pages(reader)  # the page tree's own count first: walking a huge tree takes long
        if max_pages is None or pages <= max_pages:
            pages = len(reader.pages)
        if pages == 0:  # a broken page tree fails here, not halfway through reading
            raise ReadError("PDF has no pages")
        if max_pages is not None and pages > max_pages:
            raise ReadError(f"PDF has {pages} pages, over the limit of {max_pages} (--max-pages)")
    except ReadError:
        raise
    except PdfReadError as error:
        raise ReadError(f"not a valid PDF: {str(error).splitlines()[0] if str(error) else 'unreadable'}") from None
    except Exception as error:  # pypdf raises many kinds on broken files; any is a bad input
        raise ReadError(f"not a valid PDF: {error.__class__.__name__}") from None
    return reader


def _claimed_pages(reader: PdfReader) -> int:
    try:
        return int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:  # no or a broken count: the walk of the page tree decides
        return 0


def _info_title(reader: PdfReader) -> str:
    """The document-information title, unless it is empty or a file name ("Microsoft Word - x.docx")."""
    try:
        title = (reader.metadata.title or "") if reader.metadata else ""
    except Exception:  # a broken info dictionary costs the title only
        return ""
    title = re.sub(r"\s+", " ", str(title)).strip()
    if not title or re.search(r"\.(docx?|pdf|tex|rtf|odt)$|^untitled$", title, re.IGNORECASE):
        return ""
    return title


def drop_page_furniture(pages: list[list[Item]]) -> list[list[Item]]:
    """Pages without running heads/feet (edge lines repeated on many pages) and page numbers;
    tables are never furniture."""
    def key(line: Item) -> Optional[str]:
        return re.sub(r"\d+", "#", line).lower() if isinstance(line, str) else None

    seen: Counter[Optional[str]] = Counter()
    for page in pages:
        seen.update({key(line) for line in page[:_EDGE_LINES] + page[-_EDGE_LINES:]} - {None})
    repeated = {k for k, n in seen.items() if n >= 2 and n >= len(pages) / 2}
    cleaned = []
    for page in pages:
        edges = set(range(min(_EDGE_LINES, len(page)))) | set(range(max(len(page) - _EDGE_LINES, 0), len(page)))
        ends = {0, len(page) - 1}
        cleaned.append([line for i, line in enumerate(page)
                        if not isinstance(line, str)
                        or not (i in edges and key(line) in repeated or i in ends and _PAGE_NUMBER.fullmatch(line))])
    return cleaned


def paragraphs(items: list[Block]) -> list[Block]:
    """Lines rejoined into paragraphs, hyphenation repaired; headings, captions and tables stand alone.

    Front matter (title, authors, affiliations: the lines before the first heading on the first
    page) keeps one line per line. A paragraph ends at a short line closing a sentence, and
    before a line set apart by more space than the document leaves between lines (``spaced``).
    """
    if not items:
        return []
    typical = median([len(line) for line in items if isinstance(line, str) and len(line) >= 20] or [60])

    def line_at(i: int) -> Optional[str]:
        return items[i] if 0 <= i < len(items) and isinstance(items[i], str) else None

    headings = [isinstance(line, str) and line_heading(line, line_at(i - 1), line_at(i + 1)) is not None
                for i, line in enumerate(items)]
    first_table = next((i for i, item in enumerate(items) if not isinstance(item, str)), len(items))
    front = min(_front_matter_length(headings), first_table)
    blocks: list[Block] = ["\n".join(items[:front])] if front else []  # type: ignore[arg-type]
    current: Optional[str] = None
    for i in range(front, len(items)):
        line = items[i]
        previous = line_at(i - 1)
        if not isinstance(line, str):
            blocks += [current, line] if current is not None else [line]
            current = None
            continue
        starts = (current is None or headings[i] or headings[i - 1] or _CAPTION.match(line) or _BULLET.match(line)
                  or getattr(line, "spaced", False)
                  or (previous is not None and _PARAGRAPH_END.search(previous) and len(previous) < 0.8 * typical))
        if starts:
            if current is not None:
                blocks.append(current)
            current = line
        else:
            current = join_lines(current, line)
    if current is not None:
        blocks.append(current)
    return blocks


def _front_matter_length(headings: list[bool]) -> int:
    """Lines before the first heading, when it comes early enough to be after a title page head."""
    first = next((i for i, is_heading in enumerate(headings) if is_heading), None)
    return first if first is not None and first <= 40 else 0
