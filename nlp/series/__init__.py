"""Case series laid out as tables: each row is a patient, read cell by cell.

:func:`case_tables` finds the tables of a document whose rows are the authors' patients
(not a table of treatment options, of laboratory values, or of cases from the literature),
reads each row into candidates with evidence in its cells, and gives each row the number the
table gives it ("Case 3", "Pt 3", "Patient 3" over a column) so that the narrative can be
joined to it.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from nlp.extract.base import Candidate
from nlp.extract.cells import SECTION, Cell, Column, RowState, TableContext, is_null
from nlp.extract.outcome import grade_meanings
from nlp.extract.registry import patient_fields
from nlp.ingest.document import Document
from nlp.schema import FIELDS
from nlp.series.cells import read_cell
from nlp.series.detect import Grid, document_grids
from nlp.series.headers import headerless_column, read_column
from nlp.series.legend import Legend, line_before, read_legend, strip_marks
from nlp.series.rules import rules

# sections whose tables are about other people's patients or the disease in general
_FOREIGN_SECTIONS = {"introduction", "discussion", "references"}
IMPLIED = 0.9  # a treatment read from another column ("Dose (Gy)": radiotherapy)


@dataclass
class TableRow:
    """One patient of a table."""
    number: Optional[int]
    cells: list[Cell]
    candidates: list[Candidate] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)
    lost: bool = False  # lost to follow-up: series-wide follow-up statements do not hold for it


@dataclass
class CaseTable:
    start: int
    end: int  # legend included
    rows: list[TableRow]
    notes: dict[str, Cell]


def case_tables(document: Document, abbreviations: dict[str, str]) -> list[CaseTable]:
    """The tables of patients in the document, in text order."""
    rx = rules()["regex"]
    found = []
    for grid in document_grids(document, rx["list_row"]):
        section = document.section_at(grid.start)
        if section is not None and section.kind in _FOREIGN_SECTIONS:
            continue
        table = _read_table(document.text, grid, abbreviations)
        if table is not None:
            found.append(table)
    return found


def _read_table(text: str, grid: Grid, doc_abbreviations: dict[str, str]) -> Optional[CaseTable]:
    rx = rules()["regex"]
    legend = read_legend(text, grid.end, rx)
    marks = set(legend.notes)
    lines = [[strip_marks(c, marks, rx["cell_mark_cs"]) for c in line] for line in grid.lines]
    above = line_before(text, grid.start)
    caption = above.text if above is not None and rx["caption"].match(above.text) else ""
    abbreviations = {**doc_abbreviations, **legend.abbreviations}
    columns, patients, numbers = _shape(grid, lines, above.text if above is not None else "", abbreviations)
    if not _is_case_table(columns, patients, caption, all(n is not None for n in numbers)):
        return None
    columns = [_scaled(col, [ln[k] for p in patients for ln in p if k < len(ln)]) for k, col in enumerate(columns)]
    context = TableContext(abbreviations, grade_meanings(text, legend.abbreviations))
    table_rows = [_read_row(lines, columns, number, legend, context)
                  for lines, number in zip(patients, numbers)]
    end = legend.end if legend.end is not None else grid.end
    return CaseTable(grid.start if not caption else above.start, end, table_rows, legend.notes)


def _shape(grid: Grid, lines: list[list[Cell]], above: str, abbreviations: dict[str, str]):
    """(columns, patients as lists of lines of cells, their numbers), whatever the layout."""
    rx = rules()["regex"]
    if grid.layout == "list":
        columns = _list_columns(above, lines, abbreviations)
        numbers = [_number(label.text, rx["row_number"]) for label in grid.labels]
        return columns, [[line] for line in lines], numbers
    header, body = _marked_header(lines, grid.header_lines) if grid.header_lines else _header(lines)
    if _transposed(header, body):
        return _transpose(header, body, abbreviations)
    columns = [read_column(c.text, abbreviations) for c in header]
    rows = [r for r in body if not _pooled(r) and any(not c.empty for c in r)]
    id_col = _id_column(columns, rows)
    patients = _continued(rows, id_col, len(columns))
    numbers = [_number(p[0][id_col].text, rx["row_number"]) if id_col is not None and id_col < len(p[0]) else None
               for p in patients]
    return columns, patients, numbers


def _id_column(columns: list[Column], rows: list[list[Cell]]) -> Optional[int]:
    """The column saying who each patient is: named so, or an unnamed first column of
    "Case 1", "Case 2", ..."""
    named = next((k for k, c in enumerate(columns) if "id" in c.fields), None)
    if named is not None:
        return named
    firsts = [r[0] for r in rows if r and not r[0].empty]
    labelled = len(firsts) >= 2 and all(rules()["regex"]["patient_label"].match(c.text) for c in firsts)
    return 0 if labelled else None


def _continued(rows: list[list[Cell]], id_col: Optional[int], width: int) -> list[list[list[Cell]]]:
    """Patients as lists of lines: a line with no identifier (where the table has them) or
    with hardly a cell filled continues the patient above (a cell wrapped over lines)."""
    patients: list[list[list[Cell]]] = []
    for row in rows:
        if id_col is not None and id_col < len(row):
            continues = row[id_col].empty
        else:
            continues = sum(not c.empty for c in row) < max(2, width // 3)
        if patients and continues:
            patients[-1].append(row)
        else:
            patients.append([row])
    return patients


def _header(lines: list[list[Cell]]) -> tuple[list[Cell], list[list[Cell]]]:
    """The header line, with the lines under it that continue it: no number anywhere, and an
    empty first cell ("VAS | VAS" over " | pre | post": joined column by column) or fewer
    cells than the header (a row under merged cells, which cannot be placed: left out)."""
    header = list(lines[0])
    k = 1
    while k < len(lines) - 1 and lines[k] and not any(re.search(r"\d", c.text) for c in lines[k]):
        if lines[k][0].empty and len(lines[k]) == len(header):
            header = [_join(a, b) for a, b in zip(header, lines[k])]
        elif len(lines[k]) >= len(header):
            break
        k += 1
    return header, lines[k:]


def _marked_header(lines: list[list[Cell]], count: int) -> tuple[list[Cell], list[list[Cell]]]:
    """The header lines a reader marked, joined column by column ("VAS" over "pre")."""
    header = list(lines[0])
    for line in lines[1:count]:
        header = [_join(a, b) for a, b in zip(header, line)]
    return header, lines[count:]


def _join(a: Cell, b: Cell) -> Cell:
    text = f"{a.text} {b.text}".strip()
    return Cell(text, a.start, a.end)  # a header is never evidence


def _pooled(row: list[Cell]) -> bool:
    first = next((c for c in row if not c.empty), None)
    return first is not None and bool(rules()["regex"]["pooled_row"].match(first.text))


def _number(text: str, pattern: re.Pattern) -> Optional[int]:
    m = pattern.match(text)
    return int(m["num"]) if m else None


def _transposed(header: list[Cell], body: list[list[Cell]]) -> bool:
    """One column per patient: the header names patients, the first column names fields."""
    label = rules()["regex"]["patient_label"]
    named = sum(bool(label.match(c.text)) for c in header[1:] if not c.empty)
    return named >= 2 and named >= (len(header) - 1) * 2 / 3 and \
        not any("id" in read_column(c.text, {}).fields for c in header[:1] if not c.empty)


def _transpose(header: list[Cell], body: list[list[Cell]], abbreviations: dict[str, str]):
    label = rules()["regex"]["patient_label"]
    body = [r for r in body if r and not _pooled(r)]
    columns = [read_column(r[0].text, abbreviations) for r in body]
    patients, numbers = [], []
    for k, cell in enumerate(header):
        m = label.match(cell.text)
        if k == 0 or not m:
            continue
        patients.append([[r[k] if k < len(r) else Cell("", cell.end, cell.end) for r in body]])
        numbers.append(int(m["num"]) if m["num"] else ord(m["letter"].lower()) - ord("a") + 1)
    return columns, patients, numbers


def _list_columns(above: str, lines: list[list[Cell]], abbreviations: dict[str, str]) -> list[Column]:
    """A list's columns from the line that introduces it ("(age/sex, level, ...)") when it
    names as many items as most rows have; else every cell is read by its content."""
    width = Counter(len(r) for r in lines).most_common(1)[0][0]
    m = rules()["regex"]["list_header"].search(above)
    items = (m["items"] or m["after"]).split(",") if m else []
    if len(items) == width:
        return [read_column(item.strip(), abbreviations) for item in items]
    return [headerless_column(frozenset(FIELDS)) for _ in range(width)]


def _is_case_table(columns: list[Column], patients: list, caption: str, numbered: bool) -> bool:
    """Rows of patients: two or more, numbered as patients or with an age or sex column, two
    or more fields, and no sign of a review of published cases."""
    if len(patients) < 2:
        return False
    if any(c.headerless for c in columns):
        return True
    fields = {f for c in columns for f in c.fields}
    rx = rules()["regex"]
    if rx["literature"].search(caption) or any(rx["literature_column"].search(c.header) for c in columns):
        return False
    return bool(numbered or fields & patient_fields()) and len(fields - {"id"}) >= 2


def _scaled(column: Column, cells: list[Cell]) -> Column:
    """A pain-score column with a value over 10 is on a 0-100 scale."""
    if not {"vas_pre", "vas_post"} & column.fields or column.scale100:
        return column
    numbers = [float(n.replace(",", ".")) for c in cells for n in rules()["regex"]["number"].findall(c.text)]
    return dataclasses.replace(column, scale100=True) if any(n > 10 for n in numbers) else column


def _read_row(lines: list[list[Cell]], columns: list[Column], number: Optional[int], legend: Legend,
              context: TableContext) -> TableRow:
    placed = [(line[k], columns[k]) for line in lines for k in range(min(len(line), len(columns)))]
    row = TableRow(number, [cell for cell, _ in placed])
    state = RowState()
    # a row's vertebrae first: its cement volumes are matched to them
    for cell, column in sorted(placed, key=lambda p: "levels" not in p[1].fields):
        row.candidates.extend(read_cell(cell, column, state, context))
        row.marks.update(cell.marks)
    row.candidates.extend(_implied(placed, columns))
    row.lost = _lost(placed, row, legend)
    return row


def _implied(placed: list[tuple[Cell, Column]], columns: list[Column]) -> list[Candidate]:
    """Treatments a filled column implies ("Dose (Gy)": radiotherapy)."""
    alone = not any("treatments" in c.fields for c in columns)
    out = []
    for cell, column in placed:
        codes = column.implies + (column.implies_alone if alone else ())
        if not codes or is_null(cell) or _says_none(cell):
            continue
        out.extend(Candidate("treatments", code, cell.start, cell.end, IMPLIED, SECTION) for code in codes)
    return out


def _says_none(cell: Cell) -> bool:
    """"None", "No", "no RT": nothing given (but "n-BCA" is a glue)."""
    text = cell.text.strip().lower()
    return text in rules()["data"]["no_words"] or re.match(r"(?:no|none|nil|not)\b", text) is not None


def _lost(placed: list[tuple[Cell, Column]], row: TableRow, legend: Legend) -> bool:
    """Lost to follow-up: said so in the row or in a note it points to, or no follow-up
    given in a follow-up column."""
    lost = rules()["regex"]["lost"]
    texts = [c.text for c in row.cells] + [legend.notes[m].text for m in row.marks if m in legend.notes]
    if any(lost.search(t) for t in texts):
        return True
    asked = any("follow_up_months" in col.fields for _, col in placed)
    return asked and not any(c.field == "follow_up_months" for c in row.candidates)
