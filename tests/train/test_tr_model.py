import json

import pytest
from typer.testing import CliRunner


def cli_app():
    import typer

    from nlp.train.commands import register
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        pass
    register(app)
    return app


def test_tiny_model_saves_safetensors_only_and_reloads(tiny_model):
    from nlp.train.modeldir import LoadedModel
    from nlp.train.predict import predict_spans
    names = sorted(p.name for p in tiny_model.iterdir())
    for required in ("model.safetensors", "config.json", "tokenizer.json", "label_map.json", "metrics.json",
                     "training_args.json", "data_fingerprint.json", "versions.json", "README.md"):
        assert required in names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth", ".pkl", ".ckpt"))]
    assert not [p for p in tiny_model.iterdir() if p.is_dir()]  # no checkpoints left behind
    assert json.loads((tiny_model / "label_map.json").read_text()) == {"Age": "age_years", "Level": None,
                                                                       "Sex": "sex"}
    loaded = LoadedModel(tiny_model)
    assert loaded.labels[0] == "O" and "B-Age" in loaded.labels
    text = "A 33-year-old woman presented with back pain. " * 6  # longer than one window
    spans = predict_spans(loaded, text)
    assert all(0 <= s["start"] < s["end"] <= len(text) and 0 < s["score"] <= 1 for s in spans)
    assert {"Age", "Sex"} & {s["label"] for s in spans}


def test_loading_refuses_pickled_weights(tiny_model, tmp_path):
    import shutil

    from nlp.train.modeldir import LoadedModel
    from nlp.train.safeload import ModelFolderError, check_model_dir
    bad = tmp_path / "bad"
    shutil.copytree(tiny_model, bad)
    (bad / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(ModelFolderError, match="pickled weights \\(pytorch_model.bin\\)"):
        LoadedModel(bad)
    (bad / "pytorch_model.bin").unlink()
    (bad / "model.safetensors").unlink()
    with pytest.raises(ModelFolderError, match="no model.safetensors"):
        check_model_dir(bad)
    result = CliRunner().invoke(cli_app(), ["evaluate-model", "--model", str(bad), "--data", str(tmp_path)])
    assert result.exit_code != 0


def test_evaluate_model_prints_per_label(tiny_model, tiny_corpus):
    result = CliRunner().invoke(cli_app(), ["evaluate-model", "--model", str(tiny_model), "--data", str(tiny_corpus)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("test split")
    for label in ("Age", "Sex", "Level", "micro"):
        assert any(line.split()[0] == label and len(line.split()) == 5 for line in lines[2:]), label


def test_train_cli_small(tiny_corpus, tmp_path):
    result = CliRunner().invoke(cli_app(), ["train", "--data", str(tiny_corpus), "-o", str(tmp_path / "m"),
                                            "--epochs", "1", "--hidden-size", "32", "--layers", "1",
                                            "--max-length", "32", "--stride", "4"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "m" / "metrics.json").read_text())
    assert metrics["epochs_run"] == 1 and "f1" in metrics["validation"]
    args = json.loads((tmp_path / "m" / "training_args.json").read_text())
    assert args["load_best_model_at_end"] is True and args["caseminer"]["hidden_size"] == 32
