"""The same reports as plain text, JATS XML and PDF: are the records the same? (issue 12)

    PYTHONPATH=<checkout> python benchmarks/format_parity.py [--texts DIR] [--gold FILE]
        [--out outputs/format_parity] [--layouts ruled,two_column] [--workers 2]

Renders each text of ``--texts`` (default ../shared/corpus/dev/texts) with
``corpora/render_reports.py`` to JATS (paragraphs, sections from the headings, its tables as
``<table>`` markup) and to PDF (fpdf2; default layouts: ``ruled``, one column with ruled tables,
and ``two_column``, two columns with a running head and page numbers, tables across both), the
document id as the file name stem; runs ``caseminer extract`` on each format's folder and scores
it with ../shared/eval/score.py (evidence checked against the run's ``texts/``). One line per
format: micro P/R/F1, evidence spans valid, documents/s of the whole ``caseminer extract`` run
(start-up and tables included, ``--workers`` processes) and, for PDF, seconds per page of
``read_path`` alone (one process).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_SPEC = importlib.util.spec_from_file_location("render_reports", ROOT / "corpora" / "render_reports.py")
render = sys.modules.setdefault("render_reports", importlib.util.module_from_spec(_SPEC))
_SPEC.loader.exec_module(render)


def extract(folder: Path, out: Path, workers: int) -> float:
    """Seconds of one ``caseminer extract`` run (a subprocess, as a user runs it)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nlp", "extract", str(folder), "-o", str(out), "--no-progress",
                    "--workers", str(workers)], check=False, capture_output=True)
    return time.perf_counter() - start


def score(score_py: Path, gold: Path, run: Path) -> dict:
    done = subprocess.run([sys.executable, str(score_py), "--gold", str(gold), "--pred", str(run),
                           "--texts", str(run / "texts"), "--json"], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def read_rate(folder: Path) -> tuple[int, float]:
    """(pages, seconds) of ``read_path`` over the PDFs of ``folder``, in this process."""
    from nlp.ingest import read_path

    files = sorted(folder.glob("*.pdf"))
    read_path(files[0])  # imports and first-use costs before the clock
    pages = 0
    start = time.perf_counter()
    for path in files:
        pages += int(read_path(path)[0].metadata["pages"])
    return pages, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=Path, default=SHARED / "corpus" / "dev" / "texts")
    parser.add_argument("--gold", type=Path, default=SHARED / "corpus" / "dev" / "gold.jsonl")
    parser.add_argument("--score", type=Path, default=SHARED / "eval" / "score.py")
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "format_parity")
    parser.add_argument("--layouts", default="ruled,two_column", help="PDF layouts of corpora/render_reports.py")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folders = render.render_by_format(args.texts, args.out / "rendered", tuple(args.layouts.split(",")))
    print(f"{'format':16} {'P':>6} {'R':>6} {'F1':>6}  {'evidence valid':>15}  {'docs/s':>6}  {'s/page (read)':>13}")
    results = {}
    for name, folder in folders.items():
        run = args.out / "runs" / name
        seconds = extract(folder, run, args.workers)
        result = score(args.score, args.gold, run)
        documents = sum(1 for _ in folder.iterdir())
        micro, evidence = result["micro"], result["evidence"]
        per_page = ""
        if name.startswith("pdf"):
            pages, read_seconds = read_rate(folder)
            per_page = f"{read_seconds / pages:.3f} ({pages} p)"
        results[name] = micro["f1"]
        print(f"{name:16} {micro['precision']:6.3f} {micro['recall']:6.3f} {micro['f1']:6.3f}  "
              f"{evidence['valid']:>7}/{evidence['total']:<7}  {documents / seconds:6.2f}  {per_page:>13}", flush=True)
    text = results.get("text")
    if text is not None:
        gaps = ", ".join(f"{name} {f1 - text:+.3f}" for name, f1 in results.items() if name != "text")
        print(f"F1 against text: {gaps} (goals: JATS >= -0.01, PDF >= -0.02)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
