"""Tables in plain text: where they are and their cells, with document offsets.

Layouts read: pipe tables (markdown, grid, and the JATS reader's " | " lines), tab-separated
lines, columns aligned with spaces, and one line per patient ("Case 1: 71/F, L3, PVP, ...").
A cell's ``text`` is always ``document_text[start:end]``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

from nlp.extract.cells import Cell
from nlp.ingest.document import Document, Table
from nlp.ingest.tables import Line, text_lines

_PIPE_RULE = re.compile(r"^\s*[|+]?(?:\s*:?[-=]{2,}:?\s*[|+])+\s*(?::?[-=]{2,}:?\s*)?[|+]?\s*$")
_ALIGNED_GAP = re.compile(r"\S {2,}(?=\S)")
_SPACED_TOKEN = re.compile(r"\S+(?: \S+)*")
_WRAPPED_CELL = 40  # the longest rest of a cell wrapped onto a line of its own
_SHORT_CELL = 40    # the median length of the cells of a line of a table
_SENTENCE_BREAK = re.compile(r"[a-z0-9)][.!?]\s+[A-Z]")


@dataclass
class Grid:
    """Lines of cells as laid out in the text (not yet header and rows)."""
    layout: str  # table (found by the reader), pipe, tab, aligned, list
    start: int
    end: int
    lines: list[list[Cell]]
    labels: list[Optional[Cell]] = field(default_factory=list)  # list layout: "Case 1"
    header_lines: int = 0  # leading lines a reader marked as the header (0: not marked, inferred)


def _cell(text: str, start: int, end: int) -> Cell:
    """The cell ``text[start:end]`` without its surrounding blanks."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    if not piece.strip():
        return Cell("", start + lead, start + lead)
    return Cell(piece[lead:trail], start + lead, start + trail)


def layout_of(line: str, list_row: re.Pattern) -> Optional[str]:
    stripped = line.strip()
    if not stripped:
        return None
    if _PIPE_RULE.match(line) or stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.endswith("|")):
        return "pipe"
    if "\t" in stripped:
        return "tab"
    if len(_ALIGNED_GAP.findall(stripped)) >= 2 and _short_pieces(stripped):
        return "aligned"
    m = list_row.match(line)
    if m and _items_not_prose(m["rest"]):
        return "list"
    return None


