"""Span corpora from annotation tools, chosen by what the source is:

- a folder: brat standoff (``X.txt`` + ``X.ann``; entities only, a discontinuous entity gives
  one span per fragment with the same label);
- ``.json``: a Label Studio export (a list of tasks with ``annotations[].result[]`` labels);
- ``.jsonl`` whose rows have ``spans``: our own format; rows with ``label``: doccano.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from nlp.train.spans import SpanDoc, SpanError, check_doc, jsonl_rows, read_spans_jsonl


def load_span_docs(source: Path) -> list[SpanDoc]:
    """Every document of ``source``, validated; SpanError names the file and line at fault."""
    source = Path(source)
    if source.is_dir():
        return list(read_brat(source))
    if not source.is_file():
        raise SpanError(f"no such file or folder: {source}")
    if source.suffix == ".json":
        return list(read_label_studio(source))
    if source.suffix == ".jsonl":
        return list(read_doccano(source) if _jsonl_kind(source) == "doccano" else read_spans_jsonl(source))
    raise SpanError(f"{source}: unknown span source (a brat folder, a Label Studio .json, a doccano or "
                    f"caseminer .jsonl)")


def _jsonl_kind(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SpanError(f"{path} line {number}: not JSON ({exc.msg})") from None
                if isinstance(row, dict) and "spans" in row:
                    return "ours"
                if isinstance(row, dict) and ("label" in row or "labels" in row):
                    return "doccano"
                raise SpanError(f"{path} line {number}: neither 'spans' (caseminer) nor 'label' (doccano)")
    return "ours"


def read_brat(folder: Path) -> Iterator[SpanDoc]:
    texts = sorted(Path(folder).glob("*.txt"))
    if not texts:
        raise SpanError(f"{folder}: no .txt files (expected brat standoff: X.txt beside X.ann)")
    for txt in texts:
        ann = txt.with_suffix(".ann")
        with txt.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        spans: list[dict] = []
        if ann.is_file():
            for number, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), 1):
                if not line.startswith("T"):
                    continue  # relations, events, attributes, notes: not spans
                where = f"{ann} line {number}"
                parts = line.split("\t")
                if len(parts) < 2:
                    raise SpanError(f"{where}: expected 'T<n>\\tLabel start end[;start end]\\ttext'")
                label, _, ranges = parts[1].partition(" ")
                try:
                    for fragment in ranges.split(";"):
                        start, end = fragment.split()
                        spans.append({"start": int(start), "end": int(end), "label": label})
                except ValueError:
                    raise SpanError(f"{where}: bad offsets {ranges!r}") from None
        yield check_doc(SpanDoc(txt.stem, text, spans), str(ann))


def read_label_studio(path: Path) -> Iterator[SpanDoc]:
    try:
        tasks = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SpanError(f"{path} line {exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(tasks, list):
        raise SpanError(f"{path}: expected a Label Studio export (a JSON list of tasks)")
    for i, task in enumerate(tasks):
        where = f"{path} task {i}"
        data = task.get("data", {}) if isinstance(task, dict) else {}
        text = data.get("text")
        if text is None:
            text = next((v for v in data.values() if isinstance(v, str)), None)
        if text is None:
            raise SpanError(f"{where}: no text in 'data'")
        spans = []
        results = [r for a in task.get("annotations") or [] if not a.get("was_cancelled")
                   for r in a.get("result") or []]
        for r in results:
            value = r.get("value", {})
            for label in value.get("labels") or []:
                spans.append({"start": value.get("start"), "end": value.get("end"), "label": label})
        yield check_doc(SpanDoc(str(task.get("id", i)), text, spans), where)


def read_doccano(path: Path) -> Iterator[SpanDoc]:
    for number, (where, row) in enumerate(jsonl_rows(path), 1):
        labels = row.get("label", row.get("labels", []))
        spans = []
        for item in labels:
            if isinstance(item, (list, tuple)) and len(item) == 3:
                spans.append({"start": item[0], "end": item[1], "label": item[2]})
            elif isinstance(item, dict):
                spans.append({"start": item.get("start_offset"), "end": item.get("end_offset"),
                              "label": item.get("label")})
            else:
                raise SpanError(f"{where}: a label must be [start, end, label]")
        yield check_doc(SpanDoc(str(row.get("id", number)), row.get("text"), spans), where)
