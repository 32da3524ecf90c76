"""Pass over the value columns, a few columns per query: nulls, non-finite, ranges, spikes, stuck
runs, drift windows and per-bucket completeness. Memory is bounded by the batch, not the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import narwhals as nw
import numpy as np
import polars as pl

from mfgdata.quality import backend
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
    frame: nw.LazyFrame[Any], cols: list[str], rows: int, params: Params, row: str
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The first and last windows of the sensor columns (Polars slices: only their row groups
    are read)."""
    if not cols:
        return {}, {}
    w = max(1, min(params.drift_max_rows, int(rows * params.drift_share)))
    sel = frame.select(*(nw.col(c).fill_nan(None).cast(nw.Float64) for c in cols), nw.col(row))
    first = backend.row_window(sel, cols, row=row, start=0, length=w)
    last = backend.row_window(sel, cols, row=row, start=max(0, rows - w), length=w)
    return (
        {c: first[c].to_numpy() for c in cols},
        {c: last[c].to_numpy() for c in cols},
    )


def noise_level(first: np.ndarray, last: np.ndarray) -> float:
    """sigma = 1.4826 x median |x[i] - x[i-1]| / sqrt 2 over the first and last windows."""
    d = np.abs(np.concatenate([np.diff(first), np.diff(last)]))
    d = d[np.isfinite(d)]
    return float(1.4826 * np.median(d) / 2**0.5) if d.size else 0.0


def _spike_mask(x: nw.Expr, a: nw.Expr, c: nw.Expr, t: float) -> nw.Expr:
    """Hampel identifier with window 3: |x - median(a, x, c)| > t (a, c: the neighbours).

    |x - median3| exceeds t exactly when x exceeds both neighbours by more than t (or falls below
    both by more than t), so the median needs no sort: two differences and four comparisons.
    """
    if t <= 0:
        return nw.lit(False)
    d1, d2 = x - a, x - c
    return (((d1 > t) & (d2 > t)) | ((d1 < -t) & (d2 < -t))).fill_null(False)


ROW = "__mfgq_row"  # the table row index (Polars: added here; Spark: the engine's row column)
POS = "__mfgq_pos"  # position of a row within its entity
PROW = "__mfgq_prow"  # row of the entity's previous sample


def _prefix(k: int) -> str:
    """Names of the scratch columns of the k-th column of a batch (plain ASCII: Spark and Arrow
    take them as they are)."""
    return f"__mfgq{k}_"


def _values(st: ColumnStats, p: str) -> list[nw.Expr]:
    """The value column of ``st`` (NaN as null) and its non-finite mask."""
    c = st.name
    if st.dtype.startswith("Float"):
        return [
            nw.col(c).fill_nan(None).alias(p + "x"),
            (~nw.col(c).is_finite()).fill_null(False).alias(p + "nf"),
        ]
    return [nw.col(c).alias(p + "x")]


def _masks(st: ColumnStats, p: str, t: float) -> list[nw.Expr]:
    """Per-row masks from the value and its neighbours: range, spike, equal to the previous."""
    x = nw.col(p + "x")
    out: list[nw.Expr] = []
    if st.checked_range:
        lo, hi = st.checked_range
        bad = nw.lit(False)
        if lo is not None:
            bad = bad | (x < lo)
        if hi is not None:
            bad = bad | (x > hi)
        out.append(bad.fill_null(False).alias(p + "bad"))
    if st.series:
        a, c = nw.col(p + "a"), nw.col(p + "c")
        out.append(_spike_mask(x, a, c, t).alias(p + "spike"))
        out.append((x == a).fill_null(False).alias(p + "eq"))
    return out


def _count(mask: str) -> nw.Expr:
    return nw.col(mask).cast(nw.Int64).sum()


def _aggs(st: ColumnStats, p: str) -> list[nw.Expr]:
    """The counts of one column (one row of aggregates per batch)."""
    out = [nw.col(p + "x").is_null().cast(nw.Int64).sum().alias(p + "nulls")]
    if st.dtype.startswith("Float"):
        out.append(_count(p + "nf").alias(p + "nonfinite"))
    if st.checked_range:
        out.append(_count(p + "bad").alias(p + "range_n"))
    if st.series:
        out += [_count(p + "spike").alias(p + "spike_n"), _count(p + "eq").alias(p + "eq_n")]
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


