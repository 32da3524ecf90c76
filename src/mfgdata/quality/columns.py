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
    batch_cells: int = 20_000_000  # cells per column query (memory bound)
    #: columns per query however few the rows (issue 13: a query's plan grows faster than its
    #: width; 1,000 columns x 20 rows: 12.5 s and 2.6 GB in one query, 4.3 s and 0.68 GB in 128s)
    batch_columns: int = 128

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


def windows(
    lf: pl.LazyFrame, cols: list[str], rows: int, params: Params
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The first and last windows of the sensor columns (slices: only their row groups are read)."""
    if not cols:
        return {}, {}
    w = max(1, min(params.drift_max_rows, int(rows * params.drift_share)))
    sel = [pl.col(c).fill_nan(None).cast(pl.Float64) for c in cols]
    first = lf.slice(0, w).select(sel).collect(engine="in-memory")
    last = lf.slice(max(0, rows - w), w).select(sel).collect(engine="in-memory")
    return (
        {c: first[c].to_numpy() for c in cols},
        {c: last[c].to_numpy() for c in cols},
    )


def noise_level(first: np.ndarray, last: np.ndarray) -> float:
    """sigma = 1.4826 x median |x[i] - x[i-1]| / sqrt 2 over the first and last windows."""
    d = np.abs(np.concatenate([np.diff(first), np.diff(last)]))
    d = d[np.isfinite(d)]
    return float(1.4826 * np.median(d) / 2**0.5) if d.size else 0.0


def _spike_mask(x: pl.Expr, t: float, over: str | None) -> pl.Expr:
    """Hampel identifier with window 3: |x - median(x[i-1], x[i], x[i+1])| > t.

    |x - median3| exceeds t exactly when x exceeds both neighbours by more than t (or falls below
    both by more than t), so the median needs no sort: two differences and four comparisons.
    """
    a, c = x.shift(1), x.shift(-1)
    if over:
        a, c = a.over(over), c.over(over)
    d1, d2 = x - a, x - c
    if t <= 0:
        return pl.lit(False)
    return (((d1 > t) & (d2 > t)) | ((d1 < -t) & (d2 < -t))).fill_null(False)


ROW = "\x00row"  # the table row index, for evidence of runs counted within an entity


def _masks(st: ColumnStats, t: float, over: str | None) -> list[pl.Expr]:
    """Per-row columns computed once per batch: the value, range and spike masks."""
    c, p = st.name, f"{st.name}\x00"
    x = pl.col(c).fill_nan(None) if st.dtype.startswith("Float") else pl.col(c)
    out = [x.alias(p + "x")]
    if st.dtype.startswith("Float"):
        out.append((pl.col(c).is_nan() | pl.col(c).is_infinite()).alias(p + "nf"))
    if st.checked_range:
        lo, hi = st.checked_range
        bad = pl.lit(False)
        if lo is not None:
            bad = bad | (x < lo)
        if hi is not None:
            bad = bad | (x > hi)
        out.append(bad.fill_null(False).alias(p + "bad"))
    if st.series:
        prev = x.shift(1).over(over) if over else x.shift(1)
        out.append(_spike_mask(x, t, over).alias(p + "spike"))
        out.append((x == prev).fill_null(False).alias(p + "eq"))
        if over:  # runs are counted within each entity (rows of machines may interleave)
            out.append(pl.int_range(pl.len(), dtype=pl.Int64).over(over).alias(p + "pos"))
            out.append(pl.col(ROW).shift(1).over(over).alias(p + "prow"))
    return out


def _aggs(
    st: ColumnStats, params: Params, rows: int, bucket_ends: list[int], over: str | None
) -> list[pl.Expr]:
    p = f"{st.name}\x00"
    x = pl.col(p + "x")
    out = [x.null_count().alias(p + "nulls")]
    if bucket_ends:  # rows of null (or NaN) cells, bucketed afterwards (the heatmap)
        out.append(pl.arg_where(x.is_null()).implode().alias(p + "null_rows"))
    if st.dtype.startswith("Float"):
        out.append(pl.col(p + "nf").sum().alias(p + "nonfinite"))
    if st.checked_range:
        bad = pl.col(p + "bad")
        out += [
            bad.sum().alias(p + "range_n"),
            pl.arg_where(bad).head(MAX_EVIDENCE).implode().alias(p + "range_rows"),
            x.filter(bad).head(MAX_EVIDENCE).cast(pl.Float64).implode().alias(p + "range_vals"),
        ]
    if st.series:
        spike = pl.col(p + "spike")
        out += [
            spike.sum().alias(p + "spike_n"),
            pl.arg_where(spike).head(MAX_EVIDENCE).implode().alias(p + "spike_rows"),
            pl.arg_where(pl.col(p + "eq")).implode().alias(p + "eq_rows"),
            x.filter(pl.col(p + "eq")).cast(pl.Float64).implode().alias(p + "eq_vals"),
        ]
        if over:
            eq = pl.col(p + "eq")
            out += [
                pl.col(p + "pos").filter(eq).implode().alias(p + "eq_pos"),
                pl.col(p + "prow").filter(eq).implode().alias(p + "eq_prow"),
                pl.col(over).filter(eq).cast(pl.String).implode().alias(p + "eq_ent"),
            ]
    return out


def stuck_runs(
    eq_rows: pl.Series,
    eq_vals: pl.Series,
    window: int,
    entity: tuple[pl.Series, pl.Series, pl.Series] | None = None,
) -> pl.DataFrame:
    """Runs of one value of at least ``window`` samples (start_row, length, value).

    ``eq_rows`` are the rows equal to their predecessor (sorted); consecutive rows i..j there are
    one constant run of j - i + 2 samples starting at i - 1. Only those rows are looked at.
    With ``entity`` = (entity value, position within the entity, table row of the entity's
    previous sample) of those rows, "consecutive" and "predecessor" are taken within the entity.
    """
    df = pl.DataFrame({"i": eq_rows.cast(pl.Int64), "v": eq_vals})
    if entity is None:
        g = df.with_columns(g=pl.col("i") - pl.int_range(pl.len(), dtype=pl.Int64), e=pl.lit(""))
        start = pl.col("i").first() - 1
    else:
        ent, pos, prow = entity
        df = df.with_columns(e=ent.cast(pl.String), pos=pos.cast(pl.Int64), prow=prow)
        g = df.with_columns(g=pl.col("pos") - pl.int_range(pl.len(), dtype=pl.Int64).over("e"))
        start = pl.col("prow").first()
    runs = g.group_by("e", "g", maintain_order=True).agg(
        start_row=start, length=pl.len() + 1, value=pl.col("v").first()
    )
    return runs.filter(pl.col("length") >= window).drop("e", "g").sort("start_row")


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


@dataclass
class RowDuplicates:
    """Duplicate rows counted in the column pass: rows beyond the first of each 64-bit hash of
    the ``columns`` values (the hashes are aggregated, never the rows)."""

    columns: list[str]
    count: int = 0


HASH = "\x00hash"


def scan_columns(
    lf: pl.LazyFrame,
    stats: list[ColumnStats],
    *,
    rows: int,
    params: Params,
    over: str | None,
    bucket_ends: list[int],
    gather_rows: list[int] | None = None,
    duplicates: RowDuplicates | None = None,
) -> dict[str, list[Any]]:
    """Fill ``stats`` in place, ``batch_cells // rows`` columns per query; with ``duplicates``,
    count them in the first query (no second pass over the table).

    Returns the values of every column at ``gather_rows`` (for exact duplicate-row checks).
    """
    gathered: dict[str, list[Any]] = {}
    take = pl.Series(gather_rows or [], dtype=pl.Int64)
    first, last = windows(lf, [st.name for st in stats if st.series], rows, params)
    sigma = {c: noise_level(first[c], last[c]) for c in first}
    for st in stats:
        if st.series:
            f, la = first[st.name], last[st.name]
            st.psi = psi(f[~np.isnan(f)], la[~np.isnan(la)])
    per = max(1, min(params.batch_columns, params.batch_cells // max(rows, 1)))
    for i in range(0, len(stats), per):
        batch = stats[i : i + per]
        masks = [
            e for st in batch for e in _masks(st, params.spike_k * sigma.get(st.name, 0.0), over)
        ]
        keep = [pl.col(over), pl.col(ROW)] if over else []
        aggs = [e for st in batch for e in _aggs(st, params, rows, bucket_ends, over)]
        if duplicates is not None and i == 0:
            keep.append(pl.struct(duplicates.columns).hash(seed=0).alias(HASH))
            aggs.append((pl.len() - pl.col(HASH).n_unique()).alias(HASH))
        base = lf.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64)) if over else lf
        res = base.select(*keep, *masks).select(aggs).collect(engine="streaming").row(0, named=True)
        if duplicates is not None and i == 0:
            duplicates.count = int(res.pop(HASH) or 0)
        if gather_rows:  # in-memory gathers of the batch's raw columns at the candidate rows
            mem = [pl.col(st.name).gather(take).implode().alias(f"{st.name}\x00g") for st in batch]
            res.update(lf.select(mem).collect(engine="in-memory").row(0, named=True))
        for st in batch:
            prefix = st.name + "\x00"
            if gather_rows:
                gathered[st.name] = list(res[prefix + "g"])
            _fill(st, {k[len(prefix) :]: v for k, v in res.items() if k.startswith(prefix)})
            if st.series:
                entity = (
                    (
                        pl.Series(res[prefix + "eq_ent"], dtype=pl.String),
                        pl.Series(res[prefix + "eq_pos"], dtype=pl.Int64),
                        pl.Series(res[prefix + "eq_prow"], dtype=pl.Int64),
                    )
                    if over
                    else None
                )
                runs = stuck_runs(
                    pl.Series(res[prefix + "eq_rows"]),
                    pl.Series(res[prefix + "eq_vals"], dtype=pl.Float64),
                    params.stuck_window,
                    entity,
                )
                st.stuck_samples = int(runs["length"].sum() or 0)
                st.stuck_run_count = runs.height
                st.stuck_runs = runs.head(MAX_EVIDENCE).to_dicts()
            if bucket_ends:
                ends = np.asarray(bucket_ends)
                sizes = np.diff(np.concatenate([[0], ends]))
                where = np.searchsorted(ends, np.asarray(res[prefix + "null_rows"]), side="right")
                nulls = np.bincount(where, minlength=len(ends))[: len(ends)]
                st.bucket_nonnull = [int(v) for v in sizes - nulls]
    return gathered


def _fill(st: ColumnStats, r: dict[str, Any]) -> None:
    st.nulls = int(r["nulls"])
    st.nonfinite = int(r.get("nonfinite") or 0)
    if st.checked_range:
        st.out_of_range = int(r["range_n"])
        st.range_rows = list(r["range_rows"])
        st.range_values = list(r["range_vals"])
    if st.series:
        st.spikes = int(r["spike_n"])
        st.spike_rows = list(r["spike_rows"])
