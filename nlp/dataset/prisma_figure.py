"""The PRISMA 2020 flow diagram (new systematic reviews, databases and other sources merged in one
column): the boxes of the main flow on the left, what each stage removes on the right, the stages
named in bands along the left edge; written as SVG and PNG with matplotlib."""
from __future__ import annotations

import os
from pathlib import Path

from nlp.dataset.csvio import temporary_name

BAND = "#9fc5e8"
BOX_EDGE = "#333333"
# (stage, main box, side box): each a function of the counts giving the box's lines
STAGES = (
    ("Identification",
     lambda c: ["Records identified from:", f"Databases (n = {c['identified_databases']})",
                f"Other sources (n = {c['identified_other']})"],
     lambda c: ["Records removed before screening:", f"Duplicate records removed (n = {c['duplicates_removed']})"]),
    ("Screening",
     lambda c: [f"Records screened (n = {c['screened']})"],
     lambda c: [f"Records excluded (n = {c['records_excluded']})"]),
    ("",
     lambda c: [f"Reports sought for retrieval (n = {c['sought']})"],
     lambda c: [f"Reports not retrieved (n = {c['not_retrieved']})"]),
    ("",
     lambda c: [f"Reports assessed for eligibility (n = {c['assessed']})"],
     lambda c: ["Reports excluded:", f"Review (n = {c['excluded_review']})",
                f"Pooled series only (n = {c['excluded_pooled_only']})",
                f"No individual patient (n = {c['excluded_no_patient']})",
                f"Outside the protocol (n = {c['excluded_protocol']})",
                f"Failed to read (n = {c['excluded_failed']})"]),
    ("Included",
     lambda c: [f"Studies included in review (n = {c['studies_included']})",
                f"Patients included (n = {c['patients_included']})"],
     None),
)
LINE = 0.27  # height of a line of text, in figure units
PAD = 0.25


def draw_prisma(counts: dict[str, int], stem: Path) -> list[Path]:
    """``stem``.svg and ``stem``.png; returns their paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, Rectangle

    rows = [(stage, main(counts), side(counts) if side else None) for stage, main, side in STAGES]
    heights = [max(len(main), len(side or [])) * LINE + 2 * PAD for _, main, side in rows]
    gap = 0.45
    total = sum(heights) + gap * (len(rows) - 1)
    fig = plt.figure(figsize=(9, total * 0.62 + 0.4))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 10)
    ax.set_ylim(0, total + 0.2)
    ax.axis("off")

    def box(x: float, top: float, width: float, height: float, lines: list[str]) -> tuple[float, float]:
        ax.add_patch(Rectangle((x, top - height), width, height, facecolor="white", edgecolor=BOX_EDGE, lw=1))
        ax.text(x + 0.15, top - PAD, "\n".join(lines), va="top", ha="left", fontsize=8.5, linespacing=1.45)
        return x, top - height

    def arrow(start: tuple[float, float], end: tuple[float, float]) -> None:
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color=BOX_EDGE, lw=1))

    top = total + 0.1
    previous_bottom = None
    bands: list[tuple[str, float, float]] = []
    for (stage, main, side), height in zip(rows, heights):
        main_height = len(main) * LINE + 2 * PAD
        _, bottom = box(0.9, top, 4.4, main_height, main)
        if previous_bottom is not None:
            arrow((3.1, previous_bottom), (3.1, top))
        if side is not None:
            box(6.0, top, 3.8, len(side) * LINE + 2 * PAD, side)
            arrow((5.3, top - main_height / 2), (6.0, top - main_height / 2))
        bottom = top - height
        if stage or not bands:
            bands.append((stage, top, top - main_height))
        else:  # a stage's later boxes widen its band
            bands[-1] = (bands[-1][0], bands[-1][1], top - main_height)
        previous_bottom, top = top - main_height, bottom - gap
    for stage, band_top, band_bottom in bands:
        ax.add_patch(Rectangle((0.1, band_bottom), 0.5, band_top - band_bottom, facecolor=BAND, edgecolor="none"))
        ax.text(0.35, (band_top + band_bottom) / 2, stage, rotation=90, ha="center", va="center", fontsize=7.5,
                fontweight="bold")
    paths = []
    try:
        for suffix in ("svg", "png"):
            path = stem.with_suffix(f".{suffix}")
            tmp = temporary_name(path)
            fig.savefig(tmp, format=suffix, dpi=130)
            os.replace(tmp, path)
            paths.append(path)
    finally:
        plt.close(fig)
    return paths
