"""All passes over the table, in order: time axis, value columns, rules, duplicates, labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import polars as pl

from mfgdata.errors import ConfigError
from mfgdata.quality import backend
from mfgdata.quality.columns import ColumnStats, Params, RowDuplicates, scan_columns
from mfgdata.quality.contract import Contract
from mfgdata.quality.datacolumns import data_columns
from mfgdata.quality.findings import MAX_EVIDENCE
from mfgdata.quality.rules import compile_rule, uses_modulo
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
    lf: Any, contract: Contract, params: Params, interval_s: float | None = None
) -> TableStats:
    """``lf``: a Polars frame or a Spark one (:class:`mfgdata.engine.SparkFrame`); every pass is
    written once (narwhals, and :mod:`mfgdata.quality.backend` where the engines differ)."""
    f, row, schema = backend.table(lf)
    if row is not None:  # Spark: refuse what would silently differ, before reading anything
        for rule in contract.rules:
            if uses_modulo(rule.expression):
                raise ConfigError(
                    f"규칙 '{rule.id}'의 나머지 연산(%)은 Spark 엔진에서 Polars와 결과가 "
                    "다릅니다 (음수의 부호, 0으로 나누기): --engine polars 로 빌드하세요",
                    f"rule '{rule.id}' takes a remainder (%), which Spark computes differently "
                    "from Polars (sign of negatives, x % 0): build with --engine polars",
                )
    rows = int(backend.collect_polars(f.select(nw.len())).item())
    tcol = contract.time_column if contract.time_column in schema else None
    idc = contract.id_column if contract.id_column in schema else None
    time = None
    if tcol and is_time(schema[tcol]):
        time = scan_time(
            f,
            tcol,
            schema[tcol],
            id_column=idc,
            interval_s=interval_s,
            gap_factor=params.gap_factor,
            buckets=params.buckets,
            row=row,
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
    # rows sharing a time with a neighbour hold every duplicate, unless a time is null
    near = time.near_rows if time is not None and idc is None and not time.nulls else []
    data = data_columns(schema)
    hashed = None
    if not near and _needs_hash(time, [c for c in (tcol, idc) if c], data):
        hashed = RowDuplicates(data)  # counted in the column pass
    gathered = scan_columns(
        f,
        stats,
        rows=rows,
        params=params,
        over=idc,
        bucket_ends=ends,
        gather_rows=near,
        duplicates=hashed,
        row=row,
    )
    out = TableStats(
        rows=rows,
        schema={k: str(v) for k, v in schema.items()},
        columns={s.name: s for s in stats},
        time=time,
    )
    out.spike_profile = _spike_profile(f, row, schema, out)
    out.rules = _rules(f, row, contract, list(schema))
    if near:
        if row is None:
            cand = pl.DataFrame(gathered, schema=schema)
        else:  # Spark's values: back in the table's types (zones, categoricals)
            cand = backend.as_types(pl.DataFrame(gathered), dict(schema)).select(list(schema))
        cand = cand.with_columns(__row=pl.Series(near))
        mask = ~cand.select(pl.struct(data).is_first_distinct()).to_series()
        out.dup_rows = int(mask.sum())
        out.dup_row_rows = cand.filter(mask)["__row"].head(MAX_EVIDENCE).to_list()
    elif hashed is not None:
        _duplicates(f, row, out, data, hashed.count)
    out.dup_columns = data
    if contract.target and contract.target in schema:
        _labels(
            f,
            schema,
            out,
            contract,
            [c for c in data if c not in (contract.target, tcol, idc)],
        )
    return out


def _rules(
    f: nw.LazyFrame[Any], row: str | None, contract: Contract, names: list[str]
) -> dict[str, dict[str, Any]]:
    """Per rule: rows where all its columns are present, rows violating it, the first
    violating rows. The same on both engines (a rule with ``%`` is refused on Spark by
    :func:`scan_table`)."""
    if not contract.rules:
        return {}
    g, row = backend.with_row(f, row, "__mfgq_rrow")
    counts: list[nw.Expr] = []
    bads: list[nw.Expr] = []
    for i, rule in enumerate(contract.rules):
        expr, used = compile_rule(rule.expression, names, ns=nw)
        evaluated = nw.all_horizontal(*(~nw.col(c).is_null() for c in used), ignore_nulls=True)
        bad = evaluated & ~expr.fill_null(True)
        bads.append(bad)
        counts += [
            evaluated.cast(nw.Int64).sum().alias(f"{i}_n"),
            bad.cast(nw.Int64).sum().alias(f"{i}_bad"),
        ]

    def evidence(res: dict[str, Any] | None) -> dict[str, nw.LazyFrame[Any]]:
        return {
            str(i): g.filter(bad).select(nw.col(row)).sort(row).head(MAX_EVIDENCE)
            for i, bad in enumerate(bads)
            if res is None or res[f"{i}_bad"]
        }

    r, evs = backend.collect_pass(g.select(*counts), evidence)
    empty: list[int] = []
    return {
        rule.id: {
            "evaluated": int(r[f"{i}_n"] or 0),
            "violations": int(r[f"{i}_bad"] or 0),
            "rows": [int(v) for v in evs[str(i)][row]] if str(i) in evs else empty,
        }
        for i, rule in enumerate(contract.rules)
    }


def _needs_hash(t: TimeStats | None, key: list[str], data: list[str]) -> bool:
    """No hash is needed when no row can repeat: the time key (with the entity, when there is
    one: the time axis compares times within each entity) is sorted, never repeated and never
    null, and its columns are data columns. A null time has no difference to its neighbour, so
    two identical rows with a null time are only found by the hash."""
    unique_key = t is not None and t.sorted and t.dup_keys == 0 and t.nulls == 0
    return not (unique_key and all(c in data for c in key))


def _duplicates(
    f: nw.LazyFrame[Any], row: str | None, out: TableStats, names: list[str], count: int
) -> None:
    """Whole-row duplicates on the data columns ``names`` beyond the first occurrence.

    With a sorted time key, ``scan_table`` compares the gathered rows of duplicated keys exactly
    (no extra pass). Otherwise rows are compared by a 64-bit hash of all their values, counted
    in the column pass (``count``; a collision is ~2^-64 per pair); memory: the hashes, never
    the rows. Only when there are duplicates, a second query finds their rows (the evidence):
    the rows after the first of their hash.
    """
    out.dup_rows = count
    if out.dup_rows:
        g, row = backend.with_row(f, row, "__row")
        h = backend.row_hash(g.select(nw.col(row), *(nw.col(c) for c in names)), names, "h")
        later = h.filter(nw.col(row) > nw.col(row).min().over("h"))
        rows = backend.collect_polars(later.select(nw.col(row)).sort(row).head(MAX_EVIDENCE))
        out.dup_row_rows = [int(v) for v in rows[row]]


def _labels(
    f: nw.LazyFrame[Any],
    schema: pl.Schema,
    out: TableStats,
    contract: Contract,
    features: list[str],
) -> None:
    y = str(contract.target)
    dtype = out.schema[y]
    labelled = f.filter(~nw.col(y).is_null())
    distinct = int(backend.collect_polars(labelled.select(nw.col(y).n_unique())).item())
    if dtype.startswith("Float") or distinct > MAX_CLASSES or distinct == 0:
        return
    per = labelled.group_by(y).agg(nw.len().alias("n"))
    cls = backend.as_types(backend.collect_polars(per), {y: schema[y]}).sort(y)
    out.classes = {str(k): int(v) for k, v in cls.select(y, "n").iter_rows()}
    if not features:
        return
    h = backend.row_hash(labelled.select(*(nw.col(c) for c in [*features, y])), features, "h")
    g = backend.collect_polars(
        h.group_by("h")
        .agg(nw.len().alias("n"), nw.col(y).n_unique().alias("k"))
        .filter(nw.col("k") > 1)
        .select(nw.col("n").sum().alias("rows"), nw.len().alias("groups"))
    )
    out.label_conflicts = int(g["rows"][0] or 0)
    out.label_conflict_groups = int(g["groups"][0] or 0)


def _spike_profile(
    f: nw.LazyFrame[Any], row: str | None, schema: pl.Schema, out: TableStats
) -> dict[str, Any] | None:
    """One small query on one column and the time column: bounded data for the spike chart."""
    t = out.time
    top = max(out.columns.values(), key=lambda st: st.spikes, default=None)
    if t is None or top is None or not top.spikes or not t.bucket_ends:
        return None
    c, ends = top.name, t.bucket_ends
    r = backend.bucket_profile(
        f,
        c,
        t.column,
        row=row,
        float_values=top.dtype.startswith("Float"),
        ends=ends,
        rows=top.spike_rows,
        dtypes=dict(schema),
    )
    buckets = [
        {"time": str(r[f"t{i}"]), "min": r[f"min{i}"], "mean": r[f"mean{i}"], "max": r[f"max{i}"]}
        for i in range(len(ends))
        if r[f"t{i}"] is not None
    ]
    spikes = [
        {"time": str(tt), "value": v, "row": at}
        for tt, v, at in zip(r["spike_t"], r["spike_v"], top.spike_rows, strict=True)
    ]
    return {"column": c, "buckets": buckets, "spikes": spikes}
