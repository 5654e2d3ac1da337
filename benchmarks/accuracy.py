"""Extraction accuracy on every corpus with gold: the figures behind docs/accuracy.md.

    .venv/bin/python benchmarks/accuracy.py [--out outputs/accuracy] [--shared ../shared]

Runs `caseminer extract` over each corpus and scores it with nlp.evaluate (the same rules
as ../shared/eval/score.py; the v1.1 fields are scored apart where a gold file has them). The
shared dev corpus is also scored in two halves: the documents the rules were tuned on first,
and the rest, to show how much is tuning.
The project's held-out reports (corpora/heldout*, never tuned on) estimate how the rules
carry over to unseen writing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from nlp.evaluate import evaluate, format_report, load_records, score
from nlp.schema import FIELDS

ROOT = Path(__file__).resolve().parents[1]


def extract(texts: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "nlp", "extract", str(texts), "-o", str(out), "--no-progress"],
                   check=False, capture_output=True)


def dev_halves(gold: Path, pred: Path) -> dict[str, dict]:
    """Dev scored on its first half (seed, rw002–rw050, tbl01–tbl03) and its second."""
    gold_rows, pred_rows = load_records(gold), load_records(pred)
    ids = sorted({r["document_id"] for r in gold_rows})
    first = {d for d in ids if d.startswith("seed") or d <= "rw050" or "tbl01" <= d <= "tbl03"}
    halves = {}
    for name, keep in (("dev first half (tuned on)", first), ("dev second half", set(ids) - first)):
        halves[name] = score([r for r in gold_rows if r["document_id"] in keep],
                             [r for r in pred_rows if r["document_id"] in keep])
    return halves


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "outputs" / "accuracy")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    corpora = [("dev", args.shared / "corpus" / "dev", FIELDS, False),
               ("maccrobat_dev (age, sex)", args.shared / "corpus" / "maccrobat_dev", ["age_years", "sex"], True)]
    corpora += [(p.name, p, FIELDS, False) for p in sorted((ROOT / "corpora").glob("heldout*"))]
    summary = {}
    for name, corpus, fields, only_gold in corpora:
        if not (corpus / "gold.jsonl").exists():
            print(f"== {name}: not found, skipped")
            continue
        out = args.out / corpus.name
        extract(corpus / "texts", out)
        result = evaluate(corpus / "gold.jsonl", out, out / "texts", fields, only_gold)
        print(f"== {name}\n{format_report(result)}")
        summary[name] = result["micro"]["f1"]
        if corpus.name == "dev":
            for half, res in dev_halves(corpus / "gold.jsonl", out).items():
                summary[half] = res["micro"]["f1"]
    print("== micro-F1\n" + json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
