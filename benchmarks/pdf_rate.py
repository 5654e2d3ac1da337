"""PDF reading rate: documents/s and s per page of ``read_path`` over PDFs, in N worker processes.

    python benchmarks/pdf_rate.py FOLDER... [--workers 2] [--repeat 3]

Run it with PYTHONPATH set to the checkout to measure (e.g. before and after a change).
"""
from __future__ import annotations

import argparse
import time
from multiprocessing import Pool
from pathlib import Path


def _read(path: str) -> int:
    from nlp.ingest import read_path
    return int(read_path(Path(path))[0].metadata["pages"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = [str(p) for folder in args.folders for p in sorted(folder.glob("*.pdf"))] * args.repeat
    with Pool(args.workers) as pool:
        pool.map(_read, files[:args.workers])  # imports done before the clock starts
        start = time.perf_counter()
        pages = sum(pool.map(_read, files, chunksize=1))
        seconds = time.perf_counter() - start
    print(f"{len(files)} PDFs, {pages} pages, {args.workers} workers: {seconds:.2f} s; "
          f"{len(files) / seconds:.1f} PDFs/s; {seconds * args.workers / pages:.3f} s per page per worker")


if __name__ == "__main__":
    main()
