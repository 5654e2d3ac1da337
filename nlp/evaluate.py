"""Field-level scoring of predicted case records against gold records (schema v1, v1.1).

The rules, and so the figures, are those of the reference scorer that ships with the
corpora (``eval/score.py``); they are restated here so that users of the package can score
without it:

* records are grouped by ``document_id``; within a document, predicted and gold patients are
  paired by an order-preserving alignment that maximises the fields they agree on, so one
  missed patient in a series does not shift every later pairing;
* per field, a predicted value equal to gold is a true positive, a predicted value absent
  from gold or different a false positive, a gold value not predicted correctly a false
  negative; lists are compared as sets, numbers within 0.05 + 1 % of gold;
* a gold line ``{"document_id": D, "case_index": null}`` marks a document with no patient:
  every record predicted for it is a false positive; documents without gold are ignored;
* ``only_gold`` scores a field only where the gold value is set (gold that was not
  annotated exhaustively);
* the schema v1.1 fields (``complications_reported``, ``diagnosis``: categories) can be
  scored like any other, and by default are scored apart, outside the micro figure and with
  their own pairing, wherever the gold records carry them (key "v1_1_fields"; the report
  prints them as "v1.1" lines).
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, get_args, get_origin

from pydantic import BaseModel

from nlp.schema import FIELDS as RECORD_FIELDS
from nlp.schema import V1_1_FIELDS, CaseFields

Counts = tuple[int, int, int]  # tp, fp, fn


# -- how each field is compared, read off the record model ------------------------------

def _is_number(annotation: Any) -> bool:
    return annotation in (float, Optional[float])


def _field_kinds() -> tuple[set[str], dict[str, tuple[tuple[str, bool], ...]], set[str]]:
    """Numeric scalars, object lists (their keys in model order, each flagged when numeric)
    and plain lists; every other field is a category compared as lower-case text."""
    numeric, objects, strings = set(), {}, set()
    for name, info in CaseFields.model_fields.items():
        annotation = info.annotation
        if get_origin(annotation) is list:
            item = get_args(annotation)[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                objects[name] = tuple((k, _is_number(f.annotation)) for k, f in item.model_fields.items())
            else:
                strings.add(name)
        elif _is_number(annotation):
            numeric.add(name)
    return numeric, objects, strings


NUMERIC_FIELDS, OBJECT_LIST_FIELDS, STRING_LIST_FIELDS = _field_kinds()

# schema v1.1 fields: categories, compared as text; scored
# apart from the micro figure where the gold file has them (as eval/score.py does)
FIELDS_V11: tuple[str, ...] = V1_1_FIELDS
# the fields of the micro figure (schema v1)
FIELDS: tuple[str, ...] = tuple(f for f in RECORD_FIELDS if f not in V1_1_FIELDS)


# -- loading -----------------------------------------------------------------------------

def load_records(path: str | Path) -> list[dict]:
    """The records of a JSON Lines file, or of ``cases.jsonl`` in a folder (blank lines skipped)."""
    path = Path(path)
    if path.is_dir():
        path = path / "cases.jsonl"
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON: {exc}") from exc
    return rows


# -- comparing values --------------------------------------------------------------------

def _number(value: Any) -> float | None:
    """A number from a number or numeric string; booleans and NaN are no numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(value: Any) -> str | None:
    """A comparable string: trimmed, lower case; true/false for booleans, 3 for 3.0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


def numbers_agree(pred: float, gold: float) -> bool:
    """Within 0.05 plus 1 % of the gold value (durations converted from weeks, rounding)."""
    return abs(pred - gold) <= 0.05 + 0.01 * abs(gold)


def _items(field: str, value: Any) -> set:
    """A list field's value as a set of comparable items (a lone value counts as a list)."""
    if not value:
        return set()
    if not isinstance(value, list):
        value = [value]
    if field not in OBJECT_LIST_FIELDS:
        return {_text(x) for x in value if _text(x)}
    items = set()
    for obj in value:
        if isinstance(obj, dict):
            items.add(tuple(_item_part(obj.get(k), numeric) for k, numeric in OBJECT_LIST_FIELDS[field]))
    return items


def _item_part(value: Any, numeric: bool) -> Any:
    """One key of a list item: numbers (cement ml) to 0.1, the rest as text."""
    if not numeric:
        return _text(value)
    number = _number(value)
    return None if number is None else round(number, 1)


