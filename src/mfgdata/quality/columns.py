"""Pass over the value columns, a few columns per query: nulls, non-finite, ranges, spikes, stuck
runs, drift windows and per-bucket completeness. Memory is bounded by the batch, not the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from mfgdata.quality.findings import MAX_EVIDENCE


@dataclass(frozen=True)
class Params:
    """Tunable detector parameters (contract ``mfgdata.parameters``)."""

    stuck_window: int = 20  # samples: a run of one value at least this long is "stuck"
    spike_k: float = 6.0  # |x - median3| > k * sigma, sigma = 1.4826 * median|dx| / sqrt 2
    gap_factor: float = 2.0  # a gap is an interval > factor x nominal interval
    drift_share: float = 0.1  # first/last window = this share of rows ...
    drift_max_rows: int = 200_000  # ... at most this many rows
    psi_limit: float = 0.2  # PSI at or above: significant drift
    buckets: int = 40  # time buckets of the completeness heatmap
    batch_cells: int = 12_000_000  # cells per column query (memory bound)

    @classmethod
    def from_mapping(cls, values: dict[str, float]) -> Params:
        known = {
            "stuckWindow": "stuck_window",
            "spikeK": "spike_k",
            "gapFactor": "gap_factor",
            "driftShare": "drift_share",
            "psiLimit": "psi_limit",
        }
        kwargs: dict[str, Any] = {}
        for k, v in values.items():
            if k in known:
                name = known[k]
                kwargs[name] = int(v) if name == "stuck_window" else float(v)
        return cls(**kwargs)


@dataclass
class ColumnStats:
    name: str
    dtype: str
    numeric: bool
    series: bool  # float sensor column: spikes, stuck runs, drift are measured
    nulls: int = 0
    nonfinite: int = 0
    checked_range: tuple[float | None, float | None] | None = None
    out_of_range: int = 0
    range_rows: list[int] = field(default_factory=list)
    range_values: list[float] = field(default_factory=list)
    spikes: int = 0
    spike_rows: list[int] = field(default_factory=list)
    stuck_samples: int = 0
    stuck_runs: list[dict[str, Any]] = field(default_factory=list)
    stuck_run_count: int = 0
    psi: float | None = None
    bucket_nonnull: list[int] = field(default_factory=list)


def _median3(x: pl.Expr, over: str | None) -> pl.Expr:
    a, c = x.shift(1), x.shift(-1)
    if over:
        a, c = a.over(over), c.over(over)
    return pl.max_horizontal(pl.min_horizontal(a, x), pl.min_horizontal(pl.max_horizontal(a, x), c))


def _exprs(
    st: ColumnStats, params: Params, over: str | None, rows: int, bucket_ends: list[int]
) -> list[pl.Expr]:
    c = st.name
    x = pl.col(c).fill_nan(None) if st.dtype.startswith("Float") else pl.col(c)
    p = f"{c}\x00"
    out = [pl.col(c).null_count().alias(p + "nulls")]
    if st.dtype.startswith("Float"):
        out.append((pl.col(c).is_nan() | pl.col(c).is_infinite()).sum().alias(p + "nonfinite"))
    if st.checked_range:
        lo, hi = st.checked_range
        bad = pl.lit(False)
        if lo is not None:
            bad = bad | (x < lo)
        if hi is not None:
            bad = bad | (x > hi)
        bad = bad.fill_null(False)
        out += [
            bad.sum().alias(p + "range_n"),
            pl.arg_where(bad).head(MAX_EVIDENCE).implode().alias(p + "range_rows"),
            x.filter(bad).head(MAX_EVIDENCE).cast(pl.Float64).implode().alias(p + "range_vals"),
        ]
    if st.series:
        r = (x - _median3(x, over)).abs()
        step = x.diff().over(over) if over else x.diff()
        scale = 1.4826 * step.abs().median() / 2**0.5
        spike = (r > params.spike_k * scale).fill_null(False) & (scale > 0)
        rle = x.rle()
        lens, vals = rle.struct.field("len"), rle.struct.field("value")
        starts = lens.cum_sum() - lens
        stuck = (lens >= params.stuck_window) & vals.is_not_null()
        w = max(1, min(params.drift_max_rows, int(rows * params.drift_share)))
        out += [
            spike.sum().alias(p + "spike_n"),
            pl.arg_where(spike).head(MAX_EVIDENCE).implode().alias(p + "spike_rows"),
            lens.filter(stuck).sum().alias(p + "stuck_n"),
            stuck.sum().alias(p + "stuck_runs"),
            starts.filter(stuck).head(MAX_EVIDENCE).implode().alias(p + "stuck_starts"),
            lens.filter(stuck).head(MAX_EVIDENCE).implode().alias(p + "stuck_lens"),
            vals.filter(stuck)
            .head(MAX_EVIDENCE)
            .cast(pl.Float64)
            .implode()
            .alias(p + "stuck_vals"),
            x.head(w).drop_nulls().implode().alias(p + "first"),
            x.tail(w).drop_nulls().implode().alias(p + "last"),
        ]
    if bucket_ends:
        idx = pl.Series([e - 1 for e in bucket_ends], dtype=pl.Int64)
        out.append(
            x.is_not_null().cast(pl.Int64).cum_sum().gather(idx.clip(0)).implode().alias(p + "bk")
        )
    return out


def psi(first: np.ndarray, last: np.ndarray, bins: int = 10) -> float | None:
    """Population stability index of ``last`` against ``first`` (decile bins of ``first``)."""
    if len(first) < bins * 5 or len(last) < bins * 5:
        return None
    edges = np.unique(np.quantile(first, np.linspace(0, 1, bins + 1)[1:-1]))
    e = np.bincount(np.searchsorted(edges, first, side="right"), minlength=len(edges) + 1)
    a = np.bincount(np.searchsorted(edges, last, side="right"), minlength=len(edges) + 1)
    e_share = np.clip(e / e.sum(), 1e-4, None)
    a_share = np.clip(a / a.sum(), 1e-4, None)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def scan_columns(
    lf: pl.LazyFrame,
    stats: list[ColumnStats],
    *,
    rows: int,
    params: Params,
    over: str | None,
    bucket_ends: list[int],
) -> None:
    """Fill ``stats`` in place, ``batch_cells // rows`` columns per query."""
    per = max(1, params.batch_cells // max(rows, 1))
    for i in range(0, len(stats), per):
        batch = stats[i : i + per]
        exprs = [e for st in batch for e in _exprs(st, params, over, rows, bucket_ends)]
        res = lf.select(exprs).collect(engine="in-memory").row(0, named=True)
        for st in batch:
            _fill(
                st,
                {
                    k.split("\x00", 1)[1]: v
                    for k, v in res.items()
                    if k.startswith(st.name + "\x00")
                },
                bucket_ends,
            )


def _fill(st: ColumnStats, r: dict[str, Any], bucket_ends: list[int]) -> None:
    st.nulls = int(r["nulls"])
    st.nonfinite = int(r.get("nonfinite") or 0)
    if st.checked_range:
        st.out_of_range = int(r["range_n"])
        st.range_rows = list(r["range_rows"])
        st.range_values = list(r["range_vals"])
    if st.series:
        st.spikes = int(r["spike_n"])
        st.spike_rows = list(r["spike_rows"])
        st.stuck_samples = int(r["stuck_n"] or 0)
        st.stuck_run_count = int(r["stuck_runs"])
        st.stuck_runs = [
            {"start_row": int(s), "length": int(n), "value": v}
            for s, n, v in zip(r["stuck_starts"], r["stuck_lens"], r["stuck_vals"], strict=True)
        ]
        st.psi = psi(np.asarray(r["first"], dtype=float), np.asarray(r["last"], dtype=float))
    if bucket_ends:
        cum = [0, *(int(v) for v in r["bk"])]
        st.bucket_nonnull = [cum[i + 1] - cum[i] for i in range(len(bucket_ends))]
