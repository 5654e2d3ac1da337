"""The span format shared by every importer and the trainer: JSON Lines of
``{"id", "text", "spans": [{"start", "end", "label"}]}`` (what ``review import`` writes as
spans.jsonl), and its validation."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator


class SpanError(ValueError):
    """A span file that cannot be read: the message names the file and line (or document)."""


@dataclass
class SpanDoc:
    id: str
    text: str
    spans: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "spans": self.spans}


def check_doc(doc: SpanDoc, where: str) -> SpanDoc:
    """Raise SpanError unless every span lies inside the text, covers non-blank text and has a label."""
    if not isinstance(doc.id, str) or not doc.id:
        raise SpanError(f"{where}: missing document id")
    if not isinstance(doc.text, str):
        raise SpanError(f"{where}: document {doc.id}: text is not a string")
    for i, span in enumerate(doc.spans):
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            raise SpanError(f"{where}: document {doc.id} span {i}: start and end must be integers")
        if not 0 <= start < end <= len(doc.text):
            raise SpanError(f"{where}: document {doc.id} span {i}: [{start}, {end}) out of range "
                            f"(text has {len(doc.text)} characters)")
        if not doc.text[start:end].strip():
            raise SpanError(f"{where}: document {doc.id} span {i}: [{start}, {end}) covers no text")
        if not isinstance(label, str) or not label.strip():
            raise SpanError(f"{where}: document {doc.id} span {i}: empty label")
    doc.spans = sorted(({"start": s["start"], "end": s["end"], "label": s["label"]} for s in doc.spans),
                       key=lambda s: (s["start"], s["end"], s["label"]))
    return doc


def jsonl_rows(path: Path) -> Iterator[tuple[str, Any]]:
    """(where, row) for each non-blank line of a JSON Lines file; a line that is no JSON is a
    SpanError naming the file and line."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path} line {number}"
            try:
                yield where, json.loads(line)
            except json.JSONDecodeError as exc:
                raise SpanError(f"{where}: not JSON ({exc.msg})") from None


def read_spans_jsonl(path: Path) -> Iterator[SpanDoc]:
    """Our own format (``spans`` key), validated line by line."""
    for where, row in jsonl_rows(path):
        if not isinstance(row, dict) or not isinstance(row.get("spans"), list):
            raise SpanError(f"{where}: expected an object with a 'spans' list")
        yield check_doc(SpanDoc(str(row.get("id", "")), row.get("text"), list(row["spans"])), where)


def write_spans_jsonl(docs: Iterable[SpanDoc], path: Path) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n
