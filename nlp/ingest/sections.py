"""Sections of plain text (and of PDF text) found from its title line and headings."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from nlp.ingest.document import Section
from nlp.ingest.kinds import NUMBERING, SECTION_NUMBER, heading_kind, named_kind, untitled_kind

__all__ = ["heading_kind", "line_heading", "sections_from_headings"]

_MARKDOWN = re.compile(r"^#{1,6}\s+(\S.*)$")
_NUMBERED = re.compile(rf"^(?:{SECTION_NUMBER}\.?|[IVX]+\.)\s+[A-Z]")
_NOT_HEADING = re.compile(r"^(?:Table|Fig\.?|Figure|Chart|Scheme)\s*\d", re.IGNORECASE)
_INLINE = re.compile(r"^[ \t]*(?P<head>[A-Za-z][A-Za-z'’ /&-]{1,50}?(?: \d{1,2}| [IVX]{1,4})?)[ \t]*[.:][ \t]+(?=\S)")
_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by",
                             "from", "as", "is", "are", "was", "were", "we", "our", "that", "this", "which",
                             "than", "be", "into"})
_PROSE_END = re.compile(r"""[.!?:;)\]"'”’]$""")


@dataclass(frozen=True)
class _Heading:
    start: int          # where the section starts (the heading's first character)
    title: str
    kind: Optional[str]  # named by the heading's words, None when it names nothing
    inline: bool        # a run-in heading ("Results. ...") rather than a line of its own


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, content) for each line, content without its newline."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _clean_title(line: str) -> str:
    match = _MARKDOWN.match(line.strip())
    title = match.group(1) if match else line.strip()
    return title.rstrip(" :").rstrip(".") if named_kind(title) else title.rstrip(" :")


