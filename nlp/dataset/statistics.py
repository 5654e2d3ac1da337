"""The summary statistics of the tables: proportions with 95 % intervals, medians with quartiles.

Intervals come from statsmodels (``proportion_confint``), never from a formula written here.
The interval of record is the exact Clopper-Pearson one: the groups of a case-report synthesis are
small (most below ten patients), where the Wilson score interval's coverage falls below 95 % for
some true proportions while Clopper-Pearson's never does (Newcombe 1998, Stat Med 17:857), and it
is the interval R's ``meta::metaprop`` draws for each study by default (``method.ci = "CP"``), so a
reviewer's own forest plot shows the same limits. The Wilson score interval (narrower, its mean
coverage close to 95 %) is given beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

LEVEL = 0.95
# the interval methods, by the name the tables use -> statsmodels' name
METHODS = {"clopper-pearson": "beta", "wilson": "wilson"}
DIGITS = 4  # proportions and their limits
MEDIAN_DIGITS = 2


@lru_cache(maxsize=4096)  # a table asks for the same few counts over and over; each costs milliseconds
def interval(events: int, n: int, method: str = "clopper-pearson") -> tuple[float, float]:
    """The two-sided 95 % interval of ``events`` / ``n`` (n > 0) by ``method`` (see METHODS)."""
    from statsmodels.stats.proportion import proportion_confint
    if not 0 <= events <= n or n <= 0:
        raise ValueError(f"no proportion of {events} in {n}")
    low, high = proportion_confint(events, n, alpha=1 - LEVEL, method=METHODS[method])
    # floating point can leave a limit a hair outside [0, 1]
    return min(max(float(low), 0.0), 1.0), min(max(float(high), 0.0), 1.0)


@dataclass(frozen=True)
class Proportion:
    """``events`` of ``n`` patients; the estimate and limits are None when n is 0."""
    events: int
    n: int
    estimate: float | None = None
    low: float | None = None  # Clopper-Pearson
    high: float | None = None
    wilson_low: float | None = None
    wilson_high: float | None = None


def proportion(events: int, n: int) -> Proportion:
    """``events`` / ``n`` with its Clopper-Pearson and Wilson 95 % limits, rounded to 4 places."""
    if n == 0:
        return Proportion(events, n)
    low, high = interval(events, n, "clopper-pearson")
    wilson_low, wilson_high = interval(events, n, "wilson")
    return Proportion(events, n, *(round(x, DIGITS) for x in (events / n, low, high, wilson_low, wilson_high)))


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (linear interpolation, numpy's default), or None for no values."""
    return round(float(np.percentile(values, q * 100)), MEDIAN_DIGITS) if len(values) else None


def median(values: Sequence[float]) -> float | None:
    return quantile(values, 0.5)


def median_iqr(values: Sequence[float]) -> tuple[float | None, float | None, float | None]:
    """(median, first quartile, third quartile) of ``values``; Nones for no values."""
    return median(values), quantile(values, 0.25), quantile(values, 0.75)
