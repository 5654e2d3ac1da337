"""Strict span P/R/F1 (seqeval, IOB2) of a model on a corpus split, per label and micro,
over whole documents (each word's prediction merged across windows)."""
from __future__ import annotations

from pathlib import Path


class UnknownSplit(ValueError):
    """The corpus has no split of that name (a usage error: the message lists the splits it has)."""


def evaluate_model(model_dir: Path, data_dir: Path, split: str = "test") -> dict:
    from nlp.train.corpus import load_corpus
    from nlp.train.modeldir import LoadedModel
    from nlp.train.predict import predict_word_tags
    from nlp.train.trainer import seqeval_scores

    corpus = load_corpus(data_dir)
    if split not in corpus:
        raise UnknownSplit(f"the corpus has no {split!r} split (it has {', '.join(corpus)}): {data_dir}")
    data = corpus[split]
    names = data.features["ner_tags"].feature.names
    loaded = LoadedModel(model_dir)
    predicted = predict_word_tags(loaded, [list(w) for w in data["words"]])
    known = set(loaded.labels)
    true_tags = [[names[i] for i in row] for row in data["ner_tags"]]
    pred_tags = [[t if t in known else "O" for t in tags] for tags, _ in predicted]
    scores = seqeval_scores(true_tags, pred_tags)
    return {"split": split, "documents": len(data), "scores": scores,
            "labels": sorted({n[2:] for n in names if n != "O"})}


def format_scores(result: dict, labels: list[str] | None = None) -> str:
    scores = result["scores"]
    rows = labels or result["labels"]
    lines = [f"{result['split']} split, {result['documents']} documents (strict span match)",
             f"{'label':<28}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}"]
    for label in rows + ["micro avg"]:
        s = scores.get(label, {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0})
        name = "micro" if label == "micro avg" else label
        lines.append(f"{name:<28}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['support']:>9}")
    return "\n".join(lines) + "\n"
