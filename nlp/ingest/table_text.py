"""A table as a reader found it, and how it is written into the document text.

Every reader but the plain-text one writes a table alike: a caption line ("Table 2. Patients"),
then one line per row with its cells joined by " | ". Rowspan and colspan are resolved into a
grid in which every row has every column (:class:`nlp.ingest.document.Cell` ``spanned``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nlp.ingest.document import Cell, Row, Table, TextSpan

CELL_SEPARATOR = " | "
# A hostile colspan="1000000" must not build a million cells.
_MAX_SPAN = 100
_LABEL = re.compile(r"^(?P<label>Table\s*(?:[A-Z]?\d{1,3}[A-Za-z]?|[IVX]{1,5}))(?:[.:]\s*|\s+|$)", re.IGNORECASE)


@dataclass
class SourceCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class SourceRow:
    cells: list[SourceCell]
    header: bool = False


@dataclass
class SourceTable:
    """Rows as the source gives them (a spanning cell once, in the row it starts in)."""
    rows: list[SourceRow]
    label: str = ""    # "Table 1"
    caption: str = ""  # its title and text
    footnotes: list[str] = field(default_factory=list)


def split_label(caption_line: str) -> tuple[str, str]:
    """("Table 1", "Patients treated") from "Table 1. Patients treated"; ("", line) without a label."""
    match = _LABEL.match(caption_line)
    if not match:
        return "", caption_line
    return match.group("label"), caption_line[match.end():]


def caption_line(label: str, caption: str) -> str:
    """ "Table 1. Title. Text" from a label and a caption."""
    text = label.strip()
    caption = caption.strip()
    if text and caption and not re.search(r"[.:;!?]$", text):
        text += "."
    return f"{text} {caption}".strip() if caption else text


@dataclass
class WrittenTable:
    """The text of a table's block (caption line and rows) and the table with spans into it."""
    text: str
    table: Table


def write_table(source: SourceTable) -> WrittenTable:
    """The block for ``source`` (footnotes are not in it: each is a block of its own) and the
    table with offsets from the block's start."""
    lines: list[str] = []
    pos = 0
    label = caption = None
    head = caption_line(source.label, source.caption)
    if head:
        # A caption that starts with its label ("Table 1 Patients", as GROBID writes it) gives both.
        given, rest = (source.label.strip(), source.caption.strip()) if source.label.strip() else split_label(head)
        if given:
            label = TextSpan(given, 0, len(given))
        if rest.strip():
            caption = TextSpan(rest.strip(), len(head) - len(rest.strip()), len(head))
        lines.append(head)
        pos = len(head) + 1
    grid, width = _grid(source.rows)
    spans: dict[tuple[int, int], Cell] = {}  # (row, cell in the source row) -> where it was written
    rows: list[Row] = []
    rows_start = pos
    for r, row in enumerate(source.rows):
        if not any(cell.text.strip() for cell in row.cells):
            continue  # an empty row is no line of the text
        line_start = pos
        for k, cell in enumerate(row.cells):
            text = cell.text.strip()
            spans[(r, k)] = Cell(text, pos, pos + len(text))
            pos += len(text) + len(CELL_SEPARATOR)
        line = CELL_SEPARATOR.join(cell.text.strip() for cell in row.cells)
        line_end = line_start + len(line)
        lines.append(line)
        pos = line_end + 1
        cells = []
        for c in range(width):
            ref = grid[r].get(c)
            if ref is None or ref[0] not in spans:  # a ragged row, or a span from a dropped row
                cells.append(Cell("", line_end, line_end))
            else:
                cells.append(replace(spans[ref[0]], spanned=not ref[1]))
        rows.append(Row(tuple(cells), row.header))
    text = "\n".join(lines)
    start = rows_start if rows else len(text)
    return WrittenTable(text, Table(tuple(rows), start, len(text), label=label, caption=caption))


def _grid(rows: list[SourceRow]) -> tuple[list[dict[int, tuple[tuple[int, int], bool]]], int]:
    """Per row, column -> ((row, cell) it shows, whether the cell starts there), and the width."""
    grid: list[dict[int, tuple[tuple[int, int], bool]]] = [{} for _ in rows]
    for r, row in enumerate(rows):
        column = 0
        for k, cell in enumerate(row.cells):
            while column in grid[r]:
                column += 1
            rowspan = min(max(cell.rowspan, 1), len(rows) - r)
            colspan = min(max(cell.colspan, 1), _MAX_SPAN)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[r + dr][column + dc] = ((r, k), dr == 0 and dc == 0)
            column += colspan
    return grid, max((max(columns) + 1 for columns in grid if columns), default=0)
