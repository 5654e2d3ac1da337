"""The dataset commands through typer, as caseminer registers them."""
import csv

import typer
from typer.testing import CliRunner

from nlp.dataset.commands import register
from tinyrun import write_run

app = typer.Typer()


@app.command()
def placeholder() -> None:  # a second command, so that typer keeps command names as on caseminer
    pass


register(app)
runner = CliRunner()


def test_report_review_and_aggregate_commands(tmp_path):
    run = write_run(tmp_path / "run")
    result = runner.invoke(app, ["report", str(run), "--flag-below", "0.9"])
    assert result.exit_code == 0, result.output
    assert (run / "report.html").exists() and (run / "cases.csv").exists()

    review = tmp_path / "review.csv"
    assert runner.invoke(app, ["review", "export", str(run), "-o", str(review)]).exit_code == 0
    with review.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[1]["corrected_value"] = "unknown"  # a/1 sex
    with review.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(app, ["review", "import", str(review), "-o", str(tmp_path / "gold.jsonl")])
    assert result.exit_code == 1
    assert "line 3 (a case 1, sex): 'unknown' is not one of: female male" in result.output

    result = runner.invoke(app, ["aggregate", str(run), str(run), "-o", str(tmp_path / "merged")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "merged" / "combinations.csv").exists()

    result = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "not a caseminer run folder" in result.output
