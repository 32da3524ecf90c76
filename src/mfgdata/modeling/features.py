"""The feature matrix: numeric columns and encoded categoricals, read lazily and bounded.

Ids, time stamps, the target and columns derived from it are left out (with the reason recorded).
Only the needed columns are materialised; above ``max_rows`` rows every k-th row is kept (the
sampling is recorded). The same ``FeatureSpec`` turns new data into the same matrix (predict).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from mfgdata.modeling.tasks import Task
from mfgdata.quality.datacolumns import FLAG_SUFFIX

_ID_NAME = re.compile(r"(^|_)(id|idx|index|no|nr|key|uuid|번호|순번)$|^$|^source_file$", re.I)
MAX_CATEGORIES = 50
ROLL_WINDOW = 10
#: Columns per statistics query: the streaming engine keeps a state per aggregate, so one query
#: over 2,000 columns took 1.4 GB (issue 13); batches keep a wide table's step bounded.
STATS_COLUMNS = 128
#: |correlation| with the target above this: the column is taken as derived from the target.
LEAK_CORR = 0.999


@dataclass(frozen=True)
class FeatureSpec:
    """How to build the matrix from a table; JSON-serialisable via ``to_dict``."""

    features: list[dict[str, Any]]
    target: str | None
    task: str
    group: str | None
    time: str | None
    classes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.features]

    @property
    def sources(self) -> list[str]:
        out = [f["source"] for f in self.features]
        if any(f["kind"] == "rolling_mean" for f in self.features):
            out += [c for c in (self.group, self.time) if c]
        return list(dict.fromkeys(out))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "target": self.target,
            "task": self.task,
            "group": self.group,
            "time": self.time,
            "classes": self.classes,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureSpec:
        return cls(d["features"], d["target"], d["task"], d["group"], d["time"], d["classes"])


@dataclass(frozen=True)
class FeatureMatrix:
    X: NDArray[np.float64]
    y: NDArray[Any] | None
    groups: NDArray[Any] | None
    time: NDArray[Any] | None
    spec: FeatureSpec
    excluded: dict[str, str]
    sampling: dict[str, Any]


def _exprs(spec: FeatureSpec) -> list[pl.Expr]:
    out = []
    for f in spec.features:
        src = pl.col(f["source"])
        if f["kind"] == "categorical":
            mapping = {c: float(i) for i, c in enumerate(f["categories"])}
            e = src.cast(pl.String).replace_strict(mapping, default=None, return_dtype=pl.Float64)
        elif f["kind"] == "rolling_mean":
            e = src.cast(pl.Float64).rolling_mean(f["window"], min_samples=1)
            e = e.over(spec.group, order_by=spec.time) if spec.group else e
        else:
            e = src.cast(pl.Float64)
        out.append(e.alias(f["name"]))
    return out


def transform(frame: pl.DataFrame | pl.LazyFrame, spec: FeatureSpec) -> NDArray[np.float64]:
    """The feature matrix for ``frame`` (columns already checked by the caller)."""
    lf = frame.lazy().select(_exprs(spec))
    df = lf.collect(engine="streaming")
    return df.to_numpy().astype(np.float64) if df.width else np.zeros((df.height, 0))


def _rows(
    lf: pl.LazyFrame, keys: list[str], cols: list[str], spec: FeatureSpec, step: int
) -> pl.DataFrame:
    """``lf`` sorted by ``keys``, its ``cols`` and the features, every ``step``-th row.

    Without a rolling feature (the features are row-wise) only the keys and a row number are
    sorted and sampled; the chosen rows are then read in one streaming pass and put in the sorted
    order: the same rows in the same order as sorting the whole table, in the memory of the keys
    and the sample rather than of every column of every row (issue 12)."""
    rolling = any(f["kind"] == "rolling_mean" for f in spec.features)
    if rolling or not keys:
        wide = (lf.sort(keys) if keys else lf).select(cols).with_columns(_exprs(spec))
        return (wide.gather_every(step) if step > 1 else wide).collect(engine="streaming")
    row = "__mfg_feature_row"
    order = lf.with_row_index(row).select(row, *keys).sort(keys)
    if step > 1:
        order = order.gather_every(step)
    chosen = order.select(row).collect(engine="streaming").to_series()
    picked = (
        lf.with_row_index(row)
        .filter(pl.col(row).is_in(chosen.implode()))
        .select(cols)
        .with_columns(_exprs(spec))
        .collect(engine="streaming")
    )  # in table order: row i of ``picked`` is the i-th smallest chosen row number
    rank = np.empty(len(chosen), dtype=np.int64)
    rank[np.argsort(chosen.to_numpy(), kind="stable")] = np.arange(len(chosen))
    return picked[rank]


def _derived_name(name: str, target: str) -> bool:
    """``RUL_clipped``, ``log_RUL``, ``불량률 (보정)`` for target ``RUL`` / ``불량률``."""
    t = re.escape(target.strip())
    return bool(re.search(rf"^{t}[\W_]|[\W_]{t}$", name.strip(), re.I))


def _choose(
    lf: pl.LazyFrame, task: Task, exclude: set[str]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    schema = lf.collect_schema()
    excluded: dict[str, str] = {}
    keys = {task.target: "target", task.group: "group id", task.time: "time"}
    candidates: list[str] = []
    for name, dtype in schema.items():
        age = task.kind == "rul" and name == task.time and dtype.is_numeric()
        if name in keys and not age:  # a cycle counter is the unit's age: a valid RUL input
            excluded[name] = str(keys[name])
            continue
        if name in exclude:
            excluded[name] = "excluded by option"
        elif name.endswith(FLAG_SUFFIX):  # a caller of predict never has the build's flags
            excluded[name] = "quality flag (data/flags.parquet), not a model input"
        elif _ID_NAME.search(name):
            excluded[name] = "identifier"
        elif dtype.is_temporal():
            excluded[name] = "time stamp"
        elif task.target and name != task.target and _derived_name(name, task.target):
            excluded[name] = "derived from the target (name)"
        else:
            candidates.append(name)
    stats: dict[str, Any] = {}
    for i in range(0, max(len(candidates), 1), STATS_COLUMNS):  # wide tables: column batches
        batch = candidates[i : i + STATS_COLUMNS]
        stats |= (
            lf.select(
                *[pl.col(c).n_unique().alias(f"u:{c}") for c in batch],
                *[
                    (pl.col(c).max() - pl.col(c).min() + 1).alias(f"s:{c}")
                    for c in batch
                    if schema[c].is_integer()
                ],
                pl.len().alias("__n"),
            )
            .collect(engine="streaming")
            .row(0, named=True)
        )
    features: list[dict[str, Any]] = []
    for name in candidates:
        dtype, uniq = schema[name], stats[f"u:{name}"]
        if dtype.is_numeric() or dtype == pl.Boolean:
            if dtype.is_integer() and uniq == stats["__n"] == stats[f"s:{name}"]:
                excluded[name] = "identifier (row counter)"
            elif uniq <= 1:
                excluded[name] = "constant"
            else:
                features.append({"name": name, "source": name, "kind": "numeric"})
        elif uniq <= MAX_CATEGORIES and uniq > 1:
            cats = lf.select(pl.col(name).cast(pl.String).drop_nulls().unique().sort())
            values = cats.collect().to_series().to_list()
            features.append(
                {"name": name, "source": name, "kind": "categorical", "categories": values}
            )
        else:
            excluded[name] = "free text / too many categories" if uniq > 1 else "constant"
    return features, excluded


def build_features(
    frame: pl.LazyFrame, task: Task, *, exclude: set[str] | None = None, max_rows: int = 1_000_000
) -> FeatureMatrix:
    """Choose the features for ``task`` and materialise them (bounded)."""
    lf = frame if task.target is None else frame.filter(pl.col(task.target).is_not_null())
    keys = [task.group, task.time] if task.group and task.time else [task.time] if task.time else []
    # the column statistics do not depend on the order of the rows: read unsorted
    features, excluded = _choose(lf, task, exclude or set())
    if task.kind == "rul" and task.group and task.time:
        features += [
            {
                "name": f"{f['source']}__mean{ROLL_WINDOW}",
                "source": f["source"],
                "kind": "rolling_mean",
                "window": ROLL_WINDOW,
            }
            for f in list(features)
            if f["kind"] == "numeric" and f["source"] != task.time
        ]
    spec = FeatureSpec(features, task.target, task.kind, task.group, task.time, list(task.classes))
    extra = [c for c in (task.target, task.group, task.time) if c]
    cols = list(dict.fromkeys([*spec.sources, *extra]))
    total = int(lf.select(pl.len()).collect().item())
    step = max(1, -(-total // max_rows))
    df = _rows(lf, [str(k) for k in keys], cols, spec, step)
    sampling = {
        "rows_total": total,
        "rows_used": df.height,
        "every_kth_row": step,
        "method": "systematic: every k-th row in time order" if step > 1 else "none",
    }
    X = (
        df.select(spec.names).to_numpy().astype(np.float64, copy=False)
        if spec.names
        else np.zeros((df.height, 0))
    )
    y: NDArray[Any] | None = None
    if task.target is not None:
        if task.kind == "classification":
            codes = {c: i for i, c in enumerate(task.classes)}
            # the same text form as the task's classes (Polars: booleans are "true"/"false")
            labels = df[task.target].cast(pl.String).to_list()
            y = np.array([codes[str(v)] for v in labels], dtype=np.int64)
        else:
            y = df[task.target].cast(pl.Float64).to_numpy()
            X, spec = _drop_leaks(X, y, spec, excluded)
    for f, col in zip(spec.features, X.T, strict=True):
        finite = col[np.isfinite(col)]
        if len(finite):
            q = np.quantile(finite, [0.0, 0.5, 1.0])
            f["stats"] = {
                "min": float(q[0]),
                "median": float(q[1]),
                "max": float(q[2]),
                "std": float(finite.std()),
            }
    groups = df[task.group].to_numpy() if task.group else None
    time = df[task.time].to_physical().to_numpy() if task.time else None
    return FeatureMatrix(X, y, groups, time, spec, excluded, sampling)


def rebuild(frame: pl.LazyFrame, spec: FeatureSpec, every_kth_row: int = 1) -> FeatureMatrix:
    """The matrix :func:`build_features` made for ``spec`` (same rows, same order, same sampling):
    a later step re-derives the model's split from it without a copy of the rows."""
    lf = frame if spec.target is None else frame.filter(pl.col(spec.target).is_not_null())
    keys = [c for c in (spec.group, spec.time) if c]
    cols = list(dict.fromkeys([*spec.sources, *[c for c in (spec.target, *keys) if c]]))
    df = _rows(lf, keys if spec.time else [], cols, spec, every_kth_row)
    X = df.select(spec.names).to_numpy().astype(np.float64, copy=False)
    y: NDArray[Any] | None = None
    if spec.target is not None and spec.task == "classification":
        codes = {c: i for i, c in enumerate(spec.classes)}
        y = np.array([codes[str(v)] for v in df[spec.target].cast(pl.String)], dtype=np.int64)
    elif spec.target is not None:
        y = df[spec.target].cast(pl.Float64).to_numpy()
    groups = df[spec.group].to_numpy() if spec.group else None
    time = df[spec.time].to_physical().to_numpy() if spec.time else None
    sampling = {"rows_used": df.height, "every_kth_row": every_kth_row}
    return FeatureMatrix(X, y, groups, time, spec, {}, sampling)


def _drop_leaks(
    X: NDArray[np.float64], y: NDArray[Any], spec: FeatureSpec, excluded: dict[str, str]
) -> tuple[NDArray[np.float64], FeatureSpec]:
    keep = []
    for j, f in enumerate(spec.features):
        col = X[:, j]
        ok = np.isfinite(col) & np.isfinite(y)
        if ok.sum() > 2 and col[ok].std() > 0 and y[ok].std() > 0:
            r = abs(float(np.corrcoef(col[ok], y[ok])[0, 1]))
            if r >= LEAK_CORR:
                excluded[f["name"]] = f"derived from the target (|r| = {r:.4f})"
                continue
        keep.append(j)
    feats = [spec.features[j] for j in keep]
    return X[:, keep], FeatureSpec(
        feats, spec.target, spec.task, spec.group, spec.time, spec.classes
    )
