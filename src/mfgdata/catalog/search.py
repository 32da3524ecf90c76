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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

from mfgdata.catalog.errors import NotFound
from mfgdata.db.repositories.products import visible_clause
from mfgdata.db.tables import Product, ProductVersion, User

FACETS = ("process_family", "problem_type", "data_type", "grade", "licence", "price_range")
#: price buckets in KRW: [low, high)
PRICE_RANGES: dict[str, tuple[int, int | None]] = {
    "lt_1m": (0, 1_000_000),
    "1m_10m": (1_000_000, 10_000_000),
    "10m_100m": (10_000_000, 100_000_000),
    "ge_100m": (100_000_000, None),
}
MAX_LIMIT = 200


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


def _field(name: str) -> Any:
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
    if name in ("grade",):
        return ProductVersion.grade
    return getattr(Product, name)


def _filters(facets: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for name, value in facets.items():
        if value is None or value == [] or value == "":
            continue
        if name == "price_min":
            out.append(ProductVersion.price_krw >= Decimal(str(value)))
        elif name == "price_max":
            out.append(ProductVersion.price_krw <= Decimal(str(value)))
        elif name in FACETS:
            values = [value] if isinstance(value, str) else list(value)
            out.append(_field(name).in_(values))
        else:
            raise ValueError(f"unknown facet {name!r}")
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


def _cursor_id(cursor: str) -> int:
    try:
        kind, value = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        if kind != "v1":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as e:
        raise NotFound("검색 커서가 올바르지 않습니다", "invalid search cursor") from e


def _make_cursor(version_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{version_id}".encode()).decode()


def search_products(
    *,
    session: Session,
    q: str | None = None,
    facets: Mapping[str, Any] | None = None,
    limit: int = 20,
    cursor: str | None = None,
    viewer: User | None = None,
    include_retired: bool = False,
) -> SearchResult:
    """Products matching ``q`` (all terms) and ``facets`` (field → value or list; price_min,
    price_max in KRW), newest first, ``limit`` per page; ``cursor`` from the previous page."""
    dialect = session.get_bind().dialect.name
    terms = [t for t in (q or "").split() if t]
    where: list[ColumnElement[bool]] = [
        ProductVersion.id.in_(_current_ids(viewer, include_retired))
    ]
    where += [_term_clause(t, dialect, i) for i, t in enumerate(terms)]
    where += _filters(facets or {})
    base = select(ProductVersion).join(Product).where(*where)
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        col = _field(name).label("value")
        stmt = (
            select(col, func.count())
            .select_from(ProductVersion)
            .join(Product)
            .where(*where)
            .group_by(col)
        )
        counts[name] = {str(v): int(c) for v, c in session.execute(stmt) if v is not None}
    total = int(
        session.scalar(select(func.count()).select_from(ProductVersion).join(Product).where(*where))
        or 0
    )
    limit = max(1, min(limit, MAX_LIMIT))
    page = base.order_by(ProductVersion.id.desc()).limit(limit + 1)
    if cursor:
        page = page.where(ProductVersion.id < _cursor_id(cursor))
    rows: Sequence[ProductVersion] = session.scalars(page).unique().all()
    more = len(rows) > limit
    results = list(rows[:limit])
    next_cursor = _make_cursor(results[-1].id) if more and results else None
    return SearchResult(
        results=results, facets=counts, total=total, next_cursor=next_cursor, terms=terms
    )
