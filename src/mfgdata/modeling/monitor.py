"""Process monitoring without a target: PCA with Hotelling T² and SPE (Q) limits; isolation
forest.

Fitted on the training window (assumed normal operation); limits at ``1 - alpha``. The naive
baseline is a univariate limit chart on every tag with the same false-alarm budget. Detection
rates are measured on the held-out window with a simulated step shift of ``shift`` standard
deviations in one tag at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats  # type: ignore[import-untyped]
from sklearn.ensemble import IsolationForest  # type: ignore[import-untyped]

from mfgdata.modeling.metrics import N_BOOT

Arr = NDArray[np.float64]


@dataclass(frozen=True)
class PcaMonitor:
    mean: Arr
    scale: Arr
    loadings: Arr  # (n_features, k)
    eigenvalues: Arr  # (k,)
    t2_limit: float
    spe_limit: float
    alpha: float

    def scores(self, X: Arr) -> tuple[Arr, Arr]:
        """(T², SPE) per row; missing values are taken at the training mean."""
        Z = np.nan_to_num((X - self.mean) / self.scale)
        T = Z @ self.loadings
        t2 = np.sum(T**2 / self.eigenvalues, axis=1)
        spe = np.sum((Z - T @ self.loadings.T) ** 2, axis=1)
        return t2, spe

    def alarms(self, X: Arr) -> NDArray[np.bool_]:
        t2, spe = self.scores(X)
        return (t2 > self.t2_limit) | (spe > self.spe_limit)

    def contributions(self, X: Arr) -> Arr:
        """Per-tag share of the SPE (squared residual), averaged over rows."""
        Z = np.nan_to_num((X - self.mean) / self.scale)
        R = Z - (Z @ self.loadings) @ self.loadings.T
        out: Arr = np.mean(R**2, axis=0)
        return out


def fit_pca(X: Arr, alpha: float = 0.01, variance: float = 0.9) -> PcaMonitor:
    """Autoscaled PCA keeping ``variance`` of the variance; T² (F) and SPE (Box χ²) limits,
    raised to the empirical training quantiles where those are higher."""
    mean = np.nanmean(X, axis=0)
    scale = np.nanstd(X, axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    Z = np.nan_to_num((X - mean) / scale)
    n, m = Z.shape
    _, s, vt = np.linalg.svd(Z, full_matrices=False)
    eig = s**2 / (n - 1)
    k = int(np.searchsorted(np.cumsum(eig) / eig.sum(), variance) + 1)
    k = max(1, min(k, m - 1 if m > 1 else 1))
    t2_limit = k * (n - 1) * (n + 1) / (n * (n - k)) * stats.f.ppf(1 - alpha, k, n - k)
    T = Z @ vt[:k].T
    spe = np.sum((Z - T @ vt[:k]) ** 2, axis=1)
    mu, var = float(spe.mean()), float(spe.var())
    g, h = (var / (2 * mu), 2 * mu**2 / var) if var > 0 else (1.0, 1.0)
    spe_limit = float(g * stats.chi2.ppf(1 - alpha, h)) if var > 0 else float(mu)
    # Real plant data are autocorrelated and not normal: never set a limit below the empirical
    # training quantile, so that the training false-alarm rate stays near ``alpha``.
    t2 = np.sum(T**2 / eig[:k], axis=1)
    t2_limit = max(float(t2_limit), float(np.quantile(t2, 1 - alpha / 2)))
    spe_limit = max(spe_limit, float(np.quantile(spe, 1 - alpha / 2)))
    return PcaMonitor(mean, scale, vt[:k].T.copy(), eig[:k], float(t2_limit), spe_limit, alpha)


def fit_iforest(X: Arr, alpha: float, seed: int = 0) -> tuple[IsolationForest, float]:
    """Isolation forest with its alarm threshold at the training ``1 - alpha`` quantile."""
    forest = IsolationForest(n_estimators=100, random_state=seed, n_jobs=1)
    Xf = np.nan_to_num(X - np.nanmean(X, axis=0))
    forest.fit(Xf)
    threshold = float(np.quantile(-forest.score_samples(Xf), 1 - alpha))
    return forest, threshold


def _rate(flags: NDArray[np.bool_], rng: np.random.Generator) -> dict[str, Any]:
    """Share of True with a bootstrap interval; no value (None) when there are no rows."""
    n = len(flags)
    if n == 0:
        return {"value": None, "ci95": None}
    boots = [float(flags[rng.integers(0, n, n)].mean()) for _ in range(N_BOOT)]
    return {
        "value": float(flags.mean()),
        "ci95": [float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))],
    }


def shewhart(X_train: Arr, alpha: float = 0.01) -> tuple[Arr, Arr]:
    """Per-tag limits at the empirical alpha/(2m), 1 - alpha/(2m) quantiles (Bonferroni): the
    univariate baseline gets the same overall training false-alarm budget as the PCA monitor."""
    q = alpha / (2 * X_train.shape[1])
    return np.nanquantile(X_train, q, axis=0), np.nanquantile(X_train, 1 - q, axis=0)


def evaluate_monitor(
    mon: PcaMonitor, X_train: Arr, X_test: Arr, shift: float = 3.0, seed: int = 0
) -> dict[str, Any]:
    """False-alarm rates (train and held-out window) and the detection rate of simulated shifts
    (among held-out rows that did not alarm before the shift), for PCA and the per-tag baseline."""
    rng = np.random.default_rng(seed)
    lo, hi = shewhart(X_train, mon.alpha)

    def base_alarm(X: Arr) -> NDArray[np.bool_]:
        out: NDArray[np.bool_] = np.any((lo > X) | (hi < X), axis=1)
        return out

    m = X_test.shape[1]
    tags = rng.choice(m, size=min(m, 20), replace=False)
    shifted, model_hits, base_hits = [], [], []
    for j in tags:
        Xs = X_test.copy()
        Xs[:, j] += shift * mon.scale[j]
        shifted.append(Xs)
    quiet_model, quiet_base = ~mon.alarms(X_test), ~base_alarm(X_test)
    for Xs in shifted:
        model_hits.append(mon.alarms(Xs)[quiet_model])
        base_hits.append(base_alarm(Xs)[quiet_base])
    return {
        "n": len(X_test),
        "shift_sigma": shift,
        "shifted_tags": len(tags),
        "model": {
            "false_alarm_rate_train": _rate(mon.alarms(X_train), rng),
            "false_alarm_rate": _rate(mon.alarms(X_test), rng),
            "detection_rate": _rate(np.concatenate(model_hits), rng),
        },
        "baseline": {
            "false_alarm_rate_train": _rate(base_alarm(X_train), rng),
            "false_alarm_rate": _rate(base_alarm(X_test), rng),
            "detection_rate": _rate(np.concatenate(base_hits), rng),
        },
    }
