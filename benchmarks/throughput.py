"""Throughput and memory of ``caseminer extract`` as a user runs it, against bare tokenisation (issue 14).

    .venv/bin/python benchmarks/throughput.py            # mixed 600, e3c 1,000 and 9,919 (about 5 minutes on 2 cores)
    .venv/bin/python benchmarks/throughput.py --quick    # mixed 200, e3c 300 and 1,000

Two corpora, written as .txt files into a temporary folder:

- mixed: the texts of ../shared/corpus/dev and maccrobat_dev (and the project's corpora/ examples),
  repeated with new ids (and a one-line marker, so no copy is a duplicate) to N files;
- e3c: the texts of ../shared/corpus/e3c/cases.jsonl, one file each (the first N, and all of them).

For each: ``caseminer extract`` run as a subprocess with 2 workers (start-up, worker start,
extraction, tables and the Hugging Face dataset all included), its peak RSS (the whole process tree,
sampled every 50 ms), bare ``spacy.blank("en")`` tokenisation of the same texts in this process, and
the ratio of the two. Then PDF documents/s (PDFs made with fpdf2 from some of the texts).

Writes the first section of ``benchmarks/results.md`` (machine, versions, command, table), keeping
the sections after it.
"""
from __future__ import annotations

import argparse
import json
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


SHARED = ROOT.parent / "shared" / "corpus"
SECTION_END = "\n## "  # results.md: this script owns the text before the first second-level heading


def mixed_texts() -> list[str]:
    folders = [ROOT / "corpora" / "examples", SHARED / "dev" / "texts", SHARED / "maccrobat_dev" / "texts"]
    texts = []
    for folder in folders:
        if folder.is_dir():
            texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
    return [t for t in texts if t.strip()]


def e3c_texts(limit: int) -> list[str]:
    path = SHARED / "e3c" / "cases.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path}: not found (the e3c corpus is needed)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for _, line in zip(range(limit), fh)]


def write_corpus(folder: Path, texts: list[str], n: int, mark: bool) -> list[str]:
    """N files from ``texts`` (repeated where N is larger; ``mark``: a copy line keeps repeats apart)."""
    folder.mkdir(parents=True)
    written = []
    for i in range(n):
        text = texts[i % len(texts)]
        if mark:
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


def measure(tmp: Path, name: str, texts: list[str]) -> dict:
    corpus = tmp / name
    seconds, peak = run_extract(corpus, 2, tmp / "out")
    floor = tokenise(texts)
    shutil.rmtree(corpus)
    row = {"n": len(texts), "words": sum(len(t.split()) for t in texts), "seconds": seconds, "peak": peak,
           "floor": floor, "ratio": seconds / floor}
    print(f"{name}: {seconds:.1f} s, {row['n'] / seconds:.1f} docs/s, peak RSS {peak / 2**20:.0f} MiB, "
          f"tokenisation {floor:.2f} s, ratio {row['ratio']:.1f}x", file=sys.stderr, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="mixed 200, e3c 300 and 1,000")
    parser.add_argument("--pdfs", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args()
    n_mixed, e3c_small, e3c_large = (200, 300, 1000) if args.quick else (600, 1000, 10**9)
    sources = mixed_texts()
    e3c = e3c_texts(e3c_large)
    with tempfile.TemporaryDirectory(prefix="caseminer-bench-") as tmp:
        tmp = Path(tmp)
        tokenise(sources[:20])  # spaCy's first call loads its tables: not the floor's to pay
        mixed = measure(tmp, "mixed", write_corpus(tmp / "mixed", sources, n_mixed, mark=True))
        small = measure(tmp, "e3c-small", write_corpus(tmp / "e3c-small", e3c, e3c_small, mark=False))
        large = measure(tmp, "e3c", write_corpus(tmp / "e3c", e3c, len(e3c), mark=False))
        build_pdfs(tmp / "pdfs", sources, args.pdfs)
        pdf_seconds, _ = run_extract(tmp / "pdfs", 2, tmp / "out")

    def row(label: str, m: dict) -> str:
        return (f"| {label} | {m['n']:,} | {m['seconds']:.1f} s ({m['n'] / m['seconds']:.0f} documents/s, "
                f"{m['words'] / m['seconds']:,.0f} words/s) | {m['peak'] / 2**20:,.0f} MiB | {m['floor']:.2f} s | "
                f"**{m['ratio']:.1f}×** |")

    command = " ".join(["python", "benchmarks/throughput.py", *sys.argv[1:]])
    lines = ["# Throughput of `caseminer extract`", "",
             f"- machine: {machine()}", f"- versions: {versions()}", f"- command: `{command}`",
             "- every extract time is `caseminer extract DIR -o OUT --workers 2` as a user runs it (a subprocess: "
             "start-up, workers, tables and dataset included); tokenisation is `spacy.blank(\"en\")` over the "
             "same texts in one process", "",
             "| corpus | files | extract, 2 workers | peak RSS | bare tokenisation | ratio |",
             "|---|---|---|---|---|---|",
             row("mixed: ../shared/corpus/dev and maccrobat_dev texts repeated", mixed),
             row("e3c: the first texts of ../shared/corpus/e3c", small),
             row("e3c: all texts of ../shared/corpus/e3c", large), "",
             f"- peak RSS, e3c {large['n']:,} / {small['n']:,} files: {large['peak'] / small['peak']:.2f}×",
             f"- PDF: {args.pdfs} PDFs (fpdf2, from the mixed texts), 2 workers: {pdf_seconds:.1f} s, "
             f"{args.pdfs / pdf_seconds:.1f} documents/s", ""]
    kept = ""
    if args.out.is_file():
        old = args.out.read_text(encoding="utf-8")
        kept = old[old.index(SECTION_END) + 1:] if SECTION_END in old else ""
    args.out.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
