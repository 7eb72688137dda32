"""Figures across replications: mean and a Student-t confidence interval for each KPI.

The t quantile comes from SciPy (``scipy.stats.t.ppf``, part of the ``simulation``
extra): the standard library's :mod:`statistics` has the normal distribution but no
Student t, and a hand-written incomplete beta function is numerical code this
project would have to keep correct itself.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence

import attrs

from mediation.simulation._kpis import Value

__all__ = ["Interval", "summarize", "t_quantile"]


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (0.5 < p < 1).

    Example:
        >>> round(t_quantile(0.975, 4), 3)
        2.776
    """
    if not 0.5 < p < 1.0 or df < 1:
        raise ValueError("t_quantile needs 0.5 < p < 1 and df >= 1")
    from scipy.stats import t  # type: ignore[import-untyped]

    return float(t.ppf(p, df))


@attrs.frozen(slots=True)
class Interval:
    """One KPI across replications.

    Attributes:
        n: Replications where it is defined.
        mean: Their mean.
        sd: Sample standard deviation (``None`` below two values).
        low: Lower end of the confidence interval (``None`` below two values).
        high: Upper end.
    """

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


def interval(values: Sequence[float], confidence: float) -> Interval:
    """The mean and t-interval of ``values``."""
    n = len(values)
    if n == 0:
        return Interval(0, None, None, None, None)
    mean = statistics.fmean(values)
    if n == 1:
        return Interval(1, mean, None, None, None)
    sd = statistics.stdev(values)
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    return Interval(n, mean, sd, mean - half, mean + half)


def summarize(
    replications: Iterable[Mapping[str, Value]], keys: Sequence[str], confidence: float
) -> dict[str, Interval]:
    """Mean and confidence interval of every KPI in ``keys`` over the replications."""
    rows = list(replications)
    out = {}
    for key in keys:
        values = [float(v) for row in rows if (v := row.get(key)) is not None]
        out[key] = interval(values, confidence)
    return out
