"""Training figures behind docs/training.md.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/train_maccrobat.py [--out outputs/train_maccrobat]
        [--epochs 40] [--max-length 256] [--silver]

1. MACCROBAT (100 reports of the shared corpus, brat, 41 entity types): corpus build (split by
   document 0.8/0.1/0.1, seed 13) -> the default small model (a BERT built from a config with a
   WordPiece vocabulary trained on the training split) -> strict span P/R/F1 on the test split.
   Then the rules alone and the rules plus the model on the test documents' age and sex
   (gold.jsonl of the corpus).
2. With --silver: silver spans from a rules run over the dev corpus -> a model of our own
   fields -> the rules alone and rules + model on corpora/heldout2 (never tuned on).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.evaluate import load_records, score  # noqa: E402
from nlp.train.corpus import build_corpus, load_corpus  # noqa: E402
from nlp.train.evaluate import evaluate_model, format_scores  # noqa: E402
from nlp.train.importers import load_span_docs  # noqa: E402
from nlp.train.silver import silver_docs  # noqa: E402
from nlp.train.trainer import TrainConfig, train_model  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"  # ../shared beside the repository
REPORTED = ["Age", "Sex", "Therapeutic_procedure", "Dosage", "Duration", "Volume", "Sign_symptom",
            "Biological_structure"]


def shown(path: Path) -> str:
    """A path as the docs name it: ../shared/... for the shared folder beside the repository."""
    try:
        return "../" + path.relative_to(ROOT.parent).as_posix()
    except ValueError:
        return str(path)


def records_for(texts: list[Path], model: Path | None) -> list[dict]:
    """Records of text files through the rules (and the model's component when given)."""
    from nlp.ingest import read_path
    from nlp.pipeline import build_pipeline
    from nlp.records import extract_records
    nlp = build_pipeline(model=model)
    rows = []
    for path in texts:
        for document in read_path(path):
            rows += [r.to_json() for r in extract_records(nlp, document)]
    return rows


def compare(gold_rows: list[dict], texts: list[Path], model: Path, fields: list[str], only_gold: bool) -> dict:
    found = {}
    for name, m in (("rules", None), ("rules + model", model)):
        started = time.time()
        found[name] = score(gold_rows, records_for(texts, m), fields, only_gold)
        found[name]["seconds"] = round(time.time() - started, 1)
    return found


def comparison_table(results: dict, fields: list[str]) -> list[str]:
    lines = ["| field | " + " | ".join(f"{n} P / R / F1" for n in results) + " |", "|---|" + "---|" * len(results)]
    for field in fields + ["micro"]:
        cells = []
        for result in results.values():
            m = result["micro"] if field == "micro" else result["fields"].get(field, {})
            cells.append(f"{m.get('precision', 0):.3f} / {m.get('recall', 0):.3f} / {m.get('f1', 0):.3f}")
        lines.append(f"| {field} | " + " | ".join(cells) + " |")
    return lines


def maccrobat(out: Path, cfg: TrainConfig) -> list[str]:
    brat = SHARED / "maccrobat_dev" / "brat"
    data, model = out / "maccrobat_corpus", out / "models" / "maccrobat"
    summary = build_corpus(load_span_docs(brat), data, source=str(brat))
    started = time.time()
    metrics = train_model(data, model, cfg)
    seconds = time.time() - started
    result = evaluate_model(model, data)
    table = format_scores(result, REPORTED)
    print(table)
    test_ids = set(load_corpus(data)["test"]["id"])
    gold = [r for r in load_records(SHARED / "maccrobat_dev" / "gold.jsonl") if r["document_id"] in test_ids]
    texts = sorted(SHARED / "maccrobat_dev" / "texts" / f"{i}.txt" for i in test_ids)
    versus = compare(gold, texts, model, ["age_years", "sex"], only_gold=True)
    all_labels = format_scores(result).splitlines()[2:-1]
    return ["## MACCROBAT: a small model from scratch", "",
            f"Corpus: `{shown(brat)}` (100 reports, {len(summary.labels)} entity types), split by document "
            f"{summary.documents['train']}/{summary.documents['validation']}/{summary.documents['test']} "
            f"(seed 13); {summary.dropped_overlaps} nested spans dropped (the earlier, longer one kept).", "",
            f"Model: BERT from a config, hidden {cfg.hidden_size}, {cfg.layers} layers, {cfg.heads} heads, WordPiece "
            f"vocabulary of {cfg.vocab_size} trained on the training split; max length {cfg.max_length} (stride "
            f"{cfg.stride}), learning rate {cfg.learning_rate}, at most {cfg.epochs} epochs with early stopping "
            f"(patience {cfg.patience}); {metrics['epochs_run']} epochs ran, best validation micro F1 "
            f"{metrics['validation']['f1']:.3f}.", "",
            f"Training time: {seconds / 60:.1f} min on {os.cpu_count()} CPU cores "
            f"({metrics['train_windows']} windows per epoch).", "",
            "Strict span match (seqeval, IOB2) on the test split:", "", "```", table.rstrip("\n"), "```", "",
            "<details><summary>All labels</summary>", "", "```", *all_labels, "```", "", "</details>", "",
            "Age and sex of the presenting patient on the test documents (`gold.jsonl`, only gold fields), "
            "the rules alone against the rules plus this model (label map Age → age_years, Sex → sex):", "",
            *comparison_table(versus, ["age_years", "sex"]), ""]


def silver(out: Path, cfg: TrainConfig) -> list[str]:
    run = out / "silverrun"
    subprocess.run([sys.executable, "-m", "nlp", "extract", str(SHARED / "dev" / "texts"), "-o", str(run),
                    "--no-progress"], check=False, capture_output=True)
    docs = silver_docs(run)
    data, model = out / "silver_corpus", out / "models" / "silver"
    summary = build_corpus(docs, data, source=str(run))
    started = time.time()
    metrics = train_model(data, model, cfg)
    seconds = time.time() - started
    result = evaluate_model(model, data)
    heldout = ROOT / "corpora" / "heldout2"
    gold = load_records(heldout / "gold.jsonl")
    from nlp.schema import FIELDS
    fields = [f for f in FIELDS if f in summary.labels]
    versus = compare(gold, sorted((heldout / "texts").glob("*")), model, fields, only_gold=False)
    return ["## Silver spans: the rules teaching a model", "",
            f"Silver spans from a rules run over `{shown(SHARED / 'dev' / 'texts')}` (`caseminer extract` then "
            f"`caseminer corpus silver`): {sum(len(d.spans) for d in docs)} spans in {len(docs)} documents, "
            f"{len(summary.labels)} field labels. Same small model, batch {cfg.batch_size}, patience {cfg.patience}; "
            f"{metrics['epochs_run']} epochs, "
            f"{seconds / 60:.1f} min; silver test-split micro F1 "
            f"{result['scores'].get('micro avg', {}).get('f1', 0):.3f} (agreement with the rules).", "",
            "On `corpora/heldout2` (gold, never tuned on), the rules alone against rules + model "
            "(model candidates at score × 0.6):", "", *comparison_table(versus, fields), ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "train_maccrobat")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "training.md")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--patience", type=int, default=6)
    parser.add_argument("--silver", action="store_true", help="also train on silver spans of the dev corpus")
    parser.add_argument("--silver-epochs", type=int, default=80,
                        help="the silver corpus is small (47 training documents): more, smaller steps")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"train_maccrobat.py: the shared corpus is not beside the repository: {SHARED}")
    cfg = TrainConfig(epochs=args.epochs, lr=args.lr, max_length=args.max_length, patience=args.patience)
    command = "HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/train_maccrobat.py " + " ".join(sys.argv[1:])

    def write(sections: list[str]) -> None:  # after each part: a long run leaves what it has
        doc = ["# Training figures", "", "Made by:", "", "```", command.strip(), "```", "", *sections]
        args.doc.write_text("\n".join(doc) + "\n", encoding="utf-8")

    sections = maccrobat(args.out, cfg)
    write(sections)
    if args.silver:
        silver_cfg = TrainConfig(epochs=args.silver_epochs, lr=args.lr, max_length=args.max_length, patience=15,
                                 batch_size=8)
        sections += silver(args.out, silver_cfg)
        write(sections)
    (args.out / "figures.json").write_text(json.dumps({"sections": sections}, indent=2), encoding="utf-8")
    print(f"written {args.doc}")


if __name__ == "__main__":
    main()
