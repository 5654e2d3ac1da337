"""PDF text layer (pypdf): page furniture dropped, lines rejoined into paragraphs."""
from __future__ import annotations

import io
import re
from collections import Counter
from statistics import median
from typing import Optional

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from nlp.ingest.document import Document, ReadError
from nlp.ingest.sections import line_heading, sections_from_headings

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# Glyphs a font maps to no character come out as control codes ("p1 \x00! p2"): no text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_PAGE_NUMBER = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)
_CAPTION = re.compile(r"(?:Fig\.?|Figure|Table)\s*\d+[.:]?\s", re.IGNORECASE)
_BULLET = re.compile(r"[•▪◦\uf0b7\u2022]\s")
_PARAGRAPH_END = re.compile(r"""[.!?:]["'”’)\]]?$""")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)]")
# Prefixes that keep their hyphen when a compound breaks at the line end ("self-\nexpanding").
_KEEP_HYPHEN = frozenset({"self", "non", "well", "ill", "half", "cross", "all"})
_EDGE_LINES = 3  # lines at the top and bottom of a page that may be running heads or feet


def read_pdf(data: bytes, doc_id: str, max_pages: Optional[int] = None) -> Document:
    """A Document from the text layer of a PDF; one of more than ``max_pages`` pages is refused unread."""
    reader = _open(data, max_pages)
    pages = [_page_lines(_extract(reader, index)) for index in range(len(reader.pages))]
    if not any(pages):
        raise ReadError("PDF has no text layer")
    lines = [line for page in drop_page_furniture(pages) for line in page]
    text = "\n\n".join(paragraphs(lines))
    info_title = _info_title(reader)
    sections = sections_from_headings(text, title=info_title)
    title = info_title or next((s.title for s in sections if s.kind == "title"), "") or lines[0]
    metadata = {"format": "pdf", "pages": str(len(pages))}
    doi = _DOI.search(text[:5000])
    if doi:
        metadata["doi"] = doi.group(0)
    return Document(id=doc_id, text=text, title=title, sections=sections, metadata=metadata)


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


def _extract(reader: PdfReader, index: int) -> str:
    try:
        return reader.pages[index].extract_text() or ""
    except Exception:  # a broken page or content stream: say which page rather than pypdf's internals
        raise ReadError(f"not a valid PDF: cannot extract the text of page {index + 1}") from None


def _page_lines(page_text: str) -> list[str]:
    lines = (_CONTROL.sub("", line).translate(_LIGATURES).strip() for line in page_text.splitlines())
    return [line for line in lines if line]


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


def drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Pages without running heads/feet (edge lines repeated on many pages) and page numbers."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line).lower()

    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({key(line) for line in page[:_EDGE_LINES] + page[-_EDGE_LINES:]})
    repeated = {k for k, n in seen.items() if n >= 2 and n >= len(pages) / 2}
    cleaned = []
    for page in pages:
        edges = set(range(min(_EDGE_LINES, len(page)))) | set(range(max(len(page) - _EDGE_LINES, 0), len(page)))
        ends = {0, len(page) - 1}
        cleaned.append([line for i, line in enumerate(page)
                        if not (i in edges and key(line) in repeated)
                        and not (i in ends and _PAGE_NUMBER.fullmatch(line))])
    return cleaned


def paragraphs(lines: list[str]) -> list[str]:
    """Lines rejoined into paragraphs, hyphenation repaired; headings and captions stand alone.

    Front matter (title, authors, affiliations: the lines before the first heading on the first
    page) keeps one line per line. A paragraph ends at a short line closing a sentence.
    """
    if not lines:
        return []
    typical = median([len(line) for line in lines if len(line) >= 20] or [60])
    headings = [line_heading(line, lines[i - 1] if i else None, lines[i + 1] if i + 1 < len(lines) else None)
                is not None for i, line in enumerate(lines)]
    front = _front_matter_length(headings)
    blocks: list[str] = ["\n".join(lines[:front])] if front else []
    current: Optional[str] = None
    for i in range(front, len(lines)):
        line = lines[i]
        starts = (current is None or headings[i] or headings[i - 1] or _CAPTION.match(line) or _BULLET.match(line)
                  or (_PARAGRAPH_END.search(lines[i - 1]) and len(lines[i - 1]) < 0.8 * typical))
        if starts:
            if current is not None:
                blocks.append(current)
            current = line
        else:
            current = join_lines(current, line)
    blocks.append(current)
    return blocks


def _front_matter_length(headings: list[bool]) -> int:
    """Lines before the first heading, when it comes early enough to be after a title page head."""
    first = next((i for i, is_heading in enumerate(headings) if is_heading), None)
    return first if first is not None and first <= 40 else 0


def join_lines(left: str, right: str) -> str:
    """Two wrapped lines as one: "vertebro-" + "plasty" -> "vertebroplasty"; "self-" + "expanding" keeps it."""
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        word = left.rsplit(" ", 1)[-1][:-1]
        broken_word = (right[:1].islower() and "-" not in word and not re.search(r"\d", word)
                       and word.lower() not in _KEEP_HYPHEN)
        return left[:-1] + right if broken_word else left + right
    return f"{left} {right}"
