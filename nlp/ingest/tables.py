"""Tables laid out in plain text, found without changing the text.

Layouts: pipe tables (markdown, or rows of " | "-separated cells), tab-separated lines, and
columns aligned with spaces (cells set apart by two or more spaces, lined up across rows).
The caption line just above a table and the note lines just under it are kept with it.

:func:`aligned_columns` (columns from where the pieces of several rows lie) serves the PDF
reader too, with page coordinates instead of character columns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from nlp.ingest.document import Cell, Row, Table, TextSpan
from nlp.ingest.table_text import split_label

# A markdown rule under the header ("|---|:--:|"); a grid table's border ("+----+----+").
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_ALIGNED_PIECE = re.compile(r"\S+(?: \S+)*")  # words joined by single spaces
_SENTENCE_BREAK = re.compile(r"[a-z0-9)][.!?]\s+[A-Z]")
_SHORT_CELL = 40  # the median piece of a line of an aligned table is no longer
_NUMBERISH = re.compile(r"[\d\s.,:;/+\-–±%<>=()]*\d[\d\s.,:;/+\-–±%<>=()]*")
# Notes under a table: a mark ("a ", "*", "†"), "Abbreviations:", "Note:", or a legend that
# opens with an abbreviation and its meaning ("VAS, visual analogue scale; ...", "Tx, treatment").
NOTE = re.compile(r"^(?:[*†‡§¶#]|[a-z]\s|\(?[a-z]\)\s|[Aa]bbreviations?\b|[Nn]otes?\b"
                  r"|(?:[A-Za-z0-9./-]*[A-Z][A-Za-z0-9./-]*[A-Z][A-Za-z0-9./-]*|[A-Z][a-z]{0,2}\.?) ?[,:=]\s)")
_LONGEST_ROW = 2000  # a longer line is prose (or a hostile file), never a row to split
_MIN_ROWS = {"pipe": 2, "tab": 2, "aligned": 3}


@dataclass(frozen=True)
class Line:
    """One line of a text, where it starts."""
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def find_text_tables(text: str) -> list[Table]:
    """The tables of a plain text, in order; cell spans point into ``text``."""
    lines = text_lines(text)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        layout = _layout(lines[i].text)
        j = i + 1
        while layout and j < len(lines) and _layout(lines[j].text) == layout:
            j += 1
        table = _table(text, lines, i, j, layout) if layout else None
        if table is not None:
            tables.append(table)
        i = j
    return tables


def text_lines(text: str) -> list[Line]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append(Line(pos, line))
        pos += len(line) + 1
    return out


def _layout(line: str) -> Optional[str]:
    stripped = line.strip()
    if not stripped or len(stripped) > _LONGEST_ROW:
        return None
    if _PIPE_RULE.match(line) or _GRID_RULE.match(line) or (stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1) \
            or " | " in stripped:
        return "pipe"
    if "\t" in stripped:
        return "tab"
    pieces = _ALIGNED_PIECE.findall(stripped)
    if len(pieces) >= 2 and sorted(map(len, pieces))[len(pieces) // 2] <= _SHORT_CELL \
            and not any(_SENTENCE_BREAK.search(piece) for piece in pieces):
        return "aligned"
    return None


def _table(text: str, lines: list[Line], first: int, stop: int, layout: str) -> Optional[Table]:
    run = lines[first:stop]
    rows_lines = [line for line in run if not (layout == "pipe" and _is_rule(line.text))]
    if len(rows_lines) < _MIN_ROWS[layout]:
        return None
    if layout == "aligned":
        grid = _aligned_grid(text, rows_lines)
    else:
        grid = [_split(text, line, "|" if layout == "pipe" else "\t", layout == "pipe") for line in rows_lines]
    width = max(len(cells) for cells in grid)
    if width < 2:
        return None
    # A markdown rule right under the first row marks it the header; else its words do.
    ruled = len(run) > 1 and layout == "pipe" and _PIPE_RULE.match(run[1].text) and run[0] is rows_lines[0]
    headers = 1 if ruled else int(looks_like_header([c.text for c in grid[0]]))
    rows = tuple(Row(tuple(cells) + tuple(Cell("", line.end, line.end) for _ in range(width - len(cells))), k < headers)
                 for k, (line, cells) in enumerate(zip(rows_lines, grid)))
    label, caption = _caption(lines, first)
    return Table(rows, run[0].start, run[-1].end, label=label, caption=caption, footnotes=_notes(lines, stop))


def _is_rule(line: str) -> bool:
    return bool(_PIPE_RULE.match(line) or _GRID_RULE.match(line))


def looks_like_header(cells: Sequence[str]) -> bool:
    """A first row that names columns: words in some cell, and no cell that is a bare number."""
    filled = [cell for cell in cells if cell.strip()]
    return any(re.search(r"[A-Za-z]", cell) for cell in filled) and not any(_NUMBERISH.fullmatch(c) for c in filled)


def _split(text: str, line: Line, separator: str, outer: bool) -> list[Cell]:
    """Cells between separators; with ``outer`` the separators that open and close the line
    ("| a | b |") delimit no cell."""
    edges = [-1] + [m.start() for m in re.finditer(re.escape(separator), line.text)] + [len(line.text)]
    pieces = [(edges[k] + 1, edges[k + 1]) for k in range(len(edges) - 1)]
    stripped = line.text.strip()
    if outer and stripped.startswith(separator):
        pieces = pieces[1:]
    if outer and stripped.endswith(separator) and len(stripped) > 1:
        pieces = pieces[:-1]
    return [_cell(text, line.start + a, line.start + b) for a, b in pieces]


def _cell(text: str, start: int, end: int) -> Cell:
    """The cell ``text[start:end]`` without the blanks around it (an empty one: zero width)."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    if not piece.strip():
        return Cell("", start + lead, start + lead)
    return Cell(piece.strip(), start + lead, start + len(piece.rstrip()))


