"""Bootstrap confidence intervals: with ~100 questions, a few points of difference is noise."""

from __future__ import annotations

import random
from collections.abc import Sequence


def bootstrap_ci(values: Sequence[float], n_boot: int = 2000, level: float = 0.95,
                 seed: int = 0) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the mean; None for fewer than two values."""
    vals = [float(v) for v in values if v is not None]
    if len(vals) < 2:
        return None
    rng = random.Random(seed)  # fixed seed: the same run gives the same interval
    n = len(vals)
    means = sorted(sum(rng.choices(vals, k=n)) / n for _ in range(n_boot))
    lo = means[int((1 - level) / 2 * n_boot)]
    hi = means[min(n_boot - 1, int((1 + level) / 2 * n_boot))]
    return lo, hi


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile, q in [0, 1] (0.95 → p95); the one every report and benchmark uses."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
