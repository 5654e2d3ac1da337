"""What sits around a table: the caption above it, and below it the legend that defines
its abbreviations ("TAE, transarterial embolization; PVP, ...") and its footnotes
("a Lost to follow-up after discharge."), whose marks ("-a", "NA*") sit on cells."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from nlp.series.detect import Cell, Line, text_lines

_ITEM_SPLIT = re.compile(r";\s*|\.\s+(?=\S)")


@dataclass
class Legend:
    abbreviations: dict[str, str] = field(default_factory=dict)
    notes: dict[str, Cell] = field(default_factory=dict)  # footnote mark -> its text
    end: Optional[int] = None  # where the legend's last line ends; None: no legend


def _items(line: Line, prefix: re.Pattern) -> list[tuple[int, int]]:
    """(start, end) in the line of each item: the parts between semicolons and full stops."""
    m = prefix.match(line.text)
    begin = m.end() if m else 0
    out = []
    pos = begin
    for sep in list(_ITEM_SPLIT.finditer(line.text, begin)) + [None]:
        stop = sep.start() if sep else len(line.text)
        if line.text[pos:stop].strip():
            out.append((pos, stop))
        pos = sep.end() if sep else stop
    return out


def _read_line(line: Line, rx: dict) -> Optional[Legend]:
    """The legend items of one line, or None when the line is no legend."""
    legend = Legend()
    items = _items(line, rx["legend_prefix"])
    found = 0
    shorts = []
    for a, b in items:
        piece = line.text[a:b]
        note = rx["footnote_cs"].match(piece)
        if note:
            start = line.start + a + note.start("note")
            text = note["note"].rstrip(" .")
            legend.notes[note["mark"]] = Cell(text, start, start + len(text))
            found += 1
            continue
        item = rx["legend_item"].match(piece)
        if item and len(item["long"]) <= 120:
            legend.abbreviations[item["short"].strip()] = item["long"].strip().rstrip(".")
            shorts.append(item["short"].strip())
            found += 1
    prefixed = rx["legend_prefix"].match(line.text) is not None
    alone = len(items) == 1 and all(rx["short_form_cs"].match(s) for s in shorts)
    if found >= 2 or (found == 1 and (legend.notes or prefixed or alone)):
        legend.end = line.end
        return legend
    return None


def read_legend(text: str, after: int, rx: dict) -> Legend:
    """The legend lines that follow a table ending at ``after``, single blank lines between
    them allowed (the JATS reader writes each footnote as a block of its own); reading stops
    at the first line that is no legend."""
    legend = Legend()
    blanks = 0
    for line in (ln for ln in text_lines(text) if ln.start > after):
        if not line.text.strip():
            blanks += 1
            if blanks > 1:
                break
            continue
        part = _read_line(line, rx)
        if part is None:
            break
        blanks = 0
        legend.abbreviations.update(part.abbreviations)
        legend.notes.update(part.notes)
        legend.end = part.end
    return legend


def line_before(text: str, before: int) -> Optional[Line]:
    """The last non-blank line ending before ``before``, at most one blank line above it."""
    lines = [ln for ln in text_lines(text) if ln.end < before]
    for line in reversed(lines[-2:]):
        if line.text.strip():
            return line
    return None


def strip_marks(cell: Cell, marks: set[str], rx: re.Pattern) -> Cell:
    """The cell without trailing footnote marks that the legend explains ("RTb" -> "RT")."""
    text, found = cell.text, []
    while text:
        m = rx.search(text)
        if not m or m["mark"] not in marks:
            break
        found.append(m["mark"])
        text = text[:m.start()].rstrip(" ,")
    if not found:
        return cell
    return Cell(text, cell.start, cell.start + len(text), tuple(found))