def _short_pieces(line: str) -> bool:
    """Cells, not sentences set apart by two spaces: short pieces with no full stop inside."""
    pieces = [m.group(0) for m in _SPACED_TOKEN.finditer(line)]
    lengths = sorted(len(p) for p in pieces)
    return lengths[len(lengths) // 2] <= _SHORT_CELL and not any(_SENTENCE_BREAK.search(p) for p in pieces)


def _items_not_prose(rest: str) -> bool:
    """Three or more short items, not sentences ("A 56-year-old woman presented ... . MRI")."""
    parts = split_outside_brackets(rest, ",")
    lengths = sorted(b - a for a, b in parts)
    return len(parts) >= 3 and lengths[len(lengths) // 2] <= _SHORT_CELL and not _SENTENCE_BREAK.search(rest)


_MIN_LINES = {"pipe": 3, "tab": 2, "aligned": 3, "list": 2}


def blocks(text: str, list_row: re.Pattern) -> Iterator[tuple[str, list[Line]]]:
    """Runs of consecutive lines of one layout (a list may skip blank lines between rows)."""
    lines = text_lines(text)
    i = 0
    while i < len(lines):
        kind = layout_of(lines[i].text, list_row)
        if kind is None:
            i += 1
            continue
        run = [lines[i]]
        j = i + 1
        while j < len(lines):
            here = layout_of(lines[j].text, list_row)
            if here == kind or _continues(kind, lines[j].text):
                run.append(lines[j])
            elif not (kind == "list" and here is None and not lines[j].text.strip()):
                break
            j += 1
        if len([ln for ln in run if not _PIPE_RULE.match(ln.text)]) >= _MIN_LINES[kind]:
            yield kind, run
        i = j


def _continues(kind: str, line: str) -> bool:
    """A line that belongs to the table above though it has fewer cells: two cells under
    merged ones ("pre | post"), or the rest of a wrapped cell, indented under its column."""
    if kind == "pipe":
        return " | " in line
    return kind == "aligned" and line.startswith("  ") and 0 < len(line.strip()) <= _WRAPPED_CELL


def split_outside_brackets(text: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) of the parts of ``text`` between ``sep`` characters outside brackets."""
    parts, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append((begin, i))
            begin = i + 1
    parts.append((begin, len(text)))
    return parts


def _pipe_cells(text: str, line: Line) -> list[Cell]:
    bounds = [m.start() for m in re.finditer(r"\|", line.text)]
    stripped = line.text.strip()
    edges = [-1] + bounds + [len(line.text)]
    pieces = [(edges[k] + 1, edges[k + 1]) for k in range(len(edges) - 1)]
    if stripped.startswith("|"):
        pieces = pieces[1:]
    if stripped.endswith("|"):
        pieces = pieces[:-1]
    return [_cell(text, line.start + a, line.start + b) for a, b in pieces]


def _tab_cells(text: str, line: Line) -> list[Cell]:
    edges = [-1] + [m.start() for m in re.finditer(r"\t", line.text)] + [len(line.text)]
    return [_cell(text, line.start + edges[k] + 1, line.start + edges[k + 1]) for k in range(len(edges) - 1)]


def _aligned_grid(text: str, lines: list[Line]) -> list[list[Cell]]:
    """Columns taken from the header line's words: each piece of a later line goes to the
    column its extent overlaps most (numbers may sit right-aligned under a wider header).
    A header line starting further in than the lines below has an unnamed first column."""
    tokens = [[(m.start(), m.end()) for m in _tokens(ln.text)] for ln in lines]
    starts = [s for s, _ in tokens[0]]
    if starts and starts[0] > 0 and any(t and t[0][0] < starts[0] for t in tokens[1:]):
        starts = [0] + starts
    extents = [(s, starts[k + 1] if k + 1 < len(starts) else 10 ** 6) for k, s in enumerate(starts)]
    grid = []
    for ln, toks in zip(lines, tokens):
        spans: list[Optional[tuple[int, int]]] = [None] * len(extents)
        for s, e in toks:
            k = max(range(len(extents)), key=lambda c: (min(e, extents[c][1]) - max(s, extents[c][0]), -c))
            old = spans[k]
            spans[k] = (s, e) if old is None else (min(old[0], s), max(old[1], e))
        grid.append([_cell(text, ln.start + sp[0], ln.start + sp[1]) if sp
                     else Cell("", ln.start + extents[k][0], ln.start + extents[k][0])
                     for k, sp in enumerate(spans)])
    return grid


def _tokens(line: str) -> Iterator[re.Match]:
    """Pieces of an aligned line: words joined by single spaces."""
    return _SPACED_TOKEN.finditer(line)


def _list_row(text: str, line: Line, list_row: re.Pattern) -> tuple[Cell, list[Cell]]:
    m = list_row.match(line.text)
    base = line.start + m.start("rest")
    label = _cell(text, line.start + m.start("label"), line.start + m.end("label"))
    rest = m["rest"].rstrip().rstrip(".;")
    cells = [_cell(text, base + a, base + b) for a, b in split_outside_brackets(rest, ",")]
    return label, cells


def table_grid(table: Table) -> Grid:
    """A table the document's reader found (JATS markup, PDF geometry, a text layout) as a grid."""
    lines = [[Cell(c.text, c.start, c.end) for c in row.cells] for row in table.rows]
    marked = next((k for k, row in enumerate(table.rows) if not row.header), len(table.rows))
    return Grid("table", table.start, table.end, lines, header_lines=marked)


def document_grids(document: Document, list_row: re.Pattern) -> list[Grid]:
    """The document's tables, as its reader found them, and the table-like blocks of its text
    that no table covers (lists of patients: "Case 1: 71/F, L3, ..."), in text order."""
    found = [table_grid(t) for t in document.tables]
    taken = [(g.start, g.end) for g in found]
    found += [g for g in grids(document.text, list_row) if not any(a < g.end and g.start < b for a, b in taken)]
    return sorted(found, key=lambda g: g.start)


def grids(text: str, list_row: re.Pattern) -> Iterator[Grid]:
    """Every table-like block of ``text`` as a grid of cells."""
    for kind, run in blocks(text, list_row):
        content = [ln for ln in run if not _PIPE_RULE.match(ln.text)]
        start, end = run[0].start, run[-1].end
        if kind == "pipe":
            yield Grid(kind, start, end, [_pipe_cells(text, ln) for ln in content])
        elif kind == "tab":
            yield Grid(kind, start, end, [_tab_cells(text, ln) for ln in content])
        elif kind == "aligned":
            yield Grid(kind, start, end, _aligned_grid(text, content))
        else:
            rows = [_list_row(text, ln, list_row) for ln in content]
            yield Grid(kind, start, end, [cells for _, cells in rows], [label for label, _ in rows])
