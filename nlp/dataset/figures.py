"""figures/: PNG plots of a run's dataset (matplotlib, Agg backend, no display needed)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from nlp.schema import LEVELS
from nlp.dataset.csvio import temporary_name
from nlp.dataset.fields import REGIONS, region_of
from nlp.dataset.load import read_options

FIGURES_DIR = "figures"
MAX_COMBINATIONS = 30  # the most patients first; the rest are named in the title
REGION_COLOURS = {"cervical": "#4c72b0", "thoracic": "#dd8452", "lumbar": "#55a868", "sacral": "#8172b3"}
PRE, POST = "#4c72b0", "#dd8452"
# the rates drawn as forest plots from synthesis.csv, with their titles
FOREST_MEASURES = {"resolved_or_improved": "Resolved or improved", "recurrence": "Recurrence",
                   "any_complication": "Any complication"}
SMALL = "#9aa2b1"


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                         "figure.dpi": 110, "savefig.dpi": 110})
    return plt


def _save(fig, path: Path) -> Path:
    tmp = temporary_name(path)
    fig.savefig(tmp, format="png", bbox_inches="tight")
    os.replace(tmp, path)
    return path


def _no_data(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])


def _top(combinations: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    top = combinations.head(MAX_COMBINATIONS)
    rest = len(combinations) - len(top)
    return top, (f" (the {len(top)} largest of {len(combinations)} combinations)" if rest > 0 else "")


def _label(combination: str) -> str:
    return combination.replace("+", " + ")


def patients_per_combination(plt, combinations: pd.DataFrame, path: Path) -> Path:
    top, note = _top(combinations)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.28 * max(len(top), 1)))
    if top.empty:
        _no_data(ax, "no patient with a treatment")
    else:
        y = np.arange(len(top))
        ax.barh(y, top["n_patients"], color="#4c72b0")
        ax.set_yticks(y, [_label(c) for c in top["combination"]])
        ax.invert_yaxis()
        for yi, (n, docs) in enumerate(zip(top["n_patients"], top["n_documents"])):
            ax.text(n, yi, f" {n} ({docs} doc{'s' if docs != 1 else ''})", va="center", fontsize=8)
        ax.set_xlim(0, top["n_patients"].max() * 1.25)
        ax.set_xlabel("patients")
    ax.set_title(f"Patients per treatment combination{note}", loc="left")
    return _save(fig, path)


def vas_by_combination(plt, cases: pd.DataFrame, combinations: pd.DataFrame, path: Path) -> Path:
    scored = combinations[(combinations["vas_pre_n"] > 0) | (combinations["vas_post_n"] > 0)]
    top, note = _top(scored)
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.34 * max(len(top), 1)))
    if top.empty:
        _no_data(ax, "no pain score in the run")
    else:
        for yi, row in enumerate(top.itertuples()):
            group = cases[cases["combination"] == row.combination]
            jitter = np.linspace(-0.2, 0.2, len(group)) if len(group) > 1 else np.zeros(len(group))
            ax.scatter(group["vas_pre"], yi + jitter, s=16, color=PRE, alpha=0.45, linewidths=0, zorder=2)
            ax.scatter(group["vas_post"], yi + jitter, s=16, color=POST, alpha=0.45, linewidths=0, zorder=2)
            pre, post = row.vas_pre_median, row.vas_post_median
            if pd.notna(pre) and pd.notna(post):
                ax.annotate("", xy=(post, yi), xytext=(pre, yi),
                            arrowprops={"arrowstyle": "->", "color": "#333333", "lw": 1.2})
            if pd.notna(pre):
                ax.plot(pre, yi, "o", color=PRE, markersize=8, markeredgecolor="white", zorder=3)
            if pd.notna(post):
                ax.plot(post, yi, "o", color=POST, markersize=8, markeredgecolor="white", zorder=3)
        ax.set_yticks(np.arange(len(top)), [f"{_label(r.combination)}  (n={r.vas_pre_n}/{r.vas_post_n})"
                                            for r in top.itertuples()])
        ax.invert_yaxis()
        ax.set_xlim(-0.3, 10.3)
        ax.set_xticks(range(0, 11))
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel("pain score, VAS/NRS 0-10 (large dots: medians; small dots: patients)")
        ax.plot([], [], "o", color=PRE, label="before treatment")
        ax.plot([], [], "o", color=POST, label="after treatment (last report)")
        axes_inches = fig.get_figheight() * ax.get_position().height
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.55 / axes_inches), ncol=2, frameon=False, fontsize=8)
    ax.set_title(f"Pain before and after treatment, per combination (n = before/after){note}", loc="left")
    return _save(fig, path)


def follow_up(plt, cases: pd.DataFrame, path: Path) -> Path:
    months = cases["follow_up_months"].dropna()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    if months.empty:
        _no_data(ax, "no follow-up stated in the run")
        ax.set_title("Follow-up", loc="left")
    else:
        width = 6 if months.max() <= 180 else 12
        edges = np.arange(0, months.max() + width + 1e-9, width)
        ax.hist(months, bins=edges, color="#55a868", edgecolor="white")
        median = float(months.median())
        ax.axvline(median, color="#333333", linestyle="--", linewidth=1)
        ax.text(median, ax.get_ylim()[1] * 0.95, f" median {median:g} months", va="top", fontsize=8)
        ax.set_xlabel(f"follow-up, months ({width}-month bins)")
        ax.set_ylabel("patients")
        ax.set_title(f"Follow-up of the {len(months)} patients with follow-up stated "
                     f"(of {len(cases)})", loc="left")
    return _save(fig, path)


def level_distribution(plt, cases: pd.DataFrame, path: Path) -> Path:
    counts = {level: 0 for level in LEVELS}
    for levels in cases["levels"]:
        for level in set(levels if levels is not None else []):
            counts[level] += 1
    fig, ax = plt.subplots(figsize=(5.5, 7.5))
    with_levels = sum(1 for levels in cases["levels"] if levels is not None and len(levels))
    if not with_levels:
        _no_data(ax, "no vertebral level in the run")
    else:
        y = np.arange(len(LEVELS))
        colours = [REGION_COLOURS[region_of(level)] for level in LEVELS]
        ax.barh(y, [counts[level] for level in LEVELS], color=colours)
        ax.set_yticks(y, LEVELS, fontsize=7)
        ax.invert_yaxis()
        for yi, level in enumerate(LEVELS):
            if counts[level]:
                ax.text(counts[level], yi, f" {counts[level]}", va="center", fontsize=7)
        from matplotlib.patches import Patch
        ax.legend(handles=[Patch(color=colour, label=region) for region, colour in REGION_COLOURS.items()],
                  loc="lower right", frameon=False)
        ax.set_xlabel("patients whose lesion involves the vertebra")
    ax.set_title(f"Levels along the spine ({with_levels} patients with levels stated)", loc="left")
    return _save(fig, path)


def forest_rows(synthesis: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(the combinations drawn, ranked ones first then the small samples; the 'all' row; a note on
    what was left out) for one rate of synthesis.csv."""
    rows = synthesis[(synthesis["measure"] == measure) & (synthesis["denominator"] > 0)]
    combinations = rows[rows["grouping"] == "combination"]
    ranked = combinations[combinations["rank"].notna()].sort_values(["rank", "denominator"],
                                                                    ascending=[True, False], kind="stable")
    small = combinations[combinations["rank"].isna()].sort_values("denominator", ascending=False, kind="stable")
    drawn = pd.concat([ranked, small]).head(MAX_COMBINATIONS)
    note = (f" (the first {len(drawn)} of {len(combinations)} combinations)"
            if len(combinations) > len(drawn) else "")
    return drawn, rows[rows["grouping"] == "all"], note


