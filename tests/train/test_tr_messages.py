"""What `train`, `evaluate-model` and `corpus build` tell a user: the kept epoch on the last line,
nothing on stdout, progress within an epoch, and usage errors (exit 2) that say what to do."""
import json

import pytest
from typer.testing import CliRunner

from nlp.cli import app


@pytest.mark.slow
def test_train_last_line_names_the_kept_epoch_and_stdout_stays_empty(tiny_corpus, tmp_path, capfd, monkeypatch):
    import nlp.train.trainer as trainer
    monkeypatch.setattr(trainer, "PROGRESS_SECONDS", 0.0)  # every step of an epoch is "long enough"
    out = tmp_path / "m"
    result = CliRunner().invoke(app, ["train", "--data", str(tiny_corpus), "-o", str(out), "--epochs", "3",
                                      "--lr", "5e-3", "--batch-size", "4", "--hidden-size", "32", "--layers", "1",
                                      "--max-length", "32", "--stride", "4"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and capfd.readouterr().out == ""  # not even the tokenizer trainer's blank lines
    metrics = json.loads((out / "metrics.json").read_text())
    history = metrics["history"]
    assert [round(h["epoch"]) for h in history] == [1, 2, 3]
    kept = next(h for h in history if h["step"] == int(metrics["best_checkpoint"].split("-")[1]))
    assert metrics["best_epoch"] == round(kept["epoch"])
    kept_now = metrics["validation"]  # the kept checkpoint evaluated again: the kept epoch's figures
    assert kept_now["epoch"] == metrics["best_epoch"]
    assert kept_now["f1"] == pytest.approx(kept["eval_f1"], abs=1e-3)
    lines = result.stderr.splitlines()
    assert lines[-1] == (f"model in {out}; best epoch {metrics['best_epoch']} of 3 kept: validation F1 "
                         f"{kept_now['f1']:.3f} (precision {kept_now['precision']:.3f}, recall "
                         f"{kept_now['recall']:.3f}, loss {kept_now['loss']:.3f})")
    steps = (metrics["train_windows"] + 3) // 4
    assert lines[0].startswith(f"epoch 1 of 3: step 1 of {steps} (") and "steps/s" in lines[0]
    assert [line for line in lines if line.startswith("epoch 3:")] == [
        f"epoch 3: validation loss {history[2]['eval_loss']:.3f}, F1 {history[2]['eval_f1']:.3f}"]
    assert "" not in lines


def test_evaluate_model_unknown_split_exits_2_and_lists_the_splits(tiny_corpus, tmp_path):
    result = CliRunner().invoke(app, ["evaluate-model", "--model", str(tmp_path / "no-model"),
                                      "--data", str(tiny_corpus), "--split", "dev"])
    assert result.exit_code == 2
    assert result.stderr == (f"caseminer: the corpus has no 'dev' split (it has train, validation, test): "
                             f"{tiny_corpus}\n")


def test_corpus_build_on_a_run_folder_exits_2_and_points_to_corpus_silver(tmp_path):
    run = tmp_path / "run"
    (run / "texts").mkdir(parents=True)
    (run / "texts" / "a.txt").write_text("A 45-year-old woman.", encoding="utf-8")
    (run / "cases.jsonl").write_text("", encoding="utf-8")
    (run / "manifest.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "build", str(run), "-o", str(tmp_path / "corpus")])
    assert result.exit_code == 2
    assert result.stderr == (f"caseminer: {run} is a run folder (cases.jsonl, manifest.jsonl), not spans; make spans "
                             f"from it first: caseminer corpus silver {run} -o spans.jsonl\n")
    assert not (tmp_path / "corpus").exists()