def compare(field: str, pred: dict | None, gold: dict | None, only_gold: bool = False) -> Counts:
    """(tp, fp, fn) of one field for one pair of records; either record may be missing."""
    p = pred.get(field) if pred else None
    g = gold.get(field) if gold else None
    if only_gold and (g is None or g == []):
        return 0, 0, 0
    if field in STRING_LIST_FIELDS or field in OBJECT_LIST_FIELDS:
        ps, gs = _items(field, p), _items(field, g)
        return len(ps & gs), len(ps - gs), len(gs - ps)
    if field in NUMERIC_FIELDS:
        pv, gv = _number(p), _number(g)
        agree = pv is not None and gv is not None and numbers_agree(pv, gv)
    else:
        pv, gv = _text(p), _text(g)
        agree = pv is not None and pv == gv
    return int(agree), int(pv is not None and not agree), int(gv is not None and not agree)


def _add(total: list[int], counts: Iterable[int]) -> None:
    for i, c in enumerate(counts):
        total[i] += c


# -- pairing patients --------------------------------------------------------------------

def align(golds: list[dict], preds: list[dict], fields: Sequence[str],
          only_gold: bool = False) -> list[tuple[dict | None, dict | None]]:
    """Order-preserving pairing of gold and predicted patients that maximises the true
    positives of the pairs (a global alignment with no gap cost); every record appears in
    exactly one (gold or None, pred or None) pair."""
    n, m = len(golds), len(preds)
    sim = [[sum(compare(f, p, g, only_gold)[0] for f in fields) for p in preds] for g in golds]
    # best[i][j]: the most agreement golds[i:] and preds[j:] can reach
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1], sim[i][j] + best[i + 1][j + 1])
    pairs: list[tuple[dict | None, dict | None]] = []
    i = j = 0
    while i < n and j < m:
        # pair where it is optimal and the two share something (or the counts match, so
        # that equal lists pair one to one even where nothing agrees); else skip a gold
        # record where that stays optimal, else a predicted one
        if best[i][j] == sim[i][j] + best[i + 1][j + 1] and (sim[i][j] > 0 or n == m):
            pairs.append((golds[i], preds[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((golds[i], None))
            i += 1
        else:
            pairs.append((None, preds[j]))
            j += 1
    pairs += [(g, None) for g in golds[i:]] + [(None, p) for p in preds[j:]]
    return pairs


# -- scoring -----------------------------------------------------------------------------

def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty denominator counts as perfect (nothing to get wrong)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _metrics(tp: int, fp: int, fn: int) -> dict[str, float]:
    p, r, f1 = prf(tp, fp, fn)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f1}


def _case_order(record: dict) -> float:
    return _number(record.get("case_index")) or 0


def score(gold_rows: list[dict], pred_rows: list[dict], fields: Sequence[str] = FIELDS,
          only_gold: bool = False) -> dict:
    """Per-field and micro tp/fp/fn, precision, recall and F1 of ``pred_rows`` against
    ``gold_rows``, with case counts and each document's F1 (keys as eval/score.py's --json).
    ``fields`` may name v1.1 fields (FIELDS_V11) too."""
    unknown = [f for f in fields if f not in FIELDS and f not in FIELDS_V11]
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)}")
    gold_docs: dict[str, list[dict]] = {}
    for r in gold_rows:
        cases = gold_docs.setdefault(str(r.get("document_id")), [])
        if r.get("case_index") is not None:  # a null line only registers the document
            cases.append(r)
    pred_docs: dict[str, list[dict]] = defaultdict(list)
    for r in pred_rows:
        doc = str(r.get("document_id"))
        # a predicted record stating case_index null declares "no patient here": not scored
        if doc in gold_docs and r.get("case_index", 1) is not None:
            pred_docs[doc].append(r)

    counts = {f: [0, 0, 0] for f in fields}
    cases = {"gold": 0, "pred": 0, "paired": 0}
    per_document = {}
    for doc, golds in gold_docs.items():
        golds = sorted(golds, key=_case_order)
        preds = sorted(pred_docs[doc], key=_case_order)
        pairs = align(golds, preds, fields, only_gold)
        cases["gold"] += len(golds)
        cases["pred"] += len(preds)
        cases["paired"] += sum(g is not None and p is not None for g, p in pairs)
        doc_counts = [0, 0, 0]
        for g, p in pairs:
            for f in fields:
                c = compare(f, p, g, only_gold)
                _add(counts[f], c)
                _add(doc_counts, c)
        per_document[doc] = prf(*doc_counts)[2]

    micro = [0, 0, 0]
    for c in counts.values():
        _add(micro, c)
    return {"documents": len(gold_docs), "cases": cases,
            "fields": {f: _metrics(*c) for f, c in counts.items()},
            "micro": _metrics(*micro), "per_document_f1": per_document}


