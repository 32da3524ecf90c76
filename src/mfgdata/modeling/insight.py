"""What a plant engineer can act on: drivers, operating windows, alarm thresholds, expected benefit.

- drivers: permutation importance on held-out rows, with the direction (does a higher value make
  defects / failures more or less likely);
- operating window of a driver: the widest value range [lo, hi] (≥ ``min_share`` of the rows) whose
  bad-outcome rate is within one standard error of the lowest rate any such range reaches;
- the windows are validated out of sample in :mod:`mfgdata.modeling.windows`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import spearmanr  # type: ignore[import-untyped]

Arr = NDArray[Any]
GRID = 40


def permutation_drivers(
    predict: Callable[[Arr], Arr],
    score: Callable[[Arr, Arr], float],
    badness: Callable[[Arr], Arr],
    X: Arr,
    y: Arr,
    names: list[str],
    top: int = 8,
    seed: int = 0,
    candidates: list[int] | None = None,
    repeats: int = 3,
) -> list[dict[str, Any]]:
    """Importance = mean drop of ``score`` when a column is shuffled (``repeats`` times, seeded);
    direction = Spearman sign between the column and the predicted badness (+1: higher value →
    worse outcome). ``candidates`` limits the columns tried (e.g. the model's top by gain)."""
    rng = np.random.default_rng(seed)
    p0 = predict(X)
    ref, bad = score(y, p0), badness(p0)
    rows: list[dict[str, Any]] = []
    for j in candidates if candidates is not None else range(len(names)):
        drops = []
        for _ in range(repeats):
            Xp = X.copy()
            Xp[:, j] = X[rng.permutation(len(X)), j]
            drops.append(ref - score(y, predict(Xp)))
        col = X[:, j]
        ok = np.isfinite(col)
        rho = 0.0
        if ok.sum() > 2 and np.std(col[ok]) > 0 and np.std(bad[ok]) > 0:
            rho = float(spearmanr(col[ok], bad[ok]).statistic)
        rows.append(
            {
                "feature": names[j],
                "importance": float(np.mean(drops)),
                "importance_sd": float(np.std(drops)),
                "direction": int(np.sign(rho)) if abs(rho) >= 0.05 else 0,
                "spearman_with_risk": rho,
            }
        )
    rows.sort(key=lambda r: (-float(r["importance"]), str(r["feature"])))
    return rows[:top]


def operating_window(
    x: Arr, bad: NDArray[np.bool_], min_share: float = 0.2
) -> dict[str, Any] | None:
    """The widest [lo, hi] of observed values with the lowest bad rate (see module docstring)."""
    ok = np.isfinite(x)
    x, bad = x[ok], bad[ok]
    n = len(x)
    if n < 20 or len(np.unique(x)) < 3:
        return None
    grid = np.unique(np.quantile(x, np.linspace(0, 1, GRID + 1), method="inverted_cdf"))
    order = np.argsort(x, kind="stable")
    xs, bs = x[order], bad[order].astype(np.int64)
    cum_bad = np.concatenate([[0], np.cumsum(bs)])
    start = np.searchsorted(xs, grid, side="left")  # first row with x >= grid value
    stop = np.searchsorted(xs, grid, side="right")  # one past the last row with x <= grid value
    lo_i, hi_i = np.meshgrid(np.arange(len(grid)), np.arange(len(grid)), indexing="ij")
    valid = hi_i >= lo_i
    support = np.where(valid, stop[hi_i] - start[lo_i], 0)
    nbad = np.where(valid, cum_bad[stop[hi_i]] - cum_bad[start[lo_i]], 0)
    enough = support >= max(10, int(min_share * n))
    if not enough.any():
        return None
    rate = np.where(enough, nbad / np.maximum(support, 1), np.inf)
    best = float(rate.min())
    i, j = np.unravel_index(np.argmin(rate), rate.shape)
    se = np.sqrt(best * (1 - best) / support[i, j])
    within = enough & (rate <= best + se + 1e-12)
    k = int(np.argmax(np.where(within, support, -1)))
    a, b = np.unravel_index(k, rate.shape)
    lo, hi = float(grid[a]), float(grid[b])
    inside = (x >= lo) & (x <= hi)
    return {
        "lo": lo,
        "hi": hi,
        "support": int(inside.sum()),
        "bad_in_window": int(bad[inside].sum()),
        "rate_in_window": float(bad[inside].mean()),
        "support_outside": int((~inside).sum()),
        "bad_outside": int(bad[~inside].sum()),
        "rate_outside": float(bad[~inside].mean()) if (~inside).any() else None,
        "overall_rate": float(bad.mean()),
    }