HASH = "__mfgq_hash"


def scan_columns(
    frame: Any,
    stats: list[ColumnStats],
    *,
    rows: int,
    params: Params,
    over: str | None,
    bucket_ends: list[int],
    gather_rows: list[int] | None = None,
    duplicates: RowDuplicates | None = None,
    row: str | None = None,
) -> dict[str, list[Any]]:
    """Fill ``stats`` in place, ``batch_cells // rows`` columns per query; with ``duplicates``,
    count them in the first query (no second pass over the table).

    ``frame``: a Polars or PySpark frame (any frame narwhals reads); ``row``: its row-order
    column (a Polars frame without one gets a row index). Per batch, one query counts; a second
    one, only for the columns with something to show, reads the flagged rows (the evidence, in
    row order, at most :data:`MAX_EVIDENCE` each, and the rows of equal neighbours for runs).
    Returns the values of every column at ``gather_rows`` (for exact duplicate-row checks).
    """
    gathered: dict[str, list[Any]] = {}
    f, row = backend.with_row(backend.lazy(frame), row, ROW)
    near = sorted(set(gather_rows or []))
    first, last = windows(f, [st.name for st in stats if st.series], rows, params, row)
    sigma = {c: noise_level(first[c], last[c]) for c in first}
    for st in stats:
        if st.series:
            fw, la = first[st.name], last[st.name]
            st.psi = psi(fw[~np.isnan(fw)], la[~np.isnan(la)])
    per = max(1, min(params.batch_columns, params.batch_cells // max(rows, 1)))
    for i in range(0, len(stats), per):
        batch = stats[i : i + per]
        keep = [row, *([over] if over else [])]
        g = f
        if duplicates is not None and i == 0:
            g = backend.row_hash(g, duplicates.columns, HASH)
            keep.append(HASH)
        pre = [_prefix(k) for k in range(len(batch))]
        g = g.select(
            *(nw.col(k) for k in keep),
            *(e for st, p in zip(batch, pre, strict=True) for e in _values(st, p)),
            *(nw.col(st.name).alias(p + "raw") for st, p in zip(batch, pre, strict=True) if near),
        )
        series = {
            p + "x": (p + "a", p + "c") for st, p in zip(batch, pre, strict=True) if st.series
        }
        g = backend.with_neighbours(g, series, row=row, over=over, pos=POS, prow=PROW)
        masks = [
            e
            for st, p in zip(batch, pre, strict=True)
            for e in _masks(st, p, params.spike_k * sigma.get(st.name, 0.0))
        ]
        if masks:
            g = g.with_columns(*masks)
        aggs = [e for st, p in zip(batch, pre, strict=True) for e in _aggs(st, p)]
        if duplicates is not None and i == 0:
            aggs.append((nw.len() - nw.col(HASH).n_unique()).alias(HASH))
        res, evs = backend.collect_pass(
            g.select(*aggs),
            partial(
                _evidence,
                g,
                batch,
                pre,
                params=params,
                row=row,
                over=over,
                buckets=bool(bucket_ends),
                near=near,
            ),
        )
        evs = {k: v.sort(row) for k, v in evs.items()}
        if duplicates is not None and i == 0:
            duplicates.count = int(res.pop(HASH) or 0)
        if near:  # the batch's raw columns at the candidate rows, read with the evidence
            got = evs.get("near", evs.get("*", pl.DataFrame())).filter(pl.col(row).is_in(near))
            for st, p in zip(batch, pre, strict=True):
                gathered[st.name] = got[p + "raw"].to_list()
        for st, p in zip(batch, pre, strict=True):
            _fill(st, {k[len(p) :]: v for k, v in res.items() if k.startswith(p)})
            ev = evs.get(p, evs.get("*", pl.DataFrame()))
            _fill_evidence(st, ev, p, row, over, params)
            if bucket_ends:
                nulls: Any = (
                    ev.filter(pl.col(p + "x").is_null())[row] if p + "x" in ev.columns else []
                )
                ends = np.asarray(bucket_ends)
                sizes = np.diff(np.concatenate([[0], ends]))
                where = np.searchsorted(ends, np.asarray(nulls, dtype=np.int64), side="right")
                counts = np.bincount(where, minlength=len(ends))[: len(ends)]
                st.bucket_nonnull = [int(v) for v in sizes - counts]
    return gathered


def _wanted(st: ColumnStats, p: str, res: dict[str, Any] | None, params: Params) -> list[str]:
    """The masks of ``st`` whose rows are read: those that flagged something (all of them when
    the counts are not known yet)."""
    out = []
    if st.checked_range and (res is None or res[p + "range_n"]):
        out.append(p + "bad")
    if st.series and (res is None or res[p + "spike_n"]):
        out.append(p + "spike")
    if st.series and (res is None or 0 < res[p + "eq_n"] >= params.stuck_window - 1):
        out.append(p + "eq")
    return out


def _evidence(
    g: nw.LazyFrame[Any],
    batch: list[ColumnStats],
    pre: list[str],
    res: dict[str, Any] | None,
    params: Params,
    row: str,
    over: str | None,
    buckets: bool,
    near: list[int],
) -> dict[str, nw.LazyFrame[Any]]:
    """Queries of the flagged rows of the batch: the row, the entity columns, and per column its
    value and masks, and the raw values of the rows ``near``.

    With the counts (``res``): one query, for the columns that flagged something (none when
    nothing was). Without (``res`` None, see :func:`backend.collect_pass`): one query per column
    and one for ``near``, run with the counts' query (Polars shares their scan)."""
    ents = [over, POS, PROW] if over else []
    out: dict[str, nw.LazyFrame[Any]] = {}
    masks: list[str] = []
    values: list[str] = []
    conds: list[nw.Expr] = []
    for st, p in zip(batch, pre, strict=True):
        wanted = _wanted(st, p, res, params)
        mine = [nw.col(m) for m in wanted]
        if buckets and (res is None or res[p + "nulls"]):
            mine.append(nw.col(p + "x").is_null())
        if not mine:
            continue
        if res is None:
            cols = [row, *ents, p + "x", *wanted]
            out[p] = g.filter(nw.any_horizontal(*mine, ignore_nulls=True)).select(*cols)
        else:
            masks += wanted
            conds += mine
            values.append(p + "x")
    if near and res is None:
        raws = [p + "raw" for p in pre]
        out["near"] = g.filter(nw.col(row).is_in(near)).select(row, *raws)
    elif near:
        conds.append(nw.col(row).is_in(near))
        values += [p + "raw" for p in pre]
    if conds:
        cols = [row, *ents, *values, *masks]
        out["*"] = g.filter(nw.any_horizontal(*conds, ignore_nulls=True)).select(*cols)
    return out


def _fill_evidence(
    st: ColumnStats, ev: pl.DataFrame, p: str, row: str, over: str | None, params: Params
) -> None:
    if p + "bad" in ev.columns:
        bad = ev.filter(pl.col(p + "bad")).head(MAX_EVIDENCE)
        st.range_rows = bad[row].to_list()
        st.range_values = bad[p + "x"].cast(pl.Float64).to_list()
    if p + "spike" in ev.columns:
        st.spike_rows = ev.filter(pl.col(p + "spike")).head(MAX_EVIDENCE)[row].to_list()
    if not st.series:
        return
    if p + "eq" in ev.columns:
        eq = ev.filter(pl.col(p + "eq"))
        entity = (eq[over], eq[POS], eq[PROW]) if over else None
        runs = stuck_runs(eq[row], eq[p + "x"].cast(pl.Float64), params.stuck_window, entity)
    else:
        runs = pl.DataFrame()
    st.stuck_samples = int(runs["length"].sum() or 0) if runs.height else 0
    st.stuck_run_count = runs.height
    st.stuck_runs = runs.head(MAX_EVIDENCE).to_dicts() if runs.height else []


def _fill(st: ColumnStats, r: dict[str, Any]) -> None:
    st.nulls = int(r["nulls"])
    st.nonfinite = int(r.get("nonfinite") or 0)
    if st.checked_range:
        st.out_of_range = int(r["range_n"])
    if st.series:
        st.spikes = int(r["spike_n"])
