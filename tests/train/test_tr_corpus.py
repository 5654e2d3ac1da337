from conftest import make_docs

from nlp.train.corpus import build_corpus, corpus_fingerprint, load_corpus, split_ids
from nlp.train.words import bio_tags, split_words, tags_to_spans


def test_words_and_bio_alignment():
    text = "A 28-year-old man, T12."
    words, starts, ends = split_words(text)
    assert words == ["A", "28", "-", "year", "-", "old", "man", ",", "T12", "."]
    assert all(text[s:e] == w for w, s, e in zip(words, starts, ends))
    spans = [{"start": 2, "end": 13, "label": "Age"}, {"start": 14, "end": 17, "label": "Sex"},
             {"start": 14, "end": 22, "label": "Long"}]  # overlaps Sex: dropped
    tags, dropped = bio_tags(starts, ends, spans)
    assert tags == ["O", "B-Age", "I-Age", "I-Age", "I-Age", "I-Age", "B-Long", "I-Long", "I-Long", "O"] or \
        tags == ["O", "B-Age", "I-Age", "I-Age", "I-Age", "I-Age", "B-Sex", "O", "O", "O"]
    assert dropped == 1
    back = tags_to_spans(tags, starts, ends)
    assert (back[0]["start"], back[0]["end"], back[0]["label"]) == (2, 13, "Age")


def test_split_is_by_document_and_card(tmp_path):
    docs = make_docs(20)
    out = tmp_path / "data"
    summary = build_corpus(docs, out, labels=["Age", "Sex"], fractions=(0.8, 0.1, 0.1), seed=3)
    corpus = load_corpus(out)
    ids = {split: set(corpus[split]["id"]) for split in ("train", "validation", "test")}
    assert [len(ids[s]) for s in ("train", "validation", "test")] == [16, 2, 2]
    assert not (ids["train"] & ids["test"]) and not (ids["train"] & ids["validation"])
    assert summary.labels == ["Age", "Sex"]
    names = corpus["train"].features["ner_tags"].feature.names
    assert names == ["O", "B-Age", "I-Age", "B-Sex", "I-Sex"]
    row = corpus["train"][0]
    tags = [names[t] for t in row["ner_tags"]]
    assert len(tags) == len(row["words"]) == len(row["starts"])
    for span in row["spans"]:
        i = row["starts"].index(span["start"])
        assert tags[i] == "B-" + span["label"]
    card = (out / "README.md").read_text()
    assert "| Age |" in card and "| documents | 16 | 2 | 2 |" in card and "Level" not in card
    assert split_ids([d.id for d in docs], (0.8, 0.1, 0.1), 3) == split_ids([d.id for d in docs][::-1],
                                                                              (0.8, 0.1, 0.1), 3)
    assert corpus_fingerprint(out)["sha256"] == corpus_fingerprint(out)["sha256"]


def test_corpus_build_cli(tmp_path):
    import json

    from typer.testing import CliRunner

    from test_tr_model import cli_app
    path = tmp_path / "spans.jsonl"
    path.write_text("\n".join(json.dumps(d.to_json()) for d in make_docs(10)) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app(), ["corpus", "build", str(path), "-o", str(tmp_path / "c"),
                                            "--labels", "Age,Sex", "--split", "0.6,0.2,0.2"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "dataset_dict.json").is_file()
    bad = CliRunner().invoke(cli_app(), ["corpus", "build", str(path), "-o", str(tmp_path / "d"), "--split", "x"])
    assert bad.exit_code == 2
