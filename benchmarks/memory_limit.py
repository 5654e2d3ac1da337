"""Peak memory and time of one document at the size limit (issue 11).

    .venv/bin/python benchmarks/memory_limit.py            # caseminer extract, one worker, as a user runs it
    .venv/bin/python benchmarks/memory_limit.py --stages   # and, in this process, each pipeline stage

The document: every text at hand (as benchmarks/throughput.py gathers them) joined until it is
990,000 characters long, just under spaCy's limit of 1,000,000. ``extract``: seconds and peak RSS
of the whole process tree (the command and its worker, sampled every 50 ms). ``--stages``: the
same document through the worker's pipeline in this process, with the time of each component and
the growth of this process's peak RSS during it: where the memory goes.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import mixed_texts, run_extract  # noqa: E402


def document(chars: int) -> str:
    texts, parts, size = mixed_texts(), [], 0
    while size < chars:
        parts.append(texts[len(parts) % len(texts)] + "\n\n")
        size += len(parts[-1])
    return "".join(parts)[:chars]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def stages(text: str) -> None:
    import nlp.records as records
    from nlp.ingest.text import read_text
    from nlp.job import worker_pipeline

    warnings.simplefilter("ignore")
    doc = read_text(text.encode("utf-8"), "limit")
    nlp = worker_pipeline()
    print(f"pipeline built and warmed up: peak RSS {peak_mib():.0f} MiB\n")
    print("| stage | seconds | peak RSS after (MiB) |\n|---|---|---|")

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                print(f"| {name} | {time.perf_counter() - started:.1f} | {peak_mib():.0f} |", flush=True)
        return wrapper

    nlp.tokenizer = timed("tokenizer", nlp.tokenizer)
    for index, (name, component) in enumerate(list(nlp.pipeline)):
        nlp._components[index] = (name, timed(name, component))
    records.split_cases = timed("split into patients", records.split_cases)
    started = time.perf_counter()
    found = records.extract_records(nlp, doc)
    print(f"\nextract_records: {time.perf_counter() - started:.1f} s, {len(found)} records, "
          f"peak RSS {peak_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=990_000)
    parser.add_argument("--stages", action="store_true", help="also profile each stage in this process")
    args = parser.parse_args()
    text = document(args.chars)
    with tempfile.TemporaryDirectory(prefix="caseminer-limit-") as tmp:
        corpus = Path(tmp) / "in"
        corpus.mkdir()
        (corpus / "limit.txt").write_text(text, encoding="utf-8")
        seconds, peak = run_extract(corpus, 1, Path(tmp) / "out")
    print(f"caseminer extract, one {len(text):,}-character document, 1 worker: {seconds:.1f} s, "
          f"peak RSS {peak / 2**20:.0f} MiB (process tree)\n", flush=True)
    if args.stages:
        stages(text)


if __name__ == "__main__":
    main()
