"""Parse and run a rows query (columns, filters, time window) over a product's Parquet table.

Values are parsed by the column's type; every problem is a ``ParameterError`` naming the query
parameter. Totals per query are cached per product file (the file never changes).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import polars as pl

from mfgdata.api.deps import ParameterError, ProductFiles, ProductRef

OPS = ("eq", "ne", "gt", "gte", "lt", "lte")
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")
MAX_COUNTS = 1024
#: rows per chunk of the in-memory table (the unit a page reads)
CHUNK = 32_768


@dataclass(frozen=True)
class RowQuery:
    columns: tuple[str, ...]
    filters: tuple[tuple[str, str, Any], ...]
    start: datetime | None
    end: datetime | None
    time_column: str | None

    def key(self, product: ProductRef) -> str:
        """A hash of everything that selects rows (not the page size)."""
        raw = orjson.dumps(
            [
                product.product_id,
                product.version,
                product.manifest_sha256,
                self.columns,
                [[c, op, repr(v)] for c, op, v in self.filters],
                self.start,
                self.end,
            ]
        )
        return hashlib.sha256(raw).hexdigest()[:24]

    def plan(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        return self.filtered(lf).select(self.columns)

    def filtered(self, lf: pl.LazyFrame) -> pl.LazyFrame:
        exprs = [_expr(c, op, v) for c, op, v in self.filters]
        if self.time_column and self.start is not None:
            exprs.append(pl.col(self.time_column) >= self.start)
        if self.time_column and self.end is not None:
            exprs.append(pl.col(self.time_column) < self.end)
        return lf.filter(*exprs) if exprs else lf


def _expr(column: str, op: str, value: Any) -> pl.Expr:
    col = pl.col(column)
    lit = pl.lit(value)
    return {
        "eq": col == lit,
        "ne": col != lit,
        "gt": col > lit,
        "gte": col >= lit,
        "lt": col < lit,
        "lte": col <= lit,
    }[op]


def parse_time(param: str, raw: str, dtype: pl.DataType | None, zone: tzinfo) -> datetime:
    """ISO 8601 date or date-time; a naive value is in ``zone``; matched to the column's zone."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as e:
        raise ParameterError(
            param, f"날짜/시간(ISO 8601)이 아닙니다: {raw!r}", f"not an ISO 8601 date/time: {raw!r}"
        ) from e
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        value = value.astimezone(zone).replace(tzinfo=None)
    elif isinstance(dtype, pl.Datetime) and dtype.time_zone:
        value = value.astimezone(ZoneInfo(dtype.time_zone))
    return value


def parse_value(param: str, raw: str, dtype: pl.DataType, zone: tzinfo) -> Any:
    """``raw`` as a value of ``dtype``; ParameterError when it is not one."""
    text = raw.strip()
    try:
        if dtype.is_integer():
            return int(text)
        if dtype.is_float() or dtype.is_decimal():
            return float(text)
        if dtype == pl.Boolean:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise ValueError(text)
        if isinstance(dtype, pl.Datetime):
            return parse_time(param, text, dtype, zone)
        if dtype == pl.Date:
            return date.fromisoformat(text)
    except ValueError as e:
        raise ParameterError(
            param,
            f"열 형식({dtype})에 맞지 않는 값입니다: {raw!r}",
            f"value {raw!r} does not match the column type {dtype}",
        ) from e
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return raw
    raise ParameterError(
        param,
        f"이 열 형식({dtype})은 필터할 수 없습니다",
        f"columns of type {dtype} cannot be filtered",
    )


def _split_filter(key: str, schema: pl.Schema) -> tuple[str, str]:
    name = key[2:]
    if name in schema:
        return name, "eq"
    if "__" in name:
        column, op = name.rsplit("__", 1)
        if op in OPS and column in schema:
            return column, op
    raise ParameterError(
        key, f"알 수 없는 열 또는 연산자입니다: {name}", f"unknown column or operator: {name}"
    )


def parse_query(
    files: ProductFiles,
    *,
    filters: list[tuple[str, str]],
    columns: str | None,
    start: str | None,
    end: str | None,
    zone: tzinfo,
) -> RowQuery:
    schema = files.query_schema  # the flags can be selected and filtered on, not shown unasked
    if columns:
        chosen = tuple(dict.fromkeys(c.strip() for c in columns.split(",") if c.strip()))
        unknown = [c for c in chosen if c not in schema]
        if unknown or not chosen:
            raise ParameterError(
                "columns",
                f"알 수 없는 열입니다: {', '.join(unknown)}",
                f"unknown column(s): {', '.join(unknown)}",
            )
    else:
        chosen = tuple(files.schema.names())
    parsed = []
    for key, raw in filters:
        column, op = _split_filter(key, schema)
        parsed.append((column, op, parse_value(key, raw, schema[column], zone)))
    time_column = files.time_column
    if (start or end) and time_column is None:
        raise ParameterError(
            "start" if start else "end",
            "이 제품에는 시간 열이 없습니다",
            "this product has no time column",
        )
    tdtype = schema[time_column] if time_column else None
    return RowQuery(
        columns=chosen,
        filters=tuple(sorted(parsed, key=lambda f: (f[0], f[1], repr(f[2])))),
        start=parse_time("start", start, tdtype, zone) if start else None,
        end=parse_time("end", end, tdtype, zone) if end else None,
        time_column=time_column,
    )


def chunk_counts(files: ProductFiles, query: RowQuery, key: str) -> list[int]:
    """Matching rows per chunk of the in-memory table (cached per query)."""
    counts: OrderedDict[str, list[int]] = files.memo("counts", OrderedDict)
    found = counts.get(key)
    if found is not None:
        return found
    df = files.frame()
    per = (
        query.filtered(df.lazy().with_row_index("__row"))
        .group_by((pl.col("__row") // CHUNK).alias("chunk"))
        .len()
        .collect()
    )
    made = [0] * (df.height // CHUNK + 1)
    for chunk, n in per.iter_rows():
        made[chunk] = n
    with files._lock:
        counts[key] = made
        while len(counts) > MAX_COUNTS:
            counts.popitem(last=False)
    return made


def page_rows(
    files: ProductFiles, query: RowQuery, key: str, offset: int, limit: int
) -> pl.DataFrame:
    """Rows ``offset .. offset+limit`` (one more, to know whether a next page exists).

    Chunks without matches before ``offset`` are skipped and reading stops once the page is
    full, so a page costs one chunk's filter, not the table's.
    """
    df = files.frame()
    need, skip, parts = limit + 1, offset, []
    for i, n in enumerate(chunk_counts(files, query, key)):
        if n == 0 or skip >= n:
            skip -= min(skip, n)
            continue
        part = query.plan(df.slice(i * CHUNK, CHUNK).lazy()).slice(skip, need).collect()
        skip = 0
        parts.append(part)
        need -= part.height
        if need <= 0:
            break
    return pl.concat(parts) if parts else query.plan(df.head(0).lazy()).collect()


def count_rows(files: ProductFiles, query: RowQuery, key: str) -> int:
    """Rows matching ``query`` (cached per query: the file is immutable)."""
    return sum(chunk_counts(files, query, key))
