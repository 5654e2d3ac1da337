"""dataset/: the run's cases and treatments as a Hugging Face ``datasets.DatasetDict`` with typed
features (from the tables' Parquet schemas), saved with ``save_to_disk``, and its dataset card."""
from __future__ import annotations

import hashlib
import os
import shutil
from collections import Counter
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pyarrow.parquet as pq

from nlp.schema import SCHEMA_VERSION
from nlp.dataset import OLD_DATASET_DIR
from nlp.dataset.codebook import codebook_rows
from nlp.dataset.csvio import write_text_atomic

DATASET_DIR = "dataset"
# split name -> the table whose columns it has
SPLIT_TABLES = {"cases": "cases.csv", "treatments": "treatments.csv"}


def _version() -> str:
    try:
        return metadata.version("caseminer")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    if path.exists():
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "\\|")


def dataset_card(outdir: Path, documents: dict, counts: dict) -> str:
    statuses = Counter(row.get("status", "") for row in documents.values())
    rows = codebook_rows()
    lines = ["---", "pretty_name: caseminer case records", "license: other",
             "language:", "- en", "tags:", "- medical", "- case-reports", "- spinal-tumours", "---", "",
             "# caseminer case records", "",
             "One record per patient of published case reports on spinal tumours (first of all aggressive "
             "vertebral hemangiomas), extracted by caseminer's rules: demographics, vertebral levels, "
             "treatments and their details, pain scores, follow-up and outcome.", "",
             "```python", "import datasets", f'ds = datasets.load_from_disk("{DATASET_DIR}")',
             'ds["cases"].to_pandas()', "```", "",
             "## Splits", "", "| split | rows | one row per |", "|---|---|---|",
             f"| cases | {counts.get('cases', 0)} | patient |",
             f"| treatments | {counts.get('treatments', 0)} | patient and treatment code |", "",
             f"{counts.get('documents', 0)} documents in the run ("
             + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) + f"); "
             f"{counts.get('combinations', 0)} treatment combinations (see combinations.csv beside this "
             "folder).", "",
             "Beside this folder too, for evidence synthesis: synthesis.csv (per treatment, combination "
             "and diagnosis, the rates of resolution or improvement, recurrence and complications with "
             "their denominators and exact 95 % intervals, and medians with quartiles; estimates over "
             "fewer than 3 patients are marked) and outcomes.csv (individual patient data, one row per "
             "patient and measure, with study, year, design, diagnosis, combination and follow-up). Case "
             "reports carry publication bias: the rates describe the published cases.", "",
             "## Provenance", "",
             f"- produced by caseminer {_version()}, case record schema v{SCHEMA_VERSION}, on "
             f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
             f"- from the run folder `{Path(outdir).resolve().name}`: cases.jsonl sha256 "
             f"`{_sha256(Path(outdir) / 'cases.jsonl')}`",
             "- values are machine-extracted, not curated: each carries a confidence in cases.jsonl and "
             "its evidence (the spans of text it came from); check them in report.html or with "
             "`caseminer review export`.", "",
             "## Licence", "",
             "The records are data extracted from the input documents, and the evidence quotes short spans "
             "of them. The documents keep their own licences and copyright: check each source's licence "
             "(the manifest lists every input) before you redistribute this dataset or its texts. "
             "caseminer itself is MIT-licensed.", ""]
    for split, table in SPLIT_TABLES.items():
        lines += [f"## Fields of `{split}`", "", "| column | type | unit | codes | meaning |", "|---|---|---|---|---|"]
        for row in (r for r in rows if r["table"] == table):
            lines.append("| " + " | ".join(_cell(row[k]) for k in ("column", "type", "unit", "codes", "meaning"))
                         + " |")
        lines.append("")
    return "\n".join(lines)


def write_dataset(outdir: Path, splits: dict[str, Path], documents: dict, counts: dict, workdir: Path) -> Path:
    """``outdir/dataset``: the splits (Parquet files) as a DatasetDict, replaced whole."""
    import datasets
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity_error()
    outdir = Path(outdir)
    cache = Path(workdir) / "hf-cache"
    built = {}
    for name, path in splits.items():
        features = datasets.Features.from_arrow_schema(pq.read_schema(path))
        if pq.read_metadata(path).num_rows == 0:  # the Parquet builder finds no data in an empty file
            built[name] = datasets.Dataset.from_dict({column: [] for column in features}, features=features)
        else:
            built[name] = datasets.Dataset.from_parquet(str(path), features=features, cache_dir=str(cache),
                                                        keep_in_memory=False)
    new = Path(workdir) / DATASET_DIR
    # one shard per 500 MB, and one for an empty split (which would otherwise be saved unreadable)
    shards = {name: max(1, ds.data.nbytes // 500_000_000 + 1) for name, ds in built.items()}
    datasets.DatasetDict(built).save_to_disk(str(new), num_shards=shards)
    write_text_atomic(new / "README.md", dataset_card(outdir, documents, counts))
    target = outdir / DATASET_DIR
    old = outdir / OLD_DATASET_DIR
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
    return target
