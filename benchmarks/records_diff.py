"""Extract the shared corpora and compare the records with an earlier snapshot, byte for byte.

A behaviour-preserving change (a restructuring, a speed-up) must leave every cases.jsonl as it was:

    python benchmarks/records_diff.py snapshot /tmp/before          # before the change
    python benchmarks/records_diff.py snapshot /tmp/after           # after it
    python benchmarks/records_diff.py compare /tmp/before /tmp/after

Corpora: ../shared/corpus/{dev,real_dev,maccrobat_dev}/texts, ../shared/corpus/formats and the first
``--e3c N`` texts of ../shared/corpus/e3c written out as .txt files (default 1,000).
"""
from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
CORPORA = ("dev", "real_dev", "maccrobat_dev", "formats", "e3c")
COMPARED = ("cases.jsonl", "manifest.jsonl")


def _inputs(name: str, e3c: int) -> Path:
    if name == "formats":
        return SHARED / "formats"
    if name != "e3c":
        return SHARED / name / "texts"
    folder = Path(tempfile.gettempdir()) / f"caseminer-e3c-{e3c}"  # one place: manifests name it alike
    folder.mkdir(parents=True, exist_ok=True)
    with (SHARED / "e3c" / "cases.jsonl").open(encoding="utf-8") as fh:
        for _, line in zip(range(e3c), fh):
            row = json.loads(line)
            (folder / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    return folder


def snapshot(out: Path, e3c: int, workers: int) -> None:
    caseminer = Path(sys.executable).with_name("caseminer")
    for name in CORPORA:
        inputs = _inputs(name, e3c)
        subprocess.run([str(caseminer), "extract", str(inputs), "-o", str(out / name), "--workers", str(workers)],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"{name}: {sum(1 for _ in (out / name / 'cases.jsonl').open(encoding='utf-8'))} records")


def compare(before: Path, after: Path) -> int:
    differing = 0
    for name in CORPORA:
        for file in COMPARED:
            a, b = before / name / file, after / name / file
            old = a.read_text(encoding="utf-8").splitlines() if a.exists() else []
            new = b.read_text(encoding="utf-8").splitlines() if b.exists() else []
            if old == new:
                print(f"{name}/{file}: identical ({len(new)} lines)")
                continue
            differing += 1
            print(f"{name}/{file}: DIFFERS")
            for line in list(difflib.unified_diff(old, new, lineterm="", n=0))[:20]:
                print("   ", line[:300])
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--e3c", type=int, default=1000)
    snap.add_argument("--workers", type=int, default=2)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out, args.e3c, args.workers)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
