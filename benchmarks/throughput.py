"""Throughput and memory of ``caseminer extract`` as a user runs it (issue 6).

    .venv/bin/python benchmarks/throughput.py            # N = 1,000 and 10,000 (about 15 minutes on 2 cores)
    .venv/bin/python benchmarks/throughput.py --quick    # N = 200 and 1,000

Builds a corpus of N plain-text reports in a temporary folder from every text at hand
(corpora/examples, corpora/heldout*, ../shared/corpus/dev and maccrobat_dev when present), repeated
with new ids (and a one-line marker, so no copy is a duplicate) to reach N, then measures:

- documents/s and words/s of ``caseminer extract`` run as a subprocess (start-up, worker start,
  extraction, tables and the Hugging Face dataset all included), with 1 and 2 workers;
- the floor: bare ``spacy.blank("en")`` tokenisation of the same texts, in this process, and the ratio;
- peak RSS of the whole process tree (the command and its workers, sampled every 50 ms) at each N;
- PDF documents/s (PDFs made with fpdf2 from some of the texts) and abstract-length (150-400 words)
  documents/s on 2 workers.

Writes ``benchmarks/results.md`` (machine, versions, command, table).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CASEMINER = Path(sys.executable).with_name("caseminer")


def source_texts() -> list[str]:
    folders = [ROOT / "corpora" / "examples", *sorted((ROOT / "corpora").glob("heldout*/texts")),
               ROOT.parent / "shared" / "corpus" / "dev" / "texts",
               ROOT.parent / "shared" / "corpus" / "maccrobat_dev" / "texts"]
    texts = []
    for folder in folders:
        if folder.is_dir():
            texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    return [t for t in texts if t.strip()]


def build_corpus(folder: Path, texts: list[str], n: int, words: tuple[int, int] | None = None) -> list[str]:
    folder.mkdir(parents=True)
    written = []
    for i in range(n):
        text = texts[i % len(texts)]
        if words:  # abstract length: the first 150-400 words
            tokens = text.split()
            text = " ".join(tokens[: words[0] + (i * 37) % (words[1] - words[0] + 1)])
        text = f"{text}\n\n[benchmark copy {i}]\n"
        (folder / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
        written.append(text)
    return written


def build_pdfs(folder: Path, texts: list[str], n: int) -> None:
    from fpdf import FPDF
    folder.mkdir(parents=True)
    for i in range(n):
        pdf = FPDF()
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        text = texts[i % len(texts)].encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, text)
        pdf.output(str(folder / f"doc{i:06d}.pdf"))


def run_extract(corpus: Path, workers: int, out: Path) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of the whole process tree of one ``caseminer extract``."""
    shutil.rmtree(out, ignore_errors=True)
    command = [str(CASEMINER), "extract", str(corpus), "-o", str(out), "--no-progress", "--workers", str(workers)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 3):
        raise SystemExit(f"caseminer failed: {process.stderr.read().decode()}")
    return seconds, peak


def tokenise(texts: list[str]) -> float:
    import spacy
    nlp = spacy.blank("en")
    nlp.max_length = 10_000_000
    started = time.perf_counter()
    for text in texts:
        nlp.make_doc(text)
    return time.perf_counter() - started


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{platform.system()} {platform.release()}, {cpu}, {usable} usable cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB memory")


def versions() -> str:
    import importlib.metadata as md
    parts = [f"Python {platform.python_version()}"]
    for name in ("spacy", "scispacy", "dask", "distributed"):
        try:
            parts.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        parts.append(f"caseminer {rev}{' (with uncommitted changes)' if dirty else ''}")
    except OSError:
        pass
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 1,000 instead of 1,000 and 10,000")
    parser.add_argument("--sizes", type=int, nargs=2, metavar=("SMALL", "LARGE"))
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--abstracts", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    small, large = args.sizes or ((200, 1000) if args.quick else (1000, 10000))
    texts = source_texts()
    rows: list[tuple[str, str]] = []
    notes: list[str] = []

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="caseminer-bench-") as tmp:
        tmp = Path(tmp)
        measured = {}
        for n in (small, large):
            corpus_texts = build_corpus(tmp / f"corpus{n}", texts, n)
            words = sum(len(t.split()) for t in corpus_texts)
            floor = tokenise(corpus_texts)
            del corpus_texts
            for workers in ((1, 2) if n == small else (2,)):
                seconds, peak = run_extract(tmp / f"corpus{n}", workers, tmp / "out")
                measured[(n, workers)] = (seconds, peak)
                log(f"N={n} workers={workers}: {seconds:.1f} s, {n / seconds:.1f} docs/s, peak RSS {peak / 2**20:.0f} MiB")
                rows.append((f"extract, N = {n:,}, {workers} worker{'s' if workers > 1 else ''}",
                             f"{seconds:.1f} s; {n / seconds:.1f} documents/s; {words / seconds:,.0f} words/s; "
                             f"peak RSS {peak / 2**20:,.0f} MiB"))
            rows.append((f"bare `spacy.blank(\"en\")` tokenisation, N = {n:,}",
                         f"{floor:.2f} s ({words:,} words); extract (2 workers) / tokenisation = "
                         f"{measured[(n, 2)][0] / floor:.0f}×"))
            shutil.rmtree(tmp / f"corpus{n}")
        speedup = measured[(small, 1)][0] / measured[(small, 2)][0]
        rows.append((f"2 workers / 1 worker, N = {small:,}", f"{speedup:.2f}× faster"))
        rss_ratio = measured[(large, 2)][1] / measured[(small, 2)][1]
        rows.append((f"peak RSS, N = {large:,} / N = {small:,}", f"{rss_ratio:.2f}×"))

        abstracts = build_corpus(tmp / "abstracts", texts, args.abstracts, words=(150, 400))
        a_words = sum(len(t.split()) for t in abstracts)
        seconds, peak = run_extract(tmp / "abstracts", 2, tmp / "out")
        log(f"abstracts: {seconds:.1f} s")
        rows.append((f"abstract-length (150–400 words), N = {args.abstracts:,}, 2 workers",
                     f"{seconds:.1f} s; {args.abstracts / seconds:.1f} documents/s; {a_words / seconds:,.0f} words/s"))

        build_pdfs(tmp / "pdfs", texts, args.pdfs)
        seconds, peak = run_extract(tmp / "pdfs", 2, tmp / "out")
        log(f"pdfs: {seconds:.1f} s")
        rows.append((f"PDF, N = {args.pdfs:,}, 2 workers", f"{seconds:.1f} s; {args.pdfs / seconds:.1f} documents/s"))

    command = " ".join(["python", "benchmarks/throughput.py", *sys.argv[1:]])
    lines = ["# Throughput of `caseminer extract`", "",
             f"- machine: {machine()}", f"- versions: {versions()}", f"- command: `{command}`",
             f"- corpus: {len(texts)} source texts repeated with new ids; every time is `caseminer extract` as "
             "a user runs it (a subprocess: start-up, workers, tables and dataset included)", "",
             "| measure | result |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows], ""]
    args.out.write_text("\n".join(lines + notes), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