def aligned_columns(rows: Sequence[Sequence[tuple[float, float]]], min_gap: float) -> list[tuple[float, float]]:
    """Column extents from where each row's pieces lie: stretches at least ``min_gap`` wide that
    (nearly) no row covers separate the columns. A quarter of the rows may cross a separator:
    a summary row ("Mean 54.9") or a spanning cell must not merge two columns. Cells may be
    left-, right- or centre-aligned."""
    pieces = [(x0, x1) for row in rows for x0, x1 in row]
    if not pieces:
        return []
    allowed = len(rows) // 4
    edges = sorted({x for piece in pieces for x in piece})
    open_: list[tuple[float, float]] = []  # runs of stretches few rows cover
    for a, b in zip(edges, edges[1:]):
        if sum(1 for row in rows if any(x0 < b and x1 > a for x0, x1 in row)) <= allowed:
            open_[-1:] = [(open_[-1][0], b)] if open_ and open_[-1][1] == a else [*open_[-1:], (a, b)]
    columns: list[tuple[float, float]] = []
    low = edges[0]
    for a, b in open_:
        if b - a >= min_gap and edges[0] < a and b < edges[-1]:  # a run at the edge separates nothing
            columns.append((low, a))
            low = b
    columns.append((low, edges[-1]))
    return columns


def column_of(columns: Sequence[tuple[float, float]], x0: float, x1: float) -> int:
    """The column a piece lies in (the one holding its middle, else the nearest)."""
    middle = (x0 + x1) / 2
    return min(range(len(columns)), key=lambda k: max(columns[k][0] - middle, middle - columns[k][1], 0))


def _aligned_grid(text: str, lines: list[Line]) -> list[list[Cell]]:
    pieces = [[(m.start(), m.end()) for m in _ALIGNED_PIECE.finditer(line.text)] for line in lines]
    columns = aligned_columns(pieces, min_gap=2)
    grid = []
    for line, row in zip(lines, pieces):
        spans: list[Optional[tuple[int, int]]] = [None] * len(columns)
        for a, b in row:
            k = column_of(columns, a, b)
            spans[k] = (a, b) if spans[k] is None else (spans[k][0], b)
        grid.append([_cell(text, line.start + span[0], line.start + span[1]) if span
                     else Cell("", line.start + min(int(columns[k][0]), len(line.text)),
                               line.start + min(int(columns[k][0]), len(line.text)))
                     for k, span in enumerate(spans)])
    return grid


def _caption(lines: list[Line], first: int) -> tuple[Optional[TextSpan], Optional[TextSpan]]:
    """Label and caption from the line above the table (a blank line between allowed)."""
    above = first - 1
    if above >= 0 and not lines[above].text.strip():
        above -= 1
    if above < 0:
        return None, None
    line = lines[above]
    stripped = line.text.strip()
    label, rest = split_label(stripped)
    if not label:
        return None, None
    start = line.start + len(line.text) - len(line.text.lstrip())
    caption = TextSpan(rest.strip(), start + len(stripped) - len(rest.strip()), start + len(stripped)) \
        if rest.strip() else None
    return TextSpan(label, start, start + len(label)), caption


def _notes(lines: list[Line], after: int) -> tuple[TextSpan, ...]:
    """Note lines right under the table, up to the first blank or other line."""
    notes = []
    for line in lines[after:]:
        stripped = line.text.strip()
        if not stripped or not NOTE.match(stripped):
            break
        start = line.start + len(line.text) - len(line.text.lstrip())
        notes.append(TextSpan(stripped, start, start + len(stripped)))
    return tuple(notes)
