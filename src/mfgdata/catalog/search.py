"""Search the library: Korean and English full text plus facets, one function for both backends.

- SQLite: FTS5 with the trigram tokenizer (``product_search``, kept by triggers) for terms of 3+
  characters, a LIKE on the search text for shorter ones (trigrams cannot match ``사출``);
- PostgreSQL: ``to_tsvector('simple', ...) @@ plainto_tsquery`` for whole words, OR an ILIKE
  substring match (backed by a pg_trgm GIN index when the extension is available).

Every term must match (AND). A product is found through its newest version the viewer may see
(retired versions only with ``include_retired``). Facet counts are exact, over all matches.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from mfgdata.catalog.errors import InvalidQuery
from mfgdata.db.repositories.products import visible_clause
from mfgdata.db.tables import Organisation, Product, ProductVersion, User, utcnow

FACETS = (
    "process_family",
    "problem_type",
    "data_type",
    "organisation",
    "grade",
    "licence",
    "price_range",
    "updated",
)
#: price buckets in KRW: [low, high)
PRICE_RANGES: dict[str, tuple[int, int | None]] = {
    "lt_1m": (0, 1_000_000),
    "1m_10m": (1_000_000, 10_000_000),
    "10m_100m": (10_000_000, 100_000_000),
    "ge_100m": (100_000_000, None),
}
#: age of the version (published, else registered) in days: [low, high)
UPDATED_RANGES: dict[str, tuple[int, int | None]] = {
    "lt_7d": (0, 7),
    "7d_30d": (7, 30),
    "30d_365d": (30, 365),
    "ge_365d": (365, None),
}
FILTERS = (*FACETS, "price_min", "price_max")
SORTS = ("newest", "updated", "price_asc", "price_desc", "grade", "title")
MAX_LIMIT = 200
_NO_PRICE_LAST = Decimal("1e15")


@dataclass(frozen=True)
class SearchResult:
    results: list[ProductVersion]
    facets: dict[str, dict[str, int]]
    total: int
    next_cursor: str | None = None
    terms: list[str] = field(default_factory=list)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _term_clause(term: str, dialect: str, n: int) -> ColumnElement[bool]:
    like = ProductVersion.search_text.ilike(f"%{_escape_like(term)}%", escape="\\")
    if dialect == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        fts = text(f"SELECT rowid FROM product_search WHERE product_search MATCH :q{n}")
        return ProductVersion.id.in_(fts.bindparams(**{f"q{n}": phrase}))
    if dialect == "postgresql":
        simple: ColumnElement[Any] = literal_column("'simple'::regconfig")
        words = func.to_tsvector(simple, ProductVersion.search_text).op("@@", return_type=Boolean)(
            func.plainto_tsquery(simple, term)
        )
        return or_(words, like)
    return like


def _age_field(now: datetime) -> Any:
    when = func.coalesce(ProductVersion.published_at, ProductVersion.created)
    whens = [
        (
            and_(
                when <= now - timedelta(days=low),
                *([when > now - timedelta(days=high)] if high is not None else []),
            ),
            key,
        )
        for key, (low, high) in UPDATED_RANGES.items()
    ]
    return case(*whens, else_=None)


def _field(name: str, now: datetime) -> Any:
    if name == "price_range":
        whens = [
            (
                and_(
                    ProductVersion.price_krw >= low,
                    *([ProductVersion.price_krw < high] if high is not None else []),
                ),
                key,
            )
            for key, (low, high) in PRICE_RANGES.items()
        ]
        return case(*whens, else_=None)
    if name == "updated":
        return _age_field(now)
    if name == "organisation":
        return Organisation.name
    if name == "grade":
        return ProductVersion.grade
    return getattr(Product, name)


def _unknown(name: str) -> InvalidQuery:
    return InvalidQuery(
        f"알 수 없는 검색 조건입니다: {name} (가능: {', '.join(FILTERS)})",
        f"unknown search filter {name!r} (allowed: {', '.join(FILTERS)})",
    )


def _filters(facets: Mapping[str, Any], now: datetime) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for name, value in facets.items():
        if value is None or value == [] or value == "":
            continue
        if name in ("price_min", "price_max"):
            try:
                amount = Decimal(str(value))
            except ArithmeticError as e:
                raise InvalidQuery(
                    f"{name}은(는) 숫자여야 합니다: {value}", f"{name} must be a number: {value}"
                ) from e
            col = ProductVersion.price_krw
            out.append(col >= amount if name == "price_min" else col <= amount)
        elif name in FACETS:
            values = [value] if isinstance(value, str) else [str(v) for v in value]
            out.append(_field(name, now).in_(values))
        else:
            raise _unknown(name)
    return out


def _current_ids(viewer: User | None, include_retired: bool) -> Select[int]:
    stmt = (
        select(func.max(ProductVersion.id))
        .join(Product)
        .where(visible_clause(viewer))
        .group_by(ProductVersion.product_id)
    )
    if not include_retired:
        stmt = stmt.where(ProductVersion.status != "retired")
    return stmt


def _sort_key(sort: str) -> tuple[Any, bool]:
    """The sort expression (never NULL) and whether it ascends; ties go newest first."""
    if sort == "newest":
        return ProductVersion.id, False
    if sort == "updated":
        return func.coalesce(ProductVersion.published_at, ProductVersion.created), False
    if sort == "price_asc":
        return func.coalesce(ProductVersion.price_krw, _NO_PRICE_LAST), True
    if sort == "price_desc":
        return func.coalesce(ProductVersion.price_krw, Decimal(-1)), False
    if sort == "grade":
        return func.coalesce(ProductVersion.grade, "Z"), True
    if sort == "title":
        return Product.title_ko, True
    raise InvalidQuery(
        f"알 수 없는 정렬입니다: {sort} (가능: {', '.join(SORTS)})",
        f"unknown sort {sort!r} (allowed: {', '.join(SORTS)})",
    )


def _key_value(row: ProductVersion, sort: str) -> str:
    if sort == "newest":
        return str(row.id)
    if sort == "updated":
        return (row.published_at or row.created).isoformat()
    if sort == "price_asc":
        return str(row.price_krw if row.price_krw is not None else _NO_PRICE_LAST)
    if sort == "price_desc":
        return str(row.price_krw if row.price_krw is not None else Decimal(-1))
    if sort == "grade":
        return row.grade or "Z"
    return row.product.title_ko


def _typed(sort: str, raw: str) -> Any:
    if sort == "newest":
        return int(raw)
    if sort == "updated":
        return datetime.fromisoformat(raw)
    if sort.startswith("price_"):
        return Decimal(raw)
    return raw


def _bad_cursor() -> InvalidQuery:
    return InvalidQuery(
        "검색 커서가 올바르지 않습니다 (이전 페이지의 next_cursor를 그대로 보내세요)",
        "invalid search cursor (send the previous page's next_cursor as it is)",
    )


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if not isinstance(data, list) or len(data) != 3 or data[0] != sort:
            raise ValueError(cursor)
        return _typed(sort, str(data[1])), int(data[2])
    except (ValueError, TypeError, ArithmeticError, UnicodeDecodeError) as e:
        raise _bad_cursor() from e


def _make_cursor(row: ProductVersion, sort: str) -> str:
    raw = json.dumps([sort, _key_value(row, sort), row.id], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _after(key: Any, ascending: bool, value: Any, last_id: int) -> ColumnElement[bool]:
    beyond = key > value if ascending else key < value
    return or_(beyond, and_(key == value, ProductVersion.id < last_id))


def search_products(
    *,
    session: Session,
    q: str | None = None,
    facets: Mapping[str, Any] | None = None,
    sort: str = "newest",
    limit: int = 20,
    cursor: str | None = None,
    viewer: User | None = None,
    include_retired: bool = False,
    now: datetime | None = None,
) -> SearchResult:
    """Products matching ``q`` (all terms) and ``facets`` (field → value or list; price_min,
    price_max in KRW), in ``sort`` order (ties newest first), ``limit`` per page; ``cursor``
    from the previous page (keyset: a page never repeats or skips a row that stays put).

    The one search behind the web page ``/?q=``, ``GET /api/v1/products`` and ``mfgdata search``.
    """
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    terms = [t for t in (q or "").split() if t]
    key, ascending = _sort_key(sort)
    where: list[ColumnElement[bool]] = [
        ProductVersion.id.in_(_current_ids(viewer, include_retired))
    ]
    where += [_term_clause(t, dialect, i) for i, t in enumerate(terms)]
    where += _filters(facets or {}, now)

    def joined(stmt: Select[Any]) -> Select[Any]:
        return stmt.select_from(ProductVersion).join(Product).join(Organisation).where(*where)

    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        col = _field(name, now).label("value")
        stmt = joined(select(col, func.count())).group_by(col)
        counts[name] = {str(v): int(c) for v, c in session.execute(stmt) if v is not None}
    total = int(session.scalar(joined(select(func.count()))) or 0)
    limit = max(1, min(limit, MAX_LIMIT))
    order = key.asc() if ascending else key.desc()
    page = joined(select(ProductVersion)).order_by(order, ProductVersion.id.desc())
    if cursor:
        value, last_id = _decode_cursor(cursor, sort)
        page = page.where(_after(key, ascending, value, last_id))
    rows: Sequence[ProductVersion] = session.scalars(page.limit(limit + 1)).unique().all()
    more = len(rows) > limit
    results = list(rows[:limit])
    next_cursor = _make_cursor(results[-1], sort) if more and results else None
    return SearchResult(
        results=results, facets=counts, total=total, next_cursor=next_cursor, terms=terms
    )
