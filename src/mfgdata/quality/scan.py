"""All passes over the table, in order: time axis, value columns, rules, duplicates, labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from mfgdata.quality.columns import ColumnStats, Params, RowDuplicates, scan_columns
from mfgdata.quality.contract import Contract
from mfgdata.quality.datacolumns import data_columns
from mfgdata.quality.findings import MAX_EVIDENCE
from mfgdata.quality.rules import compile_rule
from mfgdata.quality.timeaxis import TimeStats, is_time, scan_time

MAX_CLASSES = 50


@dataclass
class TableStats:
    rows: int
    schema: dict[str, str]
    columns: dict[str, ColumnStats]
    time: TimeStats | None = None
    dup_rows: int = 0
    dup_row_rows: list[int] = field(default_factory=list)
    #: the columns rows are compared on for duplicates (the data columns)
    dup_columns: list[str] = field(default_factory=list)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    classes: dict[str, int] | None = None
    label_conflicts: int | None = None
    label_conflict_groups: int = 0
    #: the sensor with most spikes: min/mean/max per time bucket and the spikes (for the chart)
    spike_profile: dict[str, Any] | None = None


def scan_table(
    lf: pl.LazyFrame, contract: Contract, params: Params, interval_s: float | None = None
) -> TableStats:
    schema = lf.collect_schema()
    rows = int(lf.select(pl.len()).collect().item())
    tcol = contract.time_column if contract.time_column in schema else None
    idc = contract.id_column if contract.id_column in schema else None
    time = None
    if tcol and is_time(schema[tcol]):
        time = scan_time(
            lf,
            tcol,
            schema[tcol],
            id_column=idc,
            interval_s=interval_s,
            gap_factor=params.gap_factor,
            buckets=params.buckets,
        )
    ends = time.bucket_ends if time else []
    stats: list[ColumnStats] = []
    for name, dtype in schema.items():
        spec = contract.column(name)
        numeric = dtype.is_numeric()
        st = ColumnStats(
            name=name,
            dtype=str(dtype),
            numeric=numeric,
            series=dtype.is_float() and name not in (contract.target, tcol, idc),
        )
        if numeric and spec and (spec.minimum is not None or spec.maximum is not None):
            st.checked_range = (spec.minimum, spec.maximum)
        stats.append(st)
    near = time.near_rows if time is not None and idc is None else []
    data = data_columns(schema)
    hashed = None
    if not near and _needs_hash(time, keyed=idc is None):
        hashed = RowDuplicates(data)  # counted in the column pass
    gathered = scan_columns(
        lf,
        stats,
        rows=rows,
        params=params,
        over=idc,
        bucket_ends=ends,
        gather_rows=near,
        duplicates=hashed,
    )
    out = TableStats(
        rows=rows,
        schema={k: str(v) for k, v in schema.items()},
        columns={s.name: s for s in stats},
        time=time,
    )
    out.spike_profile = _spike_profile(lf, out)
    out.rules = _rules(lf, contract, list(schema))
    if near:
        cand = pl.DataFrame(gathered, schema=schema).with_columns(__row=pl.Series(near))
        mask = ~cand.select(pl.struct(data).is_first_distinct()).to_series()
        out.dup_rows = int(mask.sum())
        out.dup_row_rows = cand.filter(mask)["__row"].head(MAX_EVIDENCE).to_list()
    elif hashed is not None:
        _duplicates(lf, out, data, hashed.count)
    out.dup_columns = data
    if contract.target and contract.target in schema:
        _labels(
            lf,
            out,
            contract,
            [c for c in data if c not in (contract.target, tcol, idc)],
        )
    return out


def _rules(lf: pl.LazyFrame, contract: Contract, names: list[str]) -> dict[str, dict[str, Any]]:
    if not contract.rules:
        return {}
    exprs: list[pl.Expr] = []
    for i, rule in enumerate(contract.rules):
        expr, used = compile_rule(rule.expression, names)
        evaluated = pl.all_horizontal(pl.col(c).is_not_null() for c in used)
        bad = evaluated & ~expr.fill_null(True)
        exprs += [
            evaluated.sum().alias(f"{i}_n"),
            bad.sum().alias(f"{i}_bad"),
            pl.arg_where(bad).head(MAX_EVIDENCE).implode().alias(f"{i}_rows"),
        ]
    r = lf.select(exprs).collect().row(0, named=True)
    return {
        rule.id: {
            "evaluated": int(r[f"{i}_n"]),
            "violations": int(r[f"{i}_bad"]),
            "rows": list(r[f"{i}_rows"]),
        }
        for i, rule in enumerate(contract.rules)
    }


def _needs_hash(t: TimeStats | None, *, keyed: bool) -> bool:
    """With a sorted time key and no duplicated key, no row can repeat: no hash is needed."""
    return not (t is not None and t.sorted and keyed and t.dup_keys == 0)


def _duplicates(lf: pl.LazyFrame, out: TableStats, names: list[str], count: int) -> None:
    """Whole-row duplicates on the data columns ``names`` beyond the first occurrence.

    With a sorted time key, ``scan_table`` compares the gathered rows of duplicated keys exactly
    (no extra pass). Otherwise rows are compared by a 64-bit hash of all their values, counted
    in the column pass (``count``; a collision is ~2^-64 per pair); memory: the hashes, never
    the rows. Only when there are duplicates, a second query finds their rows (the evidence).
    """
    out.dup_rows = count
    if out.dup_rows:
        h = lf.select(h=pl.struct(names).hash(seed=0))
        rows = (
            h.with_row_index("__row")
            .filter(~pl.col("h").is_first_distinct())
            .head(MAX_EVIDENCE)
            .collect()
        )
        out.dup_row_rows = rows["__row"].to_list()


def _labels(lf: pl.LazyFrame, out: TableStats, contract: Contract, features: list[str]) -> None:
    y = str(contract.target)
    dtype = out.schema[y]
    distinct = int(lf.select(pl.col(y).drop_nulls().n_unique()).collect().item())
    if dtype.startswith("Float") or distinct > MAX_CLASSES or distinct == 0:
        return
    cls = lf.group_by(y).agg(n=pl.len()).drop_nulls(y).sort(y).collect()
    out.classes = {str(k): int(v) for k, v in cls.iter_rows()}
    if not features:
        return
    g = (
        lf.drop_nulls(y)
        .select(h=pl.struct(features).hash(seed=0), y=pl.col(y))
        .group_by("h")
        .agg(n=pl.len(), k=pl.col("y").n_unique())
        .filter(pl.col("k") > 1)
        .select(rows=pl.col("n").sum(), groups=pl.len())
        .collect(engine="streaming")
    )
    out.label_conflicts = int(g["rows"][0] or 0)
    out.label_conflict_groups = int(g["groups"][0] or 0)


def _spike_profile(lf: pl.LazyFrame, out: TableStats) -> dict[str, Any] | None:
    """One small query on one column and the time column: bounded data for the spike chart."""
    t = out.time
    top = max(out.columns.values(), key=lambda st: st.spikes, default=None)
    if t is None or top is None or not top.spikes or not t.bucket_ends:
        return None
    c, ends = top.name, t.bucket_ends
    starts = [0, *ends[:-1]]
    x = pl.col(c).fill_nan(None) if top.dtype.startswith("Float") else pl.col(c)
    exprs = []
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        part = x.slice(a, b - a)
        exprs += [
            part.min().cast(pl.Float64).alias(f"min{i}"),
            part.mean().cast(pl.Float64).alias(f"mean{i}"),
            part.max().cast(pl.Float64).alias(f"max{i}"),
            pl.col(t.column).slice(a, b - a).first().alias(f"t{i}"),
        ]
    rows = pl.Series(top.spike_rows, dtype=pl.Int64)
    exprs += [
        pl.col(t.column).gather(rows).implode().alias("spike_t"),
        x.gather(rows).cast(pl.Float64).implode().alias("spike_v"),
    ]
    r = lf.select(exprs).collect(engine="in-memory").row(0, named=True)
    buckets = [
        {"time": str(r[f"t{i}"]), "min": r[f"min{i}"], "mean": r[f"mean{i}"], "max": r[f"max{i}"]}
        for i in range(len(ends))
        if r[f"t{i}"] is not None
    ]
    spikes = [
        {"time": str(tt), "value": v, "row": row}
        for tt, v, row in zip(r["spike_t"], r["spike_v"], top.spike_rows, strict=True)
    ]
    return {"column": c, "buckets": buckets, "spikes": spikes}
