"""One table cell to candidates for the fields of its column.

Each field's reading lives with its family (``Family.cell_readers``: numbers, units, levels and
scores through the normalisers, with the column's unit where the cell gives none); a field no
family reads cell by cell ("Treatment", "Embolic agent") is read by the families' finders, run on
the cell with the legend's abbreviations, so that no vocabulary is repeated here.
"""
from __future__ import annotations

from nlp.extract.base import Candidate
from nlp.extract.cells import Cell, Column, RowState, TableContext, expand, is_null
from nlp.extract.registry import cell_reader, find_in


def read_cell(cell: Cell, column: Column, row: RowState, context: TableContext) -> list[Candidate]:
    """Candidates for every field of the column that the cell states. A cell of a list with
    no header is read as a short sentence, by the families' finders (and its vertebrae)."""
    if is_null(Cell(expand(cell.text, context.abbreviations), cell.start, cell.end)):
        return []  # "NA", "–"; but "NR" where the legend makes it "no recurrence"
    if column.headerless:
        return list(cell_reader("levels")(cell, column, row, context)) + \
            find_in(context.view_of(cell), column.fields - {"levels"})
    found: list[Candidate] = []
    done = set()
    by_finder = set()
    for name in sorted(column.fields):
        reader = cell_reader(name)
        if reader is None:
            by_finder.add(name)
        elif reader not in done:
            done.add(reader)
            found.extend(reader(cell, column, row, context))
    if by_finder:
        found.extend(find_in(context.view_of(cell, column.header), by_finder))
    return found
