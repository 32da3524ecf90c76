"""The state threaded through the operations of a recipe while it is applied.

Every operation checks the columns it names against the schema *as it is at that point* (after a
rename the new name exists, after a drop it does not), builds lazy polars work, and records its
change counts as a one-row lazy aggregate; nothing is collected until all operations are planned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from polars._typing import EngineType

from mfgdata.errors import RecipeError

#: Prefix of scratch columns; a recipe may not name such a column.
SCRATCH = "__mfg_"
#: Key of a record that holds the records of several columns counted in one query.
SHARED = "\x00columns"


@dataclass
class ColumnMeta:
    """Schema metadata of one output column."""

    name: str
    source: str | None
    unit: str | None = None
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "unit": self.unit,
            "description": self.description,
        }


@dataclass
class State:
    lf: pl.LazyFrame
    meta: dict[str, ColumnMeta]
    time_column: str | None = None
    id_column: str | None = None
    file: str | None = None
    index: int = 0
    op: str = ""
    schema: dict[str, pl.DataType] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    stats: list[pl.LazyFrame] = field(default_factory=list)
    #: rows of the input table, when known (sizes the column batches of ``fused``)
    rows: int | None = None
    #: the engine that collects the counts (``in-memory`` for a batch of a wide table)
    engine: EngineType = "auto"

    def refresh(self, lf: pl.LazyFrame | None = None) -> None:
        """Take ``lf`` as the new frame and re-plan its schema (planning only, no data)."""
        if lf is not None:
            self.lf = lf
        try:
            self.schema = dict(self.lf.collect_schema())
        except pl.exceptions.PolarsError as e:
            raise self.error(None, f"계획할 수 없습니다: {e}", f"cannot be planned: {e}") from e
        self.meta = {n: self.meta.get(n, ColumnMeta(name=n, source=None)) for n in self.schema}
        if self.time_column not in self.schema:
            self.time_column = None
        if self.id_column not in self.schema:
            self.id_column = None

    def where(self) -> tuple[str, str]:
        return (
            f"레시피 steps[{self.index}] ({self.op})",
            f"recipe steps[{self.index}] ({self.op})",
        )

    def error(self, column: str | None, ko: str, en: str) -> RecipeError:
        wko, wen = self.where()
        return RecipeError(f"{wko}: {ko}", f"{wen}: {en}", file=self.file, column=column)

    def need(self, *columns: str) -> None:
        """Every column must exist now; otherwise a RecipeError naming it."""
        for c in columns:
            if c not in self.schema:
                known = ", ".join(list(self.schema)[:20])
                raise self.error(
                    c,
                    f"열 '{c}'이(가) 없습니다 (현재 열: {known})",
                    f"unknown column '{c}' (columns now: {known})",
                )

    def numeric(self, *columns: str) -> None:
        self.need(*columns)
        for c in columns:
            if not self.schema[c].is_numeric():
                raise self.error(
                    c,
                    f"열 '{c}'은(는) 숫자가 아닙니다 ({self.schema[c]}); 먼저 cast 하세요",
                    f"column '{c}' is not numeric ({self.schema[c]}); cast it first",
                )

    def fresh(self, name: str) -> None:
        """``name`` is a valid new column name."""
        if name in self.schema:
            raise self.error(name, f"열 '{name}'이(가) 이미 있습니다", f"column '{name}' exists")
        if name.startswith(SCRATCH):
            raise self.error(name, "예약된 열 이름입니다", "reserved column name")

    def time(self) -> str:
        """The time column, which must exist and be a date/datetime."""
        t = self.time_column
        if t is None:
            raise self.error(
                None,
                "시간 열이 필요합니다 (레시피의 time_column)",
                "a time column is needed (the recipe's time_column)",
            )
        self.need(t)
        if not self.schema[t].is_temporal():
            raise self.error(
                t,
                f"시간 열 '{t}'이(가) 날짜/시간 형식이 아닙니다",
                f"time column '{t}' is not a date/time",
            )
        return t

    def over(self, expr: pl.Expr) -> pl.Expr:
        """``expr`` per entity when an id column is set."""
        if self.id_column is not None and self.id_column in self.schema:
            return expr.over(self.id_column)
        return expr

    def entity(self) -> str | None:
        """The id column when it is set and exists (what :meth:`over` partitions by)."""
        if self.id_column is not None and self.id_column in self.schema:
            return self.id_column
        return None

    def record(self, column: str | None, stats: pl.LazyFrame, **extra: Any) -> None:
        """One entry of ``operations``; ``stats`` is a one-row lazy aggregate of counts."""
        self.records.append({"index": self.index, "op": self.op, "column": column, **extra})
        self.stats.append(stats)

    def record_cells(self, column: str | None, changed: pl.Expr, **extra: pl.Expr) -> None:
        """Counts of a column-wise change: ``changed`` is a per-row boolean on the current frame."""
        exprs = [
            changed.sum().cast(pl.Int64).alias("rows_affected"),
            changed.sum().cast(pl.Int64).alias("cells_affected"),
            *[e.sum().cast(pl.Int64).alias(k) for k, e in extra.items()],
        ]
        self.record(column, self.lf.select(exprs))

    def record_columns(
        self, entries: list[tuple[str, dict[str, pl.Expr], dict[str, Any]]], on: pl.LazyFrame
    ) -> None:
        """Several column-wise changes counted in one query on ``on``: per entry (column, counts
        as per-row booleans, extra fields); the records read as :meth:`record_cells` ones."""
        exprs = [
            e.sum().cast(pl.Int64).alias(f"{i}\x00{k}")
            for i, (_, counts, _) in enumerate(entries)
            for k, e in counts.items()
        ]
        group = [
            {"index": self.index, "op": self.op, "column": c, **extra} for c, _, extra in entries
        ]
        self.records.append({SHARED: group})
        self.stats.append(on.select(exprs))

    def record_rows(self, after: pl.LazyFrame, column: str | None = None, **extra: Any) -> None:
        """Counts of a row-dropping change from the current frame to ``after``."""
        width = len(self.schema)
        before = self.lf.select(pl.len().cast(pl.Int64).alias("rows_before"))
        stats = before.join(
            after.select(pl.len().cast(pl.Int64).alias("rows_after")), how="cross"
        ).with_columns(
            rows_affected=pl.col("rows_before") - pl.col("rows_after"),
            cells_affected=(pl.col("rows_before") - pl.col("rows_after")) * width,
        )
        self.record(column, stats, **extra)

    def counted(self, sinks: list[pl.LazyFrame] | None = None) -> list[dict[str, Any]]:
        """Collect every recorded aggregate at once (common sub-plans are shared); a list value
        (a sample of row numbers) is kept as a list, every other value is a count. ``sinks``
        (lazy sinks of the result) run in the same query, sharing its sub-plans."""
        queries = self.stats + list(sinks or [])
        frames = pl.collect_all(queries, engine=self.engine)[: len(self.stats)] if queries else []
        out = []
        for rec, df in zip(self.records, frames, strict=True):
            row = df.row(0, named=True)
            counts = {k: v if isinstance(v, list) else int(v or 0) for k, v in row.items()}
            if SHARED not in rec:
                out.append({**rec, **counts})
                continue
            for i, entry in enumerate(rec[SHARED]):
                mine = {
                    k.split("\x00", 1)[1]: v for k, v in counts.items() if k.startswith(f"{i}\x00")
                }
                out.append({**entry, **mine})
        return out

    def planned(self) -> list[dict[str, Any]]:
        """The records without their counts (one per column of a shared record)."""
        return [e for r in self.records for e in r.get(SHARED, [r])]
