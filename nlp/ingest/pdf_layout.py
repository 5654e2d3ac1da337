"""The words of a PDF page with their boxes (pdfium), rejoined into lines in reading order.

Coordinates are PDF points from the top-left corner of the page (``top`` grows downwards).
A two-column page is read column by column; what spans both columns (a title, a wide table)
is read where it stands.
"""
from __future__ import annotations

import ctypes
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Optional, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# Glyphs a font maps to no character come out as control codes: no text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_END_HYPHEN = 2  # pdfium's code for a hyphen that ends a line
_SPACES = frozenset(" \t\r\n\xa0\u2002\u2003\u2009\u200a\u200b")
# Gaps between the pieces of a line, in font sizes: wider ones set table cells (and the two
# columns of a page) apart, word spaces of justified prose stay under it.
CELL_GAP = 0.8
# Prefixes that keep their hyphen when a compound breaks at the line end ("self-\nexpanding").
KEEP_HYPHEN = frozenset({"self", "non", "well", "ill", "half", "cross", "all"})
_GUTTER_BAND = (0.3, 0.7)  # where on the page a gutter between two columns may lie
_WIDE_PIECE = 0.4  # a piece longer than this share of the page's text width is prose
_SHORT_LINE = 4  # a line narrower than this many font sizes shows no column


@dataclass
class Box:
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Word(Box):
    text: str
    size: float
    bold: bool


@dataclass
class Line(Box):
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def size(self) -> float:
        return median(word.size for word in self.words)

    def pieces(self) -> list[list[Word]]:
        """The line cut where words stand further apart than a word space (table cells)."""
        out: list[list[Word]] = [[self.words[0]]]
        for word in self.words[1:]:
            previous = out[-1][-1]
            if word.x0 - previous.x1 > CELL_GAP * max(min(word.size, previous.size), 1):
                out.append([word])
            else:
                out[-1].append(word)
        return out


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """The words of a page, in the order the page's text stream gives them."""
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        return _words(textpage, height)
    finally:
        textpage.close()


def _words(textpage: pdfium.PdfTextPage, height: float) -> list[Word]:
    words: list[Word] = []
    chars: list[str] = []
    box: Optional[list[float]] = None  # x0, x1, top, bottom of the word being read
    first = 0
    count = textpage.count_chars()

    def close() -> None:
        text = _CONTROL.sub("", "".join(chars)).translate(_LIGATURES)
        if text and box is not None:
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, first)
            words.append(Word(box[0], box[1], box[2], box[3], text, size, _is_bold(textpage, first)))

    for index in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
        char = "-" if code == _LINE_END_HYPHEN else chr(code or 32)
        if char in _SPACES:
            close()
            chars, box = [], None
            continue
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        top, bottom = height - top, height - bottom
        size = max(bottom - top, 1.0)
        if box is not None and (left - box[1] > 0.25 * size or left < box[0] - size
                                or abs(top - box[2]) > 0.5 * size):
            close()  # no space between, but set apart on the page
            chars, box = [], None
        if box is None:
            chars, box, first = [char], [left, right, top, bottom], index
        else:
            chars.append(char)
            box = [box[0], max(box[1], right), min(box[2], top), max(box[3], bottom)]
    close()
    return words


