"""Words with their character offsets, and word-level BIO tags from character spans."""
from __future__ import annotations

import re
from typing import Iterable

WORD_RE = re.compile(r"\w+|[^\w\s]")


def split_words(text: str) -> tuple[list[str], list[int], list[int]]:
    """Runs of letters/digits and single punctuation marks: (words, starts, ends)."""
    words, starts, ends = [], [], []
    for m in WORD_RE.finditer(text):
        words.append(m.group(0))
        starts.append(m.start())
        ends.append(m.end())
    return words, starts, ends


def non_overlapping(spans: Iterable[dict]) -> tuple[list[dict], int]:
    """Spans with no two overlapping (earliest first, longer first at one start); and how many were dropped."""
    kept: list[dict] = []
    dropped = 0
    for span in sorted(spans, key=lambda s: (s["start"], -(s["end"] - s["start"]), s["label"])):
        if kept and span["start"] < kept[-1]["end"]:
            dropped += 1
            continue
        kept.append(span)
    return kept, dropped


def bio_tags(starts: list[int], ends: list[int], spans: Iterable[dict]) -> tuple[list[str], int]:
    """One tag per word: B-/I-label for words a span overlaps, O elsewhere. Overlapping spans
    keep the earlier (then longer) one; returns the tags and the number of spans dropped."""
    tags = ["O"] * len(starts)
    kept, dropped = non_overlapping(spans)
    i = 0
    for span in kept:
        while i < len(starts) and ends[i] <= span["start"]:
            i += 1
        j, first = i, True
        while j < len(starts) and starts[j] < span["end"]:
            tags[j] = ("B-" if first else "I-") + span["label"]
            first = False
            j += 1
        if first:
            dropped += 1  # covered no word (only blanks)
    return tags, dropped


def tags_to_spans(tags: list[str], starts: list[int], ends: list[int],
                  scores: list[float] | None = None) -> list[dict]:
    """Character spans from BIO tags (an I- without its B- starts a span); the score of a span
    is the mean of its words' scores."""
    spans: list[dict] = []
    current = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current["label"] == label:
            current["end"] = ends[i]
            current["_scores"].append(scores[i] if scores else 1.0)
            continue
        if current is not None:
            spans.append(current)
            current = None
        if prefix in ("B", "I"):
            current = {"start": starts[i], "end": ends[i], "label": label,
                       "_scores": [scores[i] if scores else 1.0]}
    if current is not None:
        spans.append(current)
    for span in spans:
        values = span.pop("_scores")
        span["score"] = sum(values) / len(values)
    return spans
