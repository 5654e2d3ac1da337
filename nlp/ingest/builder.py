"""Assemble one document text from blocks, recording the (nested) sections they fall in."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Iterator, Optional

from nlp.ingest.document import Section, Table, TextSpan
from nlp.ingest.table_text import SourceTable, write_table

BLOCK_SEPARATOR = "\n\n"


@dataclass
class _Span:
    title: str
    kind: str
    start: Optional[int] = None  # set by the section's first block
    end: Optional[int] = None    # set when the block after the section begins


class TextBuilder:
    """Blocks (headings, paragraphs, table renderings) joined by blank lines.

    A section starts at its first block and ends where the next block after it begins, so
    consecutive sections are contiguous and a parent ends where its last child does.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._size = 0
        self._spans: list[_Span] = []
        self._starting: list[_Span] = []
        self._ending: list[_Span] = []
        self.tables: list[Table] = []

    def block(self, text: str) -> Optional[int]:
        """Append one block; blank ones are dropped. Where it starts in the text (None if dropped)."""
        text = text.strip()
        if not text:
            return None
        if self._size:
            self._write(BLOCK_SEPARATOR)
        for span in self._ending:
            span.end = self._size
        for span in self._starting:
            span.start = self._size
        self._ending.clear()
        self._starting.clear()
        self._write(text)
        return self._size - len(text)

    def table(self, source: SourceTable) -> None:
        """Append a table: its caption and rows as one block, then each footnote as a block."""
        written = write_table(source)
        lead = len(written.text) - len(written.text.lstrip())
        start = self.block(written.text)
        if start is None:
            return
        table = written.table.moved(start - lead, start, self._size)
        notes = []
        for note in source.footnotes:
            at = self.block(note)
            if at is not None:
                notes.append(TextSpan(note.strip(), at, self._size))
        if table.rows:
            self.tables.append(replace(table, footnotes=tuple(notes)))

    @contextmanager
    def section(self, title: str, kind: str, heading: Optional[str] = None) -> Iterator[None]:
        """Blocks written inside form one section; ``heading`` is written first as its own block."""
        span = _Span(title, kind)
        self._spans.append(span)
        self._starting.append(span)
        if heading:
            self.block(heading)
        yield
        if span in self._starting:  # nothing was written: no section
            self._starting.remove(span)
            self._spans.remove(span)
        else:
            self._ending.append(span)

    def build(self) -> tuple[str, list[Section]]:
        """The text and its sections, in order of start (a parent before its children)."""
        for span in self._ending:
            span.end = self._size
        sections = [Section(s.title, s.kind, s.start, s.end) for s in self._spans
                    if s.start is not None and s.end is not None]
        sections.sort(key=lambda s: s.start)  # stable: parents were opened first
        return "".join(self._parts), sections

    def _write(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
