"""Where the time of an extraction goes, stage by stage, over every text at hand (see
docs/performance.md). ``python benchmarks/profile_extract.py [--cprofile]``: in one process, no
start-up counted; each pipeline component, splitting into patients and assembly timed apart."""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import e3c_texts, mixed_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's top functions")
    parser.add_argument("--e3c", type=int, metavar="N", help="the first N texts of ../shared/corpus/e3c instead")
    args = parser.parse_args()
    import spacy

    import nlp.records as records
    from nlp.ingest.document import Document
    from nlp.ingest.text import read_text
    from nlp.pipeline import build_pipeline
    texts = e3c_texts(args.e3c) if args.e3c else mixed_texts()
    documents = [read_text(t.encode("utf-8"), f"d{i}") for i, t in enumerate(texts)]
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    nlp = build_pipeline()
    build = time.perf_counter() - started
    started = time.perf_counter()
    records.extract_records(nlp, documents[0])  # loads and compiles every family's patterns, once
    warm = time.perf_counter() - started
    blank = spacy.blank("en")
    started = time.perf_counter()
    for d in documents:
        blank.make_doc(d.text)
    floor = time.perf_counter() - started

    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.perf_counter() - t
        return wrapper

    nlp.tokenizer = timed("tokenizer (scispaCy rules)", nlp.tokenizer)
    for name, component in list(nlp.pipeline):
        index = nlp.pipe_names.index(name)
        nlp._components[index] = (name, timed(name, component))
    records.split_cases = timed("split into patients (nlp/cases.py, series)", records.split_cases)
    records.assemble = timed("assemble (nlp/assemble.py)", records.assemble)
    records.sentence_views = timed("sentence views", records.sentence_views)
    profiler = cProfile.Profile() if args.cprofile else None
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for d in documents:
        records.extract_records(nlp, Document(id=d.id, text=d.text, title=d.title, sections=d.sections))
    if profiler:
        profiler.disable()
    total = time.perf_counter() - started
    print(f"{len(documents)} documents, {words:,} words; pipeline built in {build:.1f} s, "
          f"patterns loaded and compiled by the first document in {warm:.1f} s")
    print(f"extraction {total:.2f} s ({len(documents) / total:.1f} documents/s); "
          f"bare spacy.blank('en') tokenisation {floor:.3f} s; ratio {total / floor:.0f}x\n")
    print("| stage | seconds | share |\n|---|---|---|")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds:.2f} | {100 * seconds / total:.0f}% |")
    rest = total - sum(spent.values())
    print(f"| other (candidates, patient fields) | {rest:.2f} | {100 * rest / total:.0f}% |")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
