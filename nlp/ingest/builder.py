"""Assemble one document text from blocks, recording the (nested) sections they fall in."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Optional

from nlp.ingest.document import Section

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

    def block(self, text: str) -> None:
        """Append one block; blank ones are dropped."""
        text = text.strip()
        if not text:
            return
        if self._size:
            self._write(BLOCK_SEPARATOR)
        for span in self._ending:
            span.end = self._size
        for span in self._starting:
            span.start = self._size
        self._ending.clear()
        self._starting.clear()
        self._write(text)

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
