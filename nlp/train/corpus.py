"""A training corpus: span documents split BY DOCUMENT into train/validation/test, each
document as words (with offsets) and word-level BIO tags, saved as a ``datasets.DatasetDict``
with a card (README.md) of label counts per split."""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from nlp.train.spans import SpanDoc
from nlp.train.words import bio_tags, non_overlapping, split_words

SPLITS = ("train", "validation", "test")


@dataclass
class BuildSummary:
    documents: dict[str, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    counts: dict[str, Counter] = field(default_factory=dict)
    dropped_overlaps: int = 0


def parse_split(text: str) -> tuple[float, float, float]:
    try:
        parts = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise ValueError(f"--split must be three numbers such as 0.8,0.1,0.1, not {text!r}") from None
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise ValueError(f"--split must be three non-negative numbers such as 0.8,0.1,0.1, not {text!r}")
    total = sum(parts)
    return tuple(p / total for p in parts)  # type: ignore[return-value]


def split_ids(ids: Sequence[str], fractions: tuple[float, float, float], seed: int) -> dict[str, list[str]]:
    """Documents shuffled with ``seed``, cut by fractions; validation and test get at least one
    document each when their fraction is non-zero and there are documents to spare."""
    ids = sorted(ids)
    random.Random(seed).shuffle(ids)
    n = len(ids)
    n_val = round(n * fractions[1])
    n_test = round(n * fractions[2])
    if fractions[1] > 0 and n_val == 0 and n >= 3:
        n_val = 1
    if fractions[2] > 0 and n_test == 0 and n >= 3:
        n_test = 1
    n_train = max(0, n - n_val - n_test)
    return {"train": ids[:n_train], "validation": ids[n_train:n_train + n_val], "test": ids[n_train + n_val:]}


def label_list(labels: Sequence[str]) -> list[str]:
    return ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]


def build_corpus(docs: list[SpanDoc], out: Path, labels: Optional[Sequence[str]] = None,
                 fractions: tuple[float, float, float] = (0.8, 0.1, 0.1), seed: int = 13,
                 source: str = "") -> BuildSummary:
    from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence as Seq, Value
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()

    if len({d.id for d in docs}) != len(docs):
        dup = next(i for i, c in Counter(d.id for d in docs).items() if c > 1)
        raise ValueError(f"document id {dup!r} appears twice")
    wanted = set(labels) if labels else None
    summary = BuildSummary()
    chosen = sorted({s["label"] for d in docs for s in d.spans if wanted is None or s["label"] in wanted})
    if labels:
        chosen = [label for label in labels if label in set(chosen)] + [
            label for label in labels if label not in set(chosen)]
    summary.labels = chosen
    names = label_list(chosen)
    features = Features({"id": Value("string"), "text": Value("string"),
                         "words": Seq(Value("string")), "starts": Seq(Value("int32")), "ends": Seq(Value("int32")),
                         "ner_tags": Seq(ClassLabel(names=names)),
                         "spans": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string")}]})
    by_id = {d.id: d for d in docs}
    parts = split_ids(list(by_id), fractions, seed)
    splits = {}
    for split in SPLITS:
        rows = {k: [] for k in features}
        counts: Counter = Counter()
        for doc_id in parts[split]:
            doc = by_id[doc_id]
            spans = [s for s in doc.spans if s["label"] in set(chosen)]
            words, starts, ends = split_words(doc.text)
            tags, dropped = bio_tags(starts, ends, spans)
            summary.dropped_overlaps += dropped
            kept, _ = non_overlapping(spans)
            counts.update(s["label"] for s in kept)
            for key, value in (("id", doc.id), ("text", doc.text), ("words", words), ("starts", starts),
                               ("ends", ends), ("ner_tags", tags), ("spans", spans)):
                rows[key].append(value)
        splits[split] = Dataset.from_dict(rows, features=features)
        summary.documents[split] = len(parts[split])
        summary.counts[split] = counts
    out = Path(out)
    DatasetDict(splits).save_to_disk(str(out))
    (out / "labels.json").write_text(json.dumps(chosen, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(card(summary, source, fractions, seed), encoding="utf-8")
    return summary


def card(summary: BuildSummary, source: str, fractions, seed: int) -> str:
    lines = ["# Span corpus", "", f"Source: `{source}`  ", f"Split by document: "
             f"{', '.join(f'{s} {f:.2f}' for s, f in zip(SPLITS, fractions))} (seed {seed})  ",
             f"Spans dropped for overlapping another (the earlier, longer one is kept): {summary.dropped_overlaps}",
             "", "Word-level BIO tags (`ner_tags`) over a whitespace/punctuation word split (`words`, `starts`, "
             "`ends` are character offsets into `text`).", "",
             "| label | " + " | ".join(SPLITS) + " |", "|---|" + "---:|" * len(SPLITS),
             "| documents | " + " | ".join(str(summary.documents.get(s, 0)) for s in SPLITS) + " |"]
    for label in summary.labels:
        lines.append(f"| {label} | " + " | ".join(str(summary.counts[s][label]) for s in SPLITS) + " |")
    return "\n".join(lines) + "\n"


def run_folder_hint(source: Path) -> Optional[str]:
    """The one-line advice when ``source`` is a run's folder (``caseminer extract -o``) rather than
    spans: its evidence becomes spans with ``caseminer corpus silver``; None for anything else."""
    source = Path(source)
    if (source.is_dir() and (source / "cases.jsonl").is_file() and (source / "manifest.jsonl").is_file()
            and not any(source.glob("*.txt"))):
        return (f"{source} is a run folder (cases.jsonl, manifest.jsonl), not spans; make spans from it first: "
                f"caseminer corpus silver {source} -o spans.jsonl")
    return None


def load_corpus(path: Path):
    from datasets import load_from_disk
    path = Path(path)
    if not (path / "dataset_dict.json").is_file():
        raise FileNotFoundError(f"not a corpus folder (no dataset_dict.json; see caseminer corpus build): {path}")
    return load_from_disk(str(path))


def corpus_fingerprint(path: Path) -> dict:
    """Fingerprints of the saved splits (datasets' own) and a sha256 over their data files."""
    import hashlib
    path = Path(path)
    digest = hashlib.sha256()
    for f in sorted(path.rglob("*.arrow")):
        digest.update(f.relative_to(path).as_posix().encode())
        digest.update(f.read_bytes())
    splits = {}
    for split in SPLITS:
        state = path / split / "state.json"
        if state.is_file():
            splits[split] = json.loads(state.read_text(encoding="utf-8")).get("_fingerprint")
    return {"path": str(path), "sha256": digest.hexdigest(), "splits": splits}
