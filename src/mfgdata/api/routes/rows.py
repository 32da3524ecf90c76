"""Open API rows of a product: column selection, filters, time windows, cursor paging, formats.

``GET /api/v1/products/{id}/versions/{v}/rows?columns=a,b&f.a=x&f.b__gte=1&start=...&end=...``
reads ``data/table.parquet`` through a Polars lazy scan (filters are pushed down to row groups).
A cursor is opaque: base64url of ``{offset, query hash}``; it is refused on any other query.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import anyio
import anyio.to_thread
import orjson
import polars as pl
from fastapi import APIRouter, Depends, Query, Request, Response

from mfgdata.api.deps import (
    READ_META,
    READ_ROWS,
    ParameterError,
    ProductFiles,
    ProductRef,
    ProductStore,
    get_settings_dep,
    get_store,
    json_response,
    product_for,
)
from mfgdata.api.rowquery import count_rows, page_rows, parse_query
from mfgdata.settings import Settings

router = APIRouter(prefix="/api/v1/products/{product_id}/versions/{version}", tags=["rows"])

MAX_LIMIT = 10_000
MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
#: first characters that spreadsheets read as a formula (OWASP CSV injection)
FORMULA_START = r"^[=+\-@\t\r]"
FILTER_DOC = (
    "필터: `f.<열>=값` (같음), `f.<열>__gte=값` (gt, gte, lt, lte, ne); 품질 표시 "
    "`f.<열>__outlier=true` 로 표시된 행만, `columns=` 에 이름을 넣으면 함께 받습니다 / "
    "filters: `f.<column>=value` (equality), `f.<column>__<op>=value` "
    "with op in gt, gte, lt, lte, ne; the quality flags (data/flags.parquet) filter as "
    "`f.<column>__outlier=true` and are returned when named in `columns=`."
)


def encode_cursor(offset: int, key: str) -> str:
    raw = orjson.dumps({"o": offset, "q": key})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, key: str) -> int:
    bad = ParameterError(
        "cursor",
        "커서가 올바르지 않거나 다른 조회의 커서입니다",
        "the cursor is malformed or belongs to another query",
    )
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as e:
        raise bad from e
    if not isinstance(data, dict) or data.get("q") != key:
        raise bad
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad
    return offset


def _format(format: str | None, accept: str) -> str:
    if format:
        return format
    if "text/csv" in accept:
        return "csv"
    if "parquet" in accept:
        return "parquet"
    return "json"


def escape_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to text cells that start like a spreadsheet formula."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
            col = pl.col(name).cast(pl.String)
            exprs.append(
                pl.when(col.str.contains(FORMULA_START))
                .then(pl.lit("'") + col)
                .otherwise(col)
                .alias(name)
            )
    return df.with_columns(exprs) if exprs else df


def _body(fmt: str, df: pl.DataFrame, meta: dict[str, Any]) -> bytes:
    if fmt == "csv":
        return escape_formulas(df).write_csv().encode("utf-8")
    if fmt == "parquet":
        buf = io.BytesIO()
        df.write_parquet(buf)
        return buf.getvalue()
    head = orjson.dumps(meta)[:-1]
    return head + b',"rows":' + df.write_json().encode("utf-8") + b"}"


@router.get(
    "/rows",
    summary="행 조회 / Query rows",
    description=FILTER_DOC,
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
)
async def get_rows(
    request: Request,
    product: Annotated[ProductRef, Depends(product_for(READ_ROWS))],
    columns: Annotated[str | None, Query(description="a,b,c")] = None,
    start: Annotated[str | None, Query(description="시간 열 ≥ / time column ≥ (ISO 8601)")] = None,
    end: Annotated[str | None, Query(description="시간 열 < / time column < (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    format: Annotated[Literal["json", "csv", "parquet"] | None, Query()] = None,
) -> Response:
    # async with one worker-thread hop for the data work: no hop per dependency
    page = RowsPage(
        filters=[(k, v) for k, v in request.query_params.multi_items() if k.startswith("f.")],
        columns=columns,
        start=start,
        end=end,
        limit=limit,
        cursor=cursor,
        fmt=_format(format, request.headers.get("accept", "")),
    )
    store, settings = get_store(request), get_settings_dep(request)
    work = partial(rows_response, product, store, settings, page)
    return await anyio.to_thread.run_sync(work, limiter=_data_limiter())


#: concurrent rows queries (Polars runs each on every core already; more threads only queue)
DATA_THREADS = 4
_LIMITERS: dict[int, anyio.CapacityLimiter] = {}


def _data_limiter() -> anyio.CapacityLimiter:
    """One limiter per event loop (an anyio limiter belongs to the loop that made it)."""
    import asyncio

    loop = id(asyncio.get_running_loop())
    if loop not in _LIMITERS:
        _LIMITERS.clear()
        _LIMITERS[loop] = anyio.CapacityLimiter(DATA_THREADS)
    return _LIMITERS[loop]


@dataclass(frozen=True)
class RowsPage:
    """A rows request, parsed from the query string."""

    filters: list[tuple[str, str]]
    columns: str | None
    start: str | None
    end: str | None
    limit: int
    cursor: str | None
    fmt: str


def rows_response(
    product: ProductRef, store: ProductStore, settings: Settings, page: RowsPage
) -> Response:
    files = store.files(product)
    query = parse_query(
        files,
        filters=page.filters,
        columns=page.columns,
        start=page.start,
        end=page.end,
        zone=ZoneInfo(settings.timezone),
    )
    key = query.key(product)
    limit = page.limit
    offset = decode_cursor(page.cursor, key) if page.cursor else 0
    df = page_rows(files, query, key, offset, limit)
    more = df.height > limit
    df = df.head(limit)
    total = count_rows(files, query, key)
    next_cursor = encode_cursor(offset + limit, key) if more else None
    headers = {
        "X-Total-Count": str(total),
        "X-Row-Count": str(df.height),
        "X-Offset": str(offset),
    }
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    meta = {
        "product_id": product.product_id,
        "version": product.version,
        "columns": df.columns,
        "count": df.height,
        "total": total,
        "offset": offset,
        "next_cursor": next_cursor,
    }
    return Response(_body(page.fmt, df, meta), media_type=MEDIA[page.fmt], headers=headers)


def _schema(files: ProductFiles) -> list[dict[str, Any]]:
    given = {f.get("name"): f for f in files.fields}
    return [
        {**given.get(name, {}), "name": name, "dtype": str(dtype)}
        for name, dtype in files.schema.items()
    ]


@router.get("/schema", summary="표 스키마 / Table schema (from datapackage.json)")
def get_schema(
    product: Annotated[ProductRef, Depends(product_for(READ_META))],
    store: Annotated[ProductStore, Depends(get_store)],
) -> Response:
    files = store.files(product)
    resources = files.datapackage.get("resources") or [{}]
    return json_response(
        {
            "product_id": product.product_id,
            "version": product.version,
            "time_column": files.time_column,
            "primary_key": resources[0].get("schema", {}).get("primaryKey"),
            "fields": _schema(files),
            "flags": [{"name": n, "dtype": str(files.flags_schema[n])} for n in files.flag_names],
        }
    )
