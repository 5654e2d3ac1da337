"""Tables on PDF pages, from the page geometry.

Ruled tables: the page's drawn lines (pdfium path objects) go through pdfplumber's edge,
intersection and cell finding; merged cells become rowspans and colspans. Unruled tables
(booktabs, or no rules at all): three or more consecutive lines whose pieces, set apart by
wide gaps, line up in two or more columns. A table cut by a page break is joined again,
and the caption above a table and the notes under it are kept with it.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from nlp.ingest.pdf_layout import CELL_GAP, Box, Line, Word, group_lines, join_lines
from nlp.ingest.table_text import SourceCell, SourceRow, SourceTable, split_label
from nlp.ingest.tables import NOTE, aligned_columns, column_of, looks_like_header

_TOLERANCE = 3.0  # pdfplumber's default snap, join and intersection tolerances, in points
_MIN_EDGE = 3.0
_MIN_ROWS = 3  # an unruled table: header and two rows at least
_CONTINUED = re.compile(r"^Table\s*\S+\s*\(?(?:continued|cont(?:'d|\.)?)\)?\.?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.;:]$")


@dataclass
class PageTable(Box):
    """A table found on a page, before it is written into the text."""
    rows: list[SourceRow]
    columns: int
    words: list[Word] = field(default_factory=list, repr=False)  # taken out of the running text


def ruled_tables(page: pdfium.PdfPage, words: Sequence[Word]) -> list[PageTable]:
    """Tables drawn with ruling lines on all sides of their cells."""
    edges = _edges(page)
    if len(edges) < 4:
        return []
    edges = [e for e in merge_edges(edges, _TOLERANCE, _TOLERANCE, _TOLERANCE, _TOLERANCE)
             if max(e["width"], e["height"]) >= _MIN_EDGE]
    cells_by_table = cells_to_tables(intersections_to_cells(edges_to_intersections(edges, _TOLERANCE, _TOLERANCE)))
    tables = []
    for cells in cells_by_table:
        table = _ruled_table(cells, words)
        if table is not None:
            tables.append(table)
    return tables


def _edges(page: pdfium.PdfPage) -> list[dict]:
    """Horizontal and vertical stretches of the page's drawn paths, as pdfplumber's edges."""
    height = page.get_height()
    edges = []
    for path in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=0):
        matrix = path.get_matrix()
        points = _path_points(path)
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if (x0, y0) == (x1, y1) or None in (x0, x1):
                continue
            (x0, y0), (x1, y1) = matrix.on_point(x0, y0), matrix.on_point(x1, y1)
            if abs(y0 - y1) < 1:
                edges.append(_edge(min(x0, x1), max(x0, x1), height - y0, height - y0, "h"))
            elif abs(x0 - x1) < 1:
                edges.append(_edge(x0, x0, height - max(y0, y1), height - min(y0, y1), "v"))
    return edges


def _path_points(path: pdfium.PdfObject) -> list[tuple[Optional[float], Optional[float]]]:
    """The path's points in order; a (None, None) between subpaths, a closed one back at its start."""
    points: list[tuple[Optional[float], Optional[float]]] = []
    start: Optional[tuple[float, float]] = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(pdfium_c.FPDFPath_CountSegments(path.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path.raw, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        point = (x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            points.append((None, None))
            start = point
        elif kind != pdfium_c.FPDF_SEGMENT_LINETO:  # a curve draws no rule
            points.append((None, None))
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            points.append(start)
    return points


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "width": x1 - x0,
            "height": bottom - top, "orientation": orientation, "object_type": "line"}


def _ruled_table(cells: list[tuple[float, float, float, float]], words: Sequence[Word]) -> Optional[PageTable]:
    xs = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    if len(xs) < 2 or len(tops) < 2:
        return None  # a frame around a figure or a box of text
    by_row: dict[int, list[tuple[float, SourceCell]]] = {}
    words_by_row: list[list[Word]] = [[] for _ in tops]
    for x0, top, x1, bottom in cells:
        inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
        words_by_row[tops.index(round(top, 1))] += inside
        rowspan = sum(1 for t in tops if top - 0.5 <= t < bottom - 0.5)
        colspan = sum(1 for x in xs if x0 - 0.5 <= x < x1 - 0.5)
        by_row.setdefault(tops.index(round(top, 1)), []).append(
            (x0, SourceCell(cell_text(inside), max(rowspan, 1), max(colspan, 1))))
    rows = [SourceRow([cell for _, cell in sorted(by_row.get(r, []), key=lambda item: item[0])])
            for r in range(len(tops))]
    box = (min(c[0] for c in cells), max(c[2] for c in cells), min(c[1] for c in cells), max(c[3] for c in cells))
    return PageTable(*box, rows=_with_header(rows, words_by_row), columns=len(xs),
                     words=[w for row in words_by_row for w in row])


def cell_text(words: Sequence[Word]) -> str:
    """The words of a cell, line by line, a word broken at a line end joined again."""
    text = ""
    for line in group_lines(words):
        text = join_lines(text, line.text) if text else line.text
    return text


def _with_header(rows: list[SourceRow], words_by_row: Sequence[Sequence[Word]]) -> list[SourceRow]:
    """Leading rows set in bold are the header; without bold type, a first row naming columns."""
    bold_rows = 0
    for row_words in words_by_row:
        if not row_words or not all(w.bold for w in row_words):
            break
        bold_rows += 1
    if bold_rows == 0 and rows and looks_like_header([cell.text for cell in rows[0].cells]):
        bold_rows = 1
    for row in rows[:bold_rows if bold_rows < len(rows) else 0]:
        row.header = True
    return rows


def unruled_tables(lines: list[Line]) -> list[tuple[int, int, PageTable]]:
    """(first line, end line, table) for each run of lines that lines up in columns."""
    found = []
    i = 0
    while i < len(lines):
        end = _run_end(lines, i)
        table = _unruled_table(lines[i:end]) if end - i >= _MIN_ROWS else None
        if table is not None:
            found.append((i, end, table))
            i = end
        else:
            i += 1
    return found


def _run_end(lines: list[Line], first: int) -> int:
    """Where a run of lines cut in two or more pieces, closely spaced, starting at ``first`` ends
    (a line of one piece goes with it when it is the rest of a cell between two rows)."""
    if len(lines[first].pieces()) < 2:
        return first
    end = first + 1
    while end < len(lines):
        line, above = lines[end], lines[end - 1]
        if line.top - above.bottom > 1.2 * line.size:
            break
        if len(line.pieces()) < 2:
            following = end + 1 < len(lines) and len(lines[end + 1].pieces()) >= 2 \
                and lines[end + 1].top - line.bottom <= 1.2 * line.size
            if not following or line.x0 <= lines[first].x0 + line.size:
                break  # a continuation sits under a later column, not where a row starts
        end += 1
    return end


def _unruled_table(lines: list[Line]) -> Optional[PageTable]:
    pieces = [[(p[0].x0, p[-1].x1) for p in line.pieces()] for line in lines]
    columns = aligned_columns([row for row in pieces if len(row) >= 2], min_gap=CELL_GAP * min(line.size for line in lines))
    if len(columns) < 2:
        return None
    rows: list[list[list[Word]]] = []
    for line in lines:
        cells: list[list[Word]] = [[] for _ in columns]
        for piece in line.pieces():
            cells[column_of(columns, piece[0].x0, piece[-1].x1)].extend(piece)
        if len(line.pieces()) < 2 and rows:  # the rest of a cell wrapped onto a line of its own
            for k, words in enumerate(cells):
                rows[-1][k].extend(words)
        else:
            rows.append(cells)
    if len(rows) < _MIN_ROWS or sum(1 for row in rows if sum(1 for c in row if c) >= 2) < 0.75 * len(rows):
        return None
    source = [SourceRow([SourceCell(cell_text(words)) for words in row]) for row in rows]
    box = (min(line.x0 for line in lines), max(line.x1 for line in lines), lines[0].top, lines[-1].bottom)
    return PageTable(*box, rows=_with_header(source, [[w for cell in row for w in cell] for row in rows]),
                     columns=len(columns), words=[w for line in lines for w in line.words])


Item = Union[str, PageTable, SourceTable]


def join_across_pages(flow: list[Item]) -> list[Item]:
    """A table whose next item (past a "Table 1 (continued)" line) is a table of as many
    columns, on the next page, is one table; a header repeated on the new page is dropped."""
    out: list[Item] = []
    for item in flow:
        previous = out[-1] if out else None
        if isinstance(item, PageTable) and isinstance(previous, str) and _CONTINUED.match(previous) \
                and len(out) > 1 and isinstance(out[-2], PageTable):
            out.pop()  # "Table 1 (continued)"
            previous = out[-1]
        if isinstance(item, PageTable) and isinstance(previous, PageTable) and item.columns == previous.columns \
                and item.top < previous.top:  # higher up: on a new page
            rows = item.rows
            if rows and previous.rows and [c.text for c in rows[0].cells] == [c.text for c in previous.rows[0].cells]:
                rows = rows[1:]
            for row in rows:
                row.header = False
            previous.rows += rows
            previous.top, previous.bottom = item.top, item.bottom
            continue
        out.append(item)
    return out


def with_captions(flow: list[Item]) -> list[Item]:
    """Each table as a SourceTable, with the caption lines above it ("Table 2. Patients...")
    and the note lines under it taken out of the running text."""
    out: list[Item] = []
    i = 0
    while i < len(flow):
        item = flow[i]
        if not isinstance(item, PageTable):
            out.append(item)
            i += 1
            continue
        label, caption = _take_caption(out)
        i += 1
        if not label:  # LaTeX sets the caption under the table
            label, caption, i = _caption_below(flow, i)
        notes, i = _take_notes(flow, i)
        out.append(SourceTable(item.rows, label, caption, notes))
    return out


def _take_caption(before: list[Item]) -> tuple[str, str]:
    """The caption just above a table (one or two lines, the first starting "Table N")."""
    for back in (1, 2):
        if len(before) < back or not all(isinstance(x, str) for x in before[-back:]):
            return "", ""
        label, _ = split_label(before[-back])
        if label:
            lines = [before.pop() for _ in range(back)][::-1]
            text = lines[0]
            for line in lines[1:]:
                text = join_lines(text, line)
            label, caption = split_label(text)
            return label, caption
    return "", ""


def _caption_below(flow: list[Item], at: int) -> tuple[str, str, int]:
    """A "Table N" caption right under a table (with the lines it runs on to), and where it ends."""
    if at >= len(flow) or not isinstance(flow[at], str) or not split_label(flow[at])[0]:
        return "", "", at
    text = flow[at]
    at += 1
    while at < len(flow) and isinstance(flow[at], str) and not _SENTENCE_END.search(text):
        text = join_lines(text, flow[at])
        at += 1
    return (*split_label(text), at)


def _take_notes(flow: list[Item], at: int) -> tuple[list[str], int]:
    """Note lines right under a table ("a Volumes per level", "VAS, visual analogue scale; ...");
    a note broken mid-sentence takes the next line too."""
    notes: list[str] = []
    while at < len(flow) and isinstance(flow[at], str):
        line = flow[at]
        if NOTE.match(line):
            notes.append(line)
        elif notes and not _SENTENCE_END.search(notes[-1]):
            notes[-1] = join_lines(notes[-1], line)
        else:
            break
        at += 1
    return notes, at
