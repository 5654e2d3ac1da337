"""Mine what the extractors miss on real writing: sentences that hold a cue of a field family
(a level, a duration, a procedure, a recurrence or outcome word, an age or sex) where no value
of that family was extracted, grouped by their wording, most frequent first.

    python benchmarks/mine_misses.py --exclude ../blind/ids.txt --sample 2000 --work /tmp/mine
    python benchmarks/mine_misses.py --exclude ../blind/ids.txt --sample 0 --work /tmp/mine   # all
    python benchmarks/mine_misses.py --work /tmp/mine --reuse --families levels,durations \
        --context 3 --top 30 --examples 2 --json /tmp/mine/misses.json

What it does, step by step:

1. Reads the unlabelled real case texts (``--cases``, default ``../shared/corpus/e3c/cases.jsonl``
   found next to the repository: one JSON line each with ``id`` and ``text``), drops every id
   listed in the ``--exclude`` files (one id a line: the texts kept unread for measuring), keeps
   only the texts ``--only`` (a regex) finds, if given (``--only 'vertebr|spine|spinal'`` mines
   spinal reports), and a random sample of ``--sample`` of them (``--seed``; 0 keeps them all).
2. Writes them out as ``WORK/texts/<id>.txt`` and runs ``caseminer extract WORK/texts -o WORK/out``
   (``python -m nlp extract`` of this checkout, ``--workers``). ``--reuse`` skips both steps and
   reads the earlier run in WORK (so that only the grouping is redone).
3. For each document with a patient record, splits the text the run kept (``WORK/out/texts``, the
   text the evidence offsets index) into sentences, and for each family finds the sentences
   holding one of its cues (``CUES`` below; ``--cues patterns`` takes the family's ``triggers``
   from its pattern file instead, where it has them). A sentence is a *miss* of the family where
   none of the family's fields has an evidence span in it. By default the evidence is the
   record's (the values chosen, so a sentence whose value lost to another one also counts);
   ``--candidates`` also runs the rule pipeline in this process and counts every candidate the
   finders produced (blocked ones included), so that only sentences where no finder fired remain.
4. Groups the misses by a normalised wording: the cue with ``--context`` words either side,
   lower case, digits and number words as ``N``, vertebra codes as ``LEV`` ("an LEV burst fracture",
   "since N weeks"), and prints per family the groups with their counts (``--top``), each with
   ``--examples`` sentences (document id first). ``--json`` writes the whole grouping too.
   ``--no-patient`` also reads documents that came out without a record.

Read the groups as leads, not as a gold: a miss may be right (a level that is only instrumented,
a duration of a drug course). Fix the most frequent general causes, and never copy a sentence
into a pattern or a test.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.normalize.levels import LEVEL_RE  # noqa: E402
from nlp.normalize.numbers import NUMBER_RE  # noqa: E402

DEFAULT_CASES = ROOT.parent / "shared" / "corpus" / "e3c" / "cases.jsonl"

_TIME = r"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|fortnights?)"

# family -> (the fields whose evidence counts as "extracted", the pattern file of its triggers,
# the cue words of a sentence)
CUES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "levels": (("levels",), "levels",
               LEVEL_RE + r"|(?i:\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
               r"|twelfth)\s+(?:cervical|thoracic|dorsal|lumbar|sacral)\b|\b(?:cervical|thoracic|lumbar)\s+vertebra\s+\d)"),
    "durations": (("symptom_duration_months", "follow_up_months"), "follow_up",
                  rf"(?i:(?:{NUMBER_RE})[\s-]*{_TIME}\b(?![\s-]*(?:old|of\s+age|of\s+gestation))"
                  rf"|\b(?:the\s+(?:past|last|previous|following|next)|a|one)\s+(?:year|month|week)\b)"),
    "procedures": (("treatments",), "treatments",
                   r"(?i:\b\w*(?:ectom|plast|otom)\w*|\b(?:fixation|fusion|instrumentation|emboli[sz]\w*|radiotherap\w*"
                   r"|radiation|irradiat\w*|resect\w*|excis\w*|surgery|surgical|operat\w+|decompress\w*"
                   r"|chemotherap\w*|ablation|osteosynthesis|arthrodesis|curettage|injection)\b)"),
    "recurrence": (("recurrence",), "outcome",
                   r"(?i:\b(?:recur\w*|relaps\w*|regrow\w*|re-?growth|progress\w*|disease[\s-]free|free\s+of\s+disease"
                   r"|residual|enlarg\w*|grown|grew)\b)"),
    "outcome": (("outcome",), "outcome",
                r"(?i:\b(?:improv\w*|resol\w*|recover\w*|relie\w*|died|death|deceased|asymptomatic|symptom[\s-]free"
                r"|pain[\s-]free|well|worse\w*|deteriorat\w*|unchanged|persist\w*|normal\s+activit\w*)\b)"),
    "complications": (("complications",), "outcome",
                      r"(?i:\b(?:complicat\w*|leak\w*|embol(?:ism|us|i)\b|infect\w*|h(?:a)?ematoma|dehiscen\w*"
                      r"|deteriorat\w*|fistula|paralys\w*|weakness)\b)"),
    "demographics": (("age_years", "sex"), "demographics",
                     r"(?i:\b\d{1,3}[\s-]*(?:years?|yrs?|y)[\s-]*old\b|\b\d{1,3}\s*(?:yo|y/o|y\.o\.)|\b\d{1,3}\s*[MF]\b"
                     r"|\b(?:man|woman|male|female|boy|girl|lady|gentleman)\b)"),
}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_LEVEL = re.compile(LEVEL_RE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
                     r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty"
                     r"|sixty|seventy|eighty|ninety|hundred)\b", re.IGNORECASE)
_WORD = re.compile(r"[\w/'’-]+|[^\w\s]")


def _ids(paths: list[Path]) -> set[str]:
    return {line.strip() for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()}


def write_texts(cases: Path, exclude: set[str], sample: int, seed: int, folder: Path,
                only: re.Pattern | None = None) -> int:
    rows = []
    with cases.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] not in exclude and (only is None or only.search(row["text"])):
                rows.append((row["id"], row["text"]))
    if sample:
        rows = random.Random(seed).sample(rows, min(sample, len(rows)))
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for doc_id, text in rows:
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return len(rows)


def run_extract(texts: Path, out: Path, workers: int) -> None:
    subprocess.run([sys.executable, "-m", "nlp", "extract", str(texts), "-o", str(out), "--workers", str(workers),
                    "--no-progress"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def record_spans(out: Path) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """document -> field -> evidence spans of its records (every patient)."""
    spans: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    with (out / "cases.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for field, evidence in (record.get("evidence") or {}).items():
                spans[record["document_id"]][field] += [(e["start"], e["end"]) for e in evidence]
    return spans


def candidate_spans(texts: Path, documents: list[str]) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """document -> field -> spans of every candidate the rule pipeline finds (blocked ones too)."""
    from nlp.ingest import read_path
    from nlp.pipeline import annotate, build_pipeline
    nlp = build_pipeline()
    spans: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for doc_id in documents:
        for document in read_path(texts / f"{doc_id}.txt"):
            for c in annotate(nlp, document)._.candidates:
                spans[doc_id][c.field].append((c.start, c.end))
    return spans


def sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, text[start:m.start()]
        start = m.end()
    if start < len(text):
        yield start, text[start:]


def wording(sentence: str, cue: re.Match, context: int) -> str:
    """The cue with ``context`` words either side, lower case, numbers as N and levels as LEV."""
    before = _WORD.findall(sentence[:cue.start()])[-context:] if context else []
    after = _WORD.findall(sentence[cue.end():])[:context] if context else []
    words = " ".join(before + [cue.group(0)] + after)
    # vertebra codes first (they are case-sensitive), then lower case, then numbers
    pieces = re.split(f"({LEVEL_RE})", words)
    words = "".join("LEV" if i % 2 else _NUMBER.sub("N", piece.lower()) for i, piece in enumerate(pieces))
    return re.sub(r"\s+", " ", words).strip()


def pattern_cue(pattern_family: str) -> re.Pattern | None:
    from nlp.patterns import load_patterns
    return load_patterns(pattern_family).get("gate")


def mine(work: Path, families: list[str], context: int, cue_source: str, use_candidates: bool,
         no_patient: bool) -> dict[str, dict]:
    out, texts = work / "out", work / "texts"
    spans = record_spans(out)
    kept = out / "texts"
    documents = sorted(p.stem for p in texts.glob("*.txt"))
    if not no_patient:
        documents = [d for d in documents if d in spans]
    if use_candidates:
        found = candidate_spans(texts, documents)
        for doc_id, fields in found.items():
            for field, more in fields.items():
                spans[doc_id][field] += more
    cues = {}
    for family in families:
        fields, pattern_family, regex = CUES[family]
        gate = pattern_cue(pattern_family) if cue_source == "patterns" else None
        cues[family] = (fields, gate or re.compile(regex))
    result: dict[str, dict] = {}
    for family, (fields, cue_re) in cues.items():
        groups: dict[str, list[str]] = defaultdict(list)
        with_cue = missed = 0
        for doc_id in documents:
            path = kept / f"{doc_id}.txt"
            text = path.read_text(encoding="utf-8") if path.exists() else (texts / f"{doc_id}.txt").read_text(
                encoding="utf-8")
            taken = [s for f in fields for s in spans.get(doc_id, {}).get(f, [])]
            for start, sentence in sentences(text):
                first = cue_re.search(sentence)
                if not first:
                    continue
                with_cue += 1
                end = start + len(sentence)
                if any(a < end and b > start for a, b in taken):
                    continue
                missed += 1
                shown = f"{doc_id}: {' '.join(sentence.split())[:240]}"
                for m in cue_re.finditer(sentence):
                    groups[wording(sentence, m, context)].append(shown)
        ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        result[family] = {"fields": list(fields), "sentences_with_cue": with_cue, "missed": missed,
                          "groups": [{"wording": k, "count": len(v), "examples": v} for k, v in ranked]}
    return result


def report(result: dict[str, dict], top: int, examples: int) -> None:
    for family, found in result.items():
        print(f"\n== {family} ({', '.join(found['fields'])}): {found['missed']} of "
              f"{found['sentences_with_cue']} sentences with a cue have no value")
        for group in found["groups"][:top]:
            print(f"{group['count']:5d}  {group['wording']}")
            for example in list(dict.fromkeys(group["examples"]))[:examples]:
                print(f"         {example}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="JSON lines with id and text")
    parser.add_argument("--exclude", type=Path, action="append", default=[], help="file of ids to leave out")
    parser.add_argument("--sample", type=int, default=1000, help="texts to sample (0: all)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", help="keep only the texts this regex finds (case-insensitive), e.g. spine words")
    parser.add_argument("--work", type=Path, required=True, help="folder for texts/ and out/")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="read the earlier run in WORK")
    parser.add_argument("--families", default=",".join(CUES), help=f"comma-separated, of: {', '.join(CUES)}")
    parser.add_argument("--cues", choices=("script", "patterns"), default="script",
                        help="the cue lists of this script, or the pattern files' triggers where they exist")
    parser.add_argument("--candidates", action="store_true", help="count every candidate, not only the evidence")
    parser.add_argument("--no-patient", action="store_true", help="also read documents without a record")
    parser.add_argument("--context", type=int, default=2, help="words either side of the cue in a wording")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--examples", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the whole grouping here")
    args = parser.parse_args()
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in CUES]
    if unknown:
        parser.error(f"unknown families: {', '.join(unknown)}")
    if not args.reuse:
        only = re.compile(args.only, re.IGNORECASE) if args.only else None
        written = write_texts(args.cases, _ids(args.exclude), args.sample, args.seed, args.work / "texts", only)
        print(f"{written} texts written to {args.work / 'texts'}; extracting ...", file=sys.stderr)
        run_extract(args.work / "texts", args.work / "out", args.workers)
    result = mine(args.work, families, args.context, args.cues, args.candidates, args.no_patient)
    report(result, args.top, args.examples)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
