"""Bootstrap intervals: contain the mean, shrink with more data, deterministic."""

from __future__ import annotations

from planqa.eval.stats import bootstrap_ci


def test_bootstrap_ci():
    small = [1, 0] * 10
    big = [1, 0] * 200
    lo, hi = bootstrap_ci(small)
    assert lo < 0.5 < hi
    blo, bhi = bootstrap_ci(big)
    assert (bhi - blo) < (hi - lo)
    assert bootstrap_ci(small) == (lo, hi)
    assert bootstrap_ci([1]) is None and bootstrap_ci([1, 1, 1]) == (1.0, 1.0)