def line_heading(line: str, prev: Optional[str], nxt: Optional[str]) -> Optional[str]:
    """The title if ``line`` is a heading on a line of its own, given its non-empty neighbours.

    ``prev`` is None when the line starts a paragraph (blank line or start of text before it).
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 100 or "\t" in line or "|" in stripped or _NOT_HEADING.match(stripped):
        return None
    if _MARKDOWN.match(stripped):
        return _clean_title(stripped)
    words = NUMBERING.sub("", stripped).split()
    if nxt is None or not words or not words[0][0].isupper():
        return None  # a heading heads something, and starts with a capital
    if stripped.endswith(("-", ",")) or words[-1].lower() in _FUNCTION_WORDS:
        return None  # a line broken inside a sentence
    if named_kind(stripped, whole=True) is not None:
        # "Materials and methods." may end in a full stop; "Results of surgery were good." may not.
        return _clean_title(stripped) if len(words) <= (3 if stripped.endswith(".") else 8) else None
    numbered = _NUMBERED.match(stripped) is not None
    if len(words) > (8 if numbered else 5) or re.search(r"[.;!?]$|[.:;]\s+[a-z]", stripped):
        return None
    if not numbered and re.search(r"\d", stripped):
        return None
    # An unknown short line counts only between paragraphs, not inside a wrapped one, and only
    # before a longer line of text.
    if prev is not None and not _PROSE_END.search(prev.strip()):
        return None
    if len(nxt.strip()) < 1.2 * len(stripped):
        return None
    return _clean_title(stripped)


def _inline_heading(line: str) -> Optional[str]:
    """The run-in heading at the start of a paragraph ("Background. ...", "Case 1: ..."), if any."""
    match = _INLINE.match(line)
    if not match or len(match.group("head").split()) > 5:
        return None
    head = match.group("head").strip()
    return head if named_kind(head) is not None else None


def _find_headings(lines: list[tuple[int, str]], first: int) -> list[_Heading]:
    """Headings on lines from index ``first`` on."""
    filled = [i for i in range(first, len(lines)) if lines[i][1].strip()]
    found: list[_Heading] = []
    for n, index in enumerate(filled):
        start, line = lines[index]
        # A blank line before makes the line start a paragraph whatever came earlier.
        prev = lines[filled[n - 1]][1] if n and filled[n - 1] == index - 1 else None
        nxt = lines[filled[n + 1]][1] if n + 1 < len(filled) else None
        in_references = bool(found) and found[-1].kind == "references"
        title = line_heading(line, prev, nxt)
        if title is not None and (not in_references or named_kind(title) is not None):
            found.append(_Heading(start, title, named_kind(title), inline=False))
            continue
        head = None if in_references else _inline_heading(line)  # cited titles are no headings
        if head is not None:
            found.append(_Heading(start, head, named_kind(head), inline=True))
    return found


def _looks_like_title(line: str) -> bool:
    """A first line that reads as a document title: short, no final full stop, not a heading."""
    stripped = line.strip()
    return (0 < len(stripped) < 300 and not stripped.endswith((".", ":", ";", ","))
            and named_kind(stripped) is None and _inline_heading(stripped) is None)


def _title_lines(lines: list[tuple[int, str]], title: Optional[str]) -> Optional[tuple[int, int]]:
    """First and last index of the title lines: those holding ``title`` when given and found,
    else a title-like first line."""
    filled = [i for i, (_, line) in enumerate(lines) if line.strip()]
    if len(filled) < 2:
        return None
    wanted = _squash(title or "")
    for n, i in enumerate(filled[:40] if wanted else ()):
        found = _squash(lines[i][1])
        # The title may wrap: take the following lines while they go on spelling it out.
        if found == wanted or (len(found) >= 15 and wanted.startswith(found)):
            last = i
            for j in filled[n + 1:]:
                longer = found + _squash(lines[j][1])
                if not wanted.startswith(longer) or j == filled[-1]:
                    break
                found, last = longer, j
            return i, last
    return (filled[0], filled[0]) if _looks_like_title(lines[filled[0]][1]) else None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def _section_number(title: str) -> tuple[str, ...]:
    """("2", "1") for "2.1 Data"; () for an unnumbered heading."""
    match = re.match(rf"({SECTION_NUMBER})\.?\s", title)
    return tuple(match.group(1).split(".")) if match else ()


def sections_from_headings(text: str, title: Optional[str] = None) -> list[Section]:
    """Sections of plain text, in order, from its title line and headings.

    Top-level sections are contiguous and cover the whole text. Run-in headings inside an
    explicit Abstract ("Background: ...") become sections nested in it. ``title``, when known
    (PDF metadata), marks the lines holding it as the title; lines before them are 'other'.
    """
    if not text.strip():
        return []
    lines = _lines(text)
    title_span = _title_lines(lines, title)
    sections = _title_sections(text, lines, title_span) if title_span else []
    body_from = sections[-1].end if sections else 0
    arranged = _arrange(_find_headings(lines, title_span[1] + 1 if title_span else 0))
    first_start = arranged[0][0].start if arranged else len(text)
    lead = text[body_from:first_start]
    if lead.strip():
        sections.append(Section("", untitled_kind(lead, arranged[0][0].kind if arranged else None),
                                body_from, first_start))
    elif arranged:  # blank lines opening the text go with the first section
        arranged[0] = (replace(arranged[0][0], start=body_from), arranged[0][1])
    return [*sections, *_heading_sections(arranged, len(text))]


def _title_sections(text: str, lines: list[tuple[int, str]], span: tuple[int, int]) -> list[Section]:
    """The title section (with the blank lines after it), after an 'other' one for any front matter."""
    start = lines[span[0]][0]
    front = [Section("", "other", 0, start)] if text[:start].strip() else []
    last_start, last_line = lines[span[1]]
    following = re.compile(r"\S").search(text, last_start + len(last_line))  # blank lines stay with the title
    end = following.start() if following else len(text)
    title = " ".join(line.strip() for _, line in lines[span[0]:span[1] + 1] if line.strip())
    return [*front, Section(title, "title", start if front else 0, end)]


def _heading_sections(arranged: list[tuple[_Heading, list[_Heading]]], text_end: int) -> list[Section]:
    """A section per top-level heading up to the next one; nested ones inside it."""
    sections: list[Section] = []
    prev_kind: Optional[str] = None
    numbered_kinds: dict[tuple[str, ...], str] = {}
    for i, (heading, children) in enumerate(arranged):
        end = arranged[i + 1][0].start if i + 1 < len(arranged) else text_end
        number = _section_number(heading.title)
        if number:  # "2.1" takes after "2", while "2" takes after nothing
            context = next((numbered_kinds[number[:k]] for k in range(len(number) - 1, 0, -1)
                            if number[:k] in numbered_kinds), None)
        else:  # an unnumbered heading takes after the section before it, not after an abstract
            context = prev_kind if prev_kind != "abstract" else None
        kind = heading.kind or heading_kind(heading.title, context)
        if number:
            numbered_kinds[number] = kind
        sections.append(Section(heading.title, kind, heading.start, end))
        for j, child in enumerate(children):
            child_end = children[j + 1].start if j + 1 < len(children) else end
            sections.append(Section(child.title, heading_kind(child.title, kind), child.start, child_end))
        prev_kind = kind
    return sections


def _arrange(headings: list[_Heading]) -> list[tuple[_Heading, list[_Heading]]]:
    """Top-level headings, each with the run-in headings nested under it.

    Only an explicit Abstract takes run-in children (a structured abstract); it stops taking
    them after its Conclusion, but for keywords and the like.
    """
    arranged: list[tuple[_Heading, list[_Heading]]] = []
    for heading in headings:
        if arranged and heading.inline and _takes_child(*arranged[-1], heading):
            arranged[-1][1].append(heading)
        else:
            arranged.append((heading, []))
    return arranged


def _takes_child(parent: _Heading, children: list[_Heading], heading: _Heading) -> bool:
    if parent.inline or parent.kind != "abstract" or heading.kind in ("abstract", "references"):
        return False
    ended = any(child.kind == "conclusion" for child in children)
    return not ended or heading.kind == "other"