def _is_bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    if pdfium_c.FPDFText_GetFontWeight(textpage.raw, index) >= 600:
        return True
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, 128, ctypes.byref(flags))
    return b"bold" in name.value.lower() or b"black" in name.value.lower()


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Words on one baseline as one line, lines from top to bottom, words from left to right."""
    lines: list[Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        middle = (word.top + word.bottom) / 2
        # Same height as the line's first word: font boxes of tightly set lines overlap.
        line = next((ln for ln in reversed(lines[-3:])
                     if abs((ln.words[0].top + ln.words[0].bottom) / 2 - middle) <= 0.35 * (word.bottom - word.top)),
                    None)
        if line is None:
            lines.append(Line(word.x0, word.x1, word.top, word.bottom, [word]))
        else:
            line.words.append(word)
            line.x0, line.x1 = min(line.x0, word.x0), max(line.x1, word.x1)
            line.top, line.bottom = min(line.top, word.top), max(line.bottom, word.bottom)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


@dataclass
class Gutter:
    """The gap between two columns of text: ``x`` splits them, ``left`` is where the left
    column's text stops and ``right`` where the right column's starts."""
    x: float
    left: float
    right: float


def document_gutter(gutters: Sequence[Optional[Gutter]]) -> Optional[Gutter]:
    """The gutter most pages of a document show (by where their right column starts)."""
    found = [g for g in gutters if g is not None]
    if not found:
        return None
    edges = Counter(round(g.right) for g in found)
    return next(g for g in found if round(g.right) == edges.most_common(1)[0][0])


def page_columns(lines: list[Line], own: Optional[Gutter], document: Optional[Gutter]) -> Optional[Gutter]:
    """The page's gutter: its own, else the document's when its lines fit it (a page with too
    little text to show its columns by itself: two lines under a full-width table)."""
    return own or (_fits(lines, document) if document is not None else None)


def reading_order(lines: list[Line], blocks: Sequence[Box], gutter: Optional[Gutter]) -> list[Box]:
    """Lines and blocks (tables) in reading order: top to bottom, and on a two-column stretch
    of the page (``gutter``: :func:`page_gutter`, :func:`page_columns`) the left column before
    the right one."""
    items: list[Box] = [*lines, *blocks]
    items.sort(key=lambda item: item.top)
    if not gutter:
        return items
    text_width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
    ordered: list[Box] = []
    left: list[Box] = []
    right: list[Box] = []
    for item in items:
        parts = _split_at_gutter(item, gutter, text_width)
        if parts is None:  # spans both columns: the columns above it are read first
            ordered += left + right + [item]
            left, right = [], []
            continue
        for part, side in zip(parts, (left, right)):
            if part is not None:
                side.append(part)
    return ordered + left + right


def page_gutter(lines: list[Line], page_width: float) -> Optional[Gutter]:
    """The gap between two columns of text, if the page shows two.

    The gap is the widest stretch of the middle of the page that the fewest words cross, each
    word widened by half a gutter's least width: the spaces between the words of a few lines
    (or of a full-width title) that line up by chance are no gap. Lines of a word or two (page
    numbers, centred in the gutter) show no column.
    """
    if len(lines) < 6:
        return None
    low, high = (share * page_width for share in _GUTTER_BAND)
    margin = CELL_GAP * median(line.size for line in lines) / 2
    spans = [(w.x0 - margin, w.x1 + margin) for line in lines if not _is_short(line) for w in line.words]
    counts = [(sum(1 for x0, x1 in spans if x0 < x < x1), x) for x in range(int(low), int(high), 2)]
    if not counts:
        return None
    fewest = min(count for count, _ in counts)
    runs: list[list[int]] = []
    for k, (count, _) in enumerate(counts):
        if count == fewest:
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    widest = max(runs, key=len)  # the first of the widest
    # Where in it: across the fewest words as they stand (a line may run into the gap), the
    # middle of those.
    exact = [(w.x0, w.x1) for line in lines if not _is_short(line) for w in line.words]
    middle = (counts[widest[0]][1] + counts[widest[-1]][1]) / 2
    x = min((counts[k][1] for k in widest),
            key=lambda x: (sum(1 for x0, x1 in exact if x0 < x < x1), abs(x - middle)))
    gutter = _gutter_at(lines, float(x))
    crossing = sum(1 for line in lines if any(w.x0 < gutter.x < w.x1 for w in line.words))
    split, only_left, only_right = _sides(lines, gutter.x)
    # Most lines either stop short of the gap or jump it, and there is text on both sides of it;
    # a title page has many lines across it.
    if crossing <= 0.4 * len(lines) and split + only_left + only_right >= 0.5 * len(lines) \
            and split + min(only_left, only_right) >= 3:
        return gutter
    return None


def _fits(lines: list[Line], gutter: Gutter) -> Optional[Gutter]:
    """The document's gutter on this page, when few of its lines cross it and some line of the
    right column starts at that column's edge."""
    if not lines:
        return None
    found = _gutter_at(lines, gutter.x)
    crossing = sum(1 for line in lines if any(w.x0 < found.x < w.x1 for w in line.words))
    starts_right = any(abs(piece[0].x0 - gutter.right) <= line.size
                       for line in lines if not _is_short(line) for piece in line.pieces())
    split, only_left, only_right = _sides([line for line in lines if not _is_short(line)], found.x)
    if crossing <= 0.4 * len(lines) and starts_right and split + only_left >= 1 and split + only_right >= 1:
        return found
    return None


