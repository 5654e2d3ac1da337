import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SENTENCES = [
    ("A {age}-year-old {sex} presented with back pain.", "age", "sex"),
    ("The patient, a {sex} aged {age}, had a lesion of T{level}.", "sex", "age"),
]
SEXES = ["man", "woman", "boy", "girl"]


def make_docs(n: int = 16):
    """Tiny span documents with Age and Sex spans (and a Level label tied to no field)."""
    from nlp.train.spans import SpanDoc
    docs = []
    for i in range(n):
        age, sex, level = str(20 + 3 * i), SEXES[i % 4], str(1 + i % 12)
        text, spans = "", []
        for template, *_ in SENTENCES * 2:
            piece = template
            for key, value, label in (("{age}", age, "Age"), ("{sex}", sex, "Sex"), ("{level}", level, "Level")):
                at = piece.find(key)
                if at >= 0:
                    piece = piece.replace(key, value, 1)
                    # spans are placed after all replacements below
            start_of_piece = len(text)
            text += piece + " "
            for value, label in ((f"{age}-year-old" if "year-old" in piece else age, "Age"), (sex, "Sex"),
                                 (f"T{level}", "Level")):
                at = piece.find(value) if label != "Sex" else _word_at(piece, sex)
                if at >= 0 and (label != "Level" or "lesion" in piece):
                    spans.append({"start": start_of_piece + at, "end": start_of_piece + at + len(value),
                                  "label": label})
        docs.append(SpanDoc(f"doc{i:02d}", text.strip(), spans))
    return docs


def _word_at(text: str, word: str) -> int:
    import re
    m = re.search(rf"\b{word}\b", text)
    return m.start() if m else -1


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    from nlp.train.corpus import build_corpus
    out = tmp_path_factory.mktemp("corpus") / "data"
    build_corpus(make_docs(12), out, fractions=(0.75, 0.125, 0.125), seed=1)
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_corpus, tmp_path_factory):
    """A tiny BERT (hidden 32) trained on the tiny corpus."""
    from nlp.train.trainer import TrainConfig, train_model
    out = tmp_path_factory.mktemp("models") / "tiny"
    cfg = TrainConfig(epochs=int(os.environ.get("CASEMINER_TINY_EPOCHS", "8")), lr=5e-3, hidden_size=32, layers=1,
                      heads=2, intermediate_size=64, vocab_size=200, max_length=64, stride=8, batch_size=8,
                      patience=12)
    train_model(tiny_corpus, out, cfg, log=lambda m: None)
    return out