def check_evidence(pred_rows: list[dict], texts_dir: str | Path) -> dict:
    """Whether each evidence span of ``pred_rows`` reads ``text[start:end] == text`` in
    ``texts_dir/<document_id>.txt``, and how many set fields (combination aside: it is
    derived) carry at least one span. Keys: valid, total, examples_invalid (up to 10),
    fields_with_evidence, fields_set."""
    texts_dir = Path(texts_dir)
    result = {"valid": 0, "total": 0, "examples_invalid": [], "fields_with_evidence": 0, "fields_set": 0}
    texts: dict[str, str | None] = {}
    for rec in pred_rows:
        doc = str(rec.get("document_id"))
        if doc not in texts:
            path = texts_dir / f"{doc}.txt"
            texts[doc] = path.read_text(encoding="utf-8") if path.exists() else None
        evidence = rec.get("evidence")
        if not isinstance(evidence, dict):
            evidence = {}
        for field in FIELDS:
            if field != "combination" and rec.get(field) not in (None, [], ""):
                result["fields_set"] += 1
                result["fields_with_evidence"] += bool(evidence.get(field))
        for field, spans in evidence.items():
            for span in spans if isinstance(spans, list) else [spans]:
                good = _span_ok(span, texts[doc])
                result["total"] += 1
                result["valid"] += good
                if not good and len(result["examples_invalid"]) < 10:
                    result["examples_invalid"].append(f"{doc} {field}: {span!r}"[:200])
    return result


def _span_ok(span: Any, text: str | None) -> bool:
    try:
        start, end, quoted = int(span["start"]), int(span["end"]), span["text"]
    except (KeyError, TypeError, ValueError):
        return False
    return text is not None and text[start:end] == quoted


def v1_1_fields(gold_rows: list[dict], fields: Sequence[str]) -> list[str]:
    """The v1.1 fields to score apart: those not scored already that some gold line carries
    (as a key, even null)."""
    return [f for f in FIELDS_V11 if f not in fields and any(f in r for r in gold_rows)]


def evaluate(gold: str | Path, pred: str | Path, texts_dir: str | Path | None = None,
             fields: Sequence[str] | None = None, only_gold: bool = False,
             v1_1_apart: bool | None = None) -> dict:
    """Score the records at ``pred`` (file or folder) against ``gold``; with ``texts_dir``,
    also check the evidence of the predictions for documents that have gold (key "evidence").

    ``fields`` defaults to every v1 field. With ``v1_1_apart`` (by default: where no field
    list was chosen, i.e. ``fields`` is None or the whole v1 list in order, as eval/score.py
    without --fields), the v1.1 fields the gold carries are scored apart, each pairing
    patients on those fields alone (key "v1_1_fields"; not in the micro figure)."""
    chosen = list(FIELDS) if fields is None else list(fields)
    if v1_1_apart is None:
        v1_1_apart = chosen == list(FIELDS)
    gold_rows, pred_rows = load_records(gold), load_records(pred)
    result = score(gold_rows, pred_rows, chosen, only_gold)
    apart = v1_1_fields(gold_rows, chosen) if v1_1_apart else []
    if apart:
        result["v1_1_fields"] = score(gold_rows, pred_rows, apart, only_gold)["fields"]
    if texts_dir is not None:
        scored = [r for r in pred_rows if str(r.get("document_id")) in result["per_document_f1"]]
        result["evidence"] = check_evidence(scored, texts_dir)
    return result


def format_report(result: dict) -> str:
    """The result as a plain-text table: cases, per-field P R F1 tp fp fn, the weakest
    documents, evidence validity and coverage where checked, the v1.1 fields scored apart,
    and the micro line (the text eval/score.py prints)."""
    c = result["cases"]
    lines = [f"documents {result['documents']}  gold cases {c['gold']}  predicted cases {c['pred']}  "
             f"paired {c['paired']}",
             f"{'field':26} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for f, m in result["fields"].items():
        lines.append(f"{f:26} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
                     f"{m['tp']:4d} {m['fp']:4d} {m['fn']:4d}")
    worst = sorted(result["per_document_f1"].items(), key=lambda kv: kv[1])[:5]
    lines.append("weakest documents: " + ", ".join(f"{d} {v:.2f}" for d, v in worst))
    if "evidence" in result:
        e = result["evidence"]
        lines.append(f"evidence spans valid: {e['valid']}/{e['total']}; "
                     f"set fields with evidence: {e['fields_with_evidence']}/{e['fields_set']}")
        lines += [f"  invalid: {line}" for line in e["examples_invalid"]]
    for f, m in result.get("v1_1_fields", {}).items():
        lines.append(f"v1.1 {f:21} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
                     f"{m['tp']:4d} {m['fp']:4d} {m['fn']:4d}  (not in the micro figure)")
    m = result["micro"]
    lines.append(f"overall micro P {m['precision']:.3f} R {m['recall']:.3f} F1 {m['f1']:.3f}")
    return "\n".join(lines) + "\n"