def forest(plt, synthesis: pd.DataFrame, measure: str, path: Path) -> Path:
    """One rate per combination: the proportion and its Clopper-Pearson 95 % interval, events/n
    beside; small samples (fewer than 3 patients) in grey below the others, not ranked."""
    drawn, pooled, note = forest_rows(synthesis, measure)
    title = FOREST_MEASURES[measure]
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.3 * (len(drawn) + len(pooled))))
    if drawn.empty:
        _no_data(ax, "no combination whose reports address it")
    else:
        labels = []
        for y, row in enumerate(drawn.itertuples()):
            colour = SMALL if row.small_sample else "#1d2430"
            ax.plot([row.ci_low, row.ci_high], [y, y], color=colour, lw=1.3, zorder=2)
            ax.plot(row.estimate, y, "s" if not row.small_sample else "o", color=colour,
                    markerfacecolor=colour if not row.small_sample else "white", markersize=6, zorder=3)
            mark = "  (n<3, not ranked)" if row.small_sample else ""
            labels.append(f"{_label(row.combination)}  {row.events}/{row.denominator}{mark}")
        for row in pooled.itertuples():
            y = len(labels)
            ax.plot([row.ci_low, row.ci_high], [y, y], color="#c62828", lw=1.3)
            ax.plot(row.estimate, y, "D", color="#c62828", markersize=7)
            labels.append(f"all patients pooled  {row.events}/{row.denominator}")
        ranked = int(drawn["rank"].notna().sum())
        if 0 < ranked < len(drawn):
            ax.axhline(ranked - 0.5, color=SMALL, lw=0.8, ls=":")
        ax.set_yticks(np.arange(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(-0.02, 1.02)
        ax.grid(axis="x", color="#eeeeee")
        ax.set_xlabel("proportion of the patients whose report addresses it, with its exact (Clopper-Pearson) "
                      "95 % interval")
    ax.set_title(f"{title}, per treatment combination{note}", loc="left")
    return _save(fig, path)


def write_figures(outdir: Path) -> list[Path]:
    """The run's figures, written into ``outdir/figures``; returns their paths."""
    outdir = Path(outdir)
    folder = outdir / FIGURES_DIR
    folder.mkdir(exist_ok=True)
    cases = pd.read_parquet(outdir / "cases.parquet",
                            columns=["combination", "levels", "vas_pre", "vas_post", "follow_up_months"])
    combinations = pd.read_csv(outdir / "combinations.csv", keep_default_na=False, na_values=[""])
    plt = _pyplot()
    paths = []
    try:
        paths.append(patients_per_combination(plt, combinations, folder / "patients_per_combination.png"))
        plt.close("all")
        paths.append(vas_by_combination(plt, cases, combinations, folder / "vas_by_combination.png"))
        plt.close("all")
        paths.append(follow_up(plt, cases, folder / "follow_up.png"))
        plt.close("all")
        paths.append(level_distribution(plt, cases, folder / "levels.png"))
        synthesis = pd.read_csv(outdir / "synthesis.csv", **read_options("synthesis"))
        for measure in FOREST_MEASURES:
            plt.close("all")
            paths.append(forest(plt, synthesis, measure, folder / f"forest_{measure}.png"))
    finally:
        plt.close("all")
    return paths


assert set(REGION_COLOURS) == set(REGIONS.values())