def _gutter_at(lines: list[Line], x: float) -> Gutter:
    """The gap around ``x``: from the end of the left column's text to the start of the right
    column's, over the lines that stop short of ``x``, start after it or jump it."""
    ends: list[float] = []
    starts: list[float] = []
    for line in lines:
        if _is_short(line) or any(w.x0 < x < w.x1 for w in line.words):
            continue
        before = [w.x1 for w in line.words if w.x1 <= x]
        after = [w.x0 for w in line.words if w.x0 >= x]
        if before and after and min(after) - max(before) < CELL_GAP * line.size:
            continue  # a line written across the gap
        ends += before[-1:]
        starts += after[:1]
    return Gutter(x, max(ends, default=x), min(starts, default=x))


def _sides(lines: list[Line], x: float) -> tuple[int, int, int]:
    """How many lines jump ``x`` (words on both sides, none across), stop left of it, start right of it."""
    split = sum(1 for line in lines if line.x0 < x < line.x1 and not any(w.x0 < x < w.x1 for w in line.words))
    return split, sum(1 for line in lines if line.x1 <= x), sum(1 for line in lines if line.x0 >= x)


def _is_short(line: Line) -> bool:
    """A line of a word or two: a page number, a footnote mark, the last word of a paragraph."""
    return line.x1 - line.x0 < _SHORT_LINE * max(line.size, 1)


def _split_at_gutter(item: Box, at: Gutter, text_width: float) -> Optional[tuple[Optional[Box], Optional[Box]]]:
    """(left part, right part) of a line or block, or None when it spans both columns (or
    stands in the gap between them, as a centred page number does)."""
    gutter = at.x
    if at.left < item.x0 and item.x1 < at.right:
        return None
    if item.x1 <= gutter:
        return item, None
    if item.x0 >= gutter:
        return None, item
    if not isinstance(item, Line):
        return None
    if any(w.x0 < gutter < w.x1 for w in item.words):
        return None
    left = [w for w in item.words if w.x1 <= gutter]
    right = [w for w in item.words if w.x0 >= gutter]
    gap = right[0].x0 - left[-1].x1
    if gap < CELL_GAP * item.size:
        return None  # a title or a line written across the gutter
    pieces = item.pieces()
    if all(p[-1].x1 - p[0].x0 < _WIDE_PIECE * text_width for p in pieces) \
            and sum(1 for p in pieces if p[-1].x1 <= gutter) >= 2 and sum(1 for p in pieces if p[0].x0 >= gutter) >= 2:
        return None  # a row of a wide table: short cells, two or more on each side
    return _line(left), _line(right)


def _line(words: list[Word]) -> Line:
    return Line(min(w.x0 for w in words), max(w.x1 for w in words), min(w.top for w in words),
                max(w.bottom for w in words), words)


def join_lines(left: str, right: str) -> str:
    """Two wrapped lines as one: "vertebro-" + "plasty" -> "vertebroplasty"; "self-" + "expanding" keeps it."""
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha():
        word = left.rsplit(" ", 1)[-1][:-1]
        broken_word = (right[:1].islower() and "-" not in word and not re.search(r"\d", word)
                       and word.lower() not in KEEP_HYPHEN)
        return left[:-1] + right if broken_word else left + right
    return f"{left} {right}"
