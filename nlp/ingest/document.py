"""The one Document every reader yields, whatever the input format."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

SECTION_KINDS: tuple[str, ...] = ("title", "abstract", "introduction", "case", "methods", "results",
                                  "discussion", "conclusion", "references", "other")


@dataclass(frozen=True)
class Section:
    """A titled stretch of the document text: ``text[start:end]`` (the title included)."""
    title: str
    kind: str
    start: int
    end: int


@dataclass
class Document:
    """One article: its text is what every evidence offset points into."""
    id: str
    text: str
    title: str = ""
    sections: list[Section] = field(default_factory=list)
    # journal, year, pmid, doi, format, source, ... (strings; absent keys are unknown)
    metadata: dict[str, str] = field(default_factory=dict)

    def section_at(self, offset: int) -> Optional[Section]:
        """The innermost (last-starting) section holding ``offset``."""
        found = None
        for section in self.sections:
            if section.start <= offset < section.end:
                found = section
        return found


class ReadError(Exception):
    """An input that cannot be read: the message is the one-line reason shown to the user."""
