"""The one Document every reader yields, whatever the input format."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, TypeVar

SECTION_KINDS: tuple[str, ...] = ("title", "abstract", "introduction", "case", "methods", "results",
                                  "discussion", "conclusion", "references", "other")


@dataclass(frozen=True)
class Section:
    """A titled stretch of the document text: ``text[start:end]`` (the title included)."""
    title: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class TextSpan:
    """A stretch of the document text: ``document.text[start:end] == text``."""
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Cell(TextSpan):
    """One position of a table's grid.

    ``spanned``: the position is covered by a cell that starts in an earlier row or column
    (rowspan, colspan); it repeats that cell's text and span, so every row has every column.
    """
    spanned: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    header: bool = False

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]


_Spanned = TypeVar("_Spanned", bound=TextSpan)


@dataclass(frozen=True)
class Table:
    """A table as the document text shows it: one row per line, cells separated by " | ".

    ``start:end`` covers the rows; ``label`` ("Table 2"), ``caption`` and ``footnotes`` (notes and
    legend under the table) are spans of their own. Every row has ``columns`` cells.
    """
    rows: tuple[Row, ...]
    start: int
    end: int
    label: Optional[TextSpan] = None
    caption: Optional[TextSpan] = None
    footnotes: tuple[TextSpan, ...] = ()

    @property
    def columns(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)

    @property
    def header(self) -> list[Row]:
        return [row for row in self.rows if row.header]

    @property
    def body(self) -> list[Row]:
        return [row for row in self.rows if not row.header]

    def spans(self) -> list[TextSpan]:
        """Every span the table holds: label, caption, cells, footnotes."""
        found: list[TextSpan] = [span for span in (self.label, self.caption) if span is not None]
        return found + [cell for row in self.rows for cell in row.cells] + list(self.footnotes)

    def moved(self, by: int, low: int, high: int) -> Table:
        """The table with every span shifted by ``by`` and kept within ``low:high`` (the block it
        was written in: an empty cell at a block's stripped edge stays a zero-width span inside)."""
        def move(span: _Spanned) -> _Spanned:
            start = min(max(span.start + by, low), high)
            return replace(span, start=start, end=min(max(span.end + by, start), high))
        return self._mapped(move, min(max(self.start + by, low), high), min(max(self.end + by, low), high))

    def reread(self, text: str) -> Table:
        """The table with every span's text read again from ``text`` (after a same-length rewrite)."""
        return self._mapped(lambda span: replace(span, text=text[span.start:span.end]), self.start, self.end)

    def _mapped(self, change, start: int, end: int) -> Table:
        return Table(rows=tuple(Row(tuple(change(cell) for cell in row.cells), row.header) for row in self.rows),
                     start=start, end=end,
                     label=change(self.label) if self.label else None,
                     caption=change(self.caption) if self.caption else None,
                     footnotes=tuple(change(note) for note in self.footnotes))


@dataclass
class Document:
    """One article: its text is what every evidence offset points into."""
    id: str
    text: str
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    # journal, year, pmid, doi, format, source, ... (strings; absent keys are unknown)
    metadata: dict[str, str] = field(default_factory=dict)
    # in text order; their rows are also in ``text`` (one line per row, cells " | "-separated in
    # every format but plain text, whose tables are as the file lays them out)
    tables: list[Table] = field(default_factory=list)

    def section_at(self, offset: int) -> Optional[Section]:
        """The innermost (last-starting) section holding ``offset``."""
        found = None
        for section in self.sections:
            if section.start <= offset < section.end:
                found = section
        return found


class ReadError(Exception):
    """An input that cannot be read: the message is the one-line reason shown to the user."""
