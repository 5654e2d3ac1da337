"""Evidence spans shown in their document's text, as escaped HTML."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

CONTEXT = 80  # characters of text shown either side of an evidence span


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    anchor: str  # HTML id of the span's place in the text
    label: str  # shown on hover: "patient 1 · age_years"
    flagged: bool = False


def span_is_valid(text: str, span: dict) -> bool:
    start, end = span.get("start"), span.get("end")
    return (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)
            and text[start:end] == span.get("text"))


def snippet(text: str, start: int, end: int, context: int = CONTEXT) -> str:
    """The span in its surrounding text: escaped HTML with the span in <mark>, cut at word breaks."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right

    def flat(part: str) -> str:
        return escape(" ".join(part.split()) if part.strip() else part.replace("\n", " "))
    before, inside, after = text[left:start], text[start:end], text[end:right]
    return ("…" if left > 0 else "") + flat(before) + (" " if before[-1:].isspace() else "") + \
        f"<mark>{flat(inside)}</mark>" + (" " if after[:1].isspace() else "") + flat(after) + \
        ("…" if right < len(text) else "")


def highlighted(text: str, marks: list[Mark]) -> str:
    """The whole text, escaped, with every mark highlighted and an anchor where each begins
    (overlapping marks split the text into segments, each covered by the marks that span it)."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    starting: dict[int, list[Mark]] = {}
    for m in marks:
        starting.setdefault(m.start, []).append(m)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m.start <= a < m.end]
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        anchors = "".join(f'<span class="anchor" id="{escape(m.anchor)}"></span>' for m in starting.get(a, []))
        flag = " flag" if any(m.flagged for m in covering) else ""
        title = escape("; ".join(dict.fromkeys(m.label for m in covering)))
        out.append(f'<mark class="ev{flag}" title="{title}">{anchors}{piece}</mark>')
    return "".join(out)
