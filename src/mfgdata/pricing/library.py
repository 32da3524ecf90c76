"""Comparable products from the data library (catalog DB), read-only and optional.

The database is the one the settings name (``MFGDATA_DATABASE_URL`` or
``sqlite:///{MFGDATA_HOME}/mfgdata.db``). A build never creates it and never fails on it: a missing
SQLite file, a database without the catalogue tables or an unreachable server gives no comparable
and a status that says why. SQLite files are opened read-only (``mode=ro``).

A comparable is the newest **published** version of another product of the same process family
and data type, with a price, rows and columns. Its licence and access mode are read from the
``pricing.json`` of its registered copy in the object store (``download`` when absent).

SQLAlchemy and the tables are imported only when there is a database to read, so a build without
one (the common case) does not pay for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mfgdata.catalog.metadata import guess_process_family
from mfgdata.db.engine import database_url, objects_dir
from mfgdata.pricing.inputs import UNRATED
from mfgdata.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Comparable:
    """What the market approach needs of one comparable product."""

    folder: str  # folder name (local library) or ``product@version`` (data library)
    title: str
    price_krw: float
    grade: str
    licence: str
    access_mode: str
    rows: int
    columns: int
    created: date
    source: str = "folder"
    process_family: str | None = None
    data_type: str | None = None


@dataclass(frozen=True)
class Lookup:
    """The comparables found in the data library and what the search saw."""

    database: str  # the backend and file/database name (never a password)
    status: str  # "ok", "no_database", "unreadable"
    process_family: str
    data_type: str
    comparables: tuple[Comparable, ...] = ()
    skipped: tuple[dict[str, str], ...] = ()
    note_ko: str = ""
    note_en: str = ""
    published_total: int = field(default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "status": self.status,
            "process_family": self.process_family,
            "data_type": self.data_type,
            "published_total": self.published_total,
            "found": len(self.comparables),
            "note_ko": self.note_ko,
            "note_en": self.note_en,
        }


def product_kind(title: str | None, product_id: str, has_time: bool) -> tuple[str, str]:
    """The process family and data type the catalogue would give this product at registration."""
    family = guess_process_family(" ".join(x for x in (title, product_id) if x))
    return family, "timeseries" if has_time else "tabular"


def _describe(url: str) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:{Path(url.split('///', 1)[-1]).name}"
    backend = url.split(":", 1)[0]
    return f"{backend}:{url.rsplit('/', 1)[-1].split('?', 1)[0]}"


def _no_database(url: str) -> bool:
    """A SQLite URL without a file: there is no database to read (nothing is created)."""
    if not url.startswith("sqlite"):
        return False
    path = url.split("///", 1)[-1]
    return not path or path == ":memory:" or not Path(path).is_file()


def _engine(url: str) -> Engine:
    """A read-only engine for a database that :func:`_no_database` did not rule out."""
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        return create_engine(f"sqlite:///file:{Path(path).as_posix()}?mode=ro&uri=true")
    connect = {"connect_timeout": 3} if url.startswith("postgresql") else {}
    return create_engine(url, connect_args=connect)


def _access(settings: Settings, folder: str, licence: str) -> tuple[str, str]:
    """Licence and access mode from the registered copy's pricing.json (if readable)."""
    path = objects_dir(settings) / folder / "pricing.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return licence, "download"
    if not isinstance(doc, dict):
        return licence, "download"
    return str(doc.get("licence") or licence), str(doc.get("access_mode") or "download")


def _query(
    session: Session, settings: Settings, product_id: str, family: str, data_type: str
) -> tuple[list[Comparable], list[dict[str, str]], int]:
    from sqlalchemy import func, select

    from mfgdata.db.tables import Product, ProductVersion

    newest = (
        select(ProductVersion.product_id, func.max(ProductVersion.version).label("version"))
        .where(ProductVersion.status == "published")
        .group_by(ProductVersion.product_id)
        .subquery()
    )
    stmt = (
        select(ProductVersion)
        .join(
            newest,
            (ProductVersion.product_id == newest.c.product_id)
            & (ProductVersion.version == newest.c.version),
        )
        .join(Product)
        .order_by(ProductVersion.product_id)
    )
    found: list[Comparable] = []
    skipped: list[dict[str, str]] = []
    total = 0
    for v in session.scalars(stmt).unique():
        total += 1
        name = f"{v.product_id}@{v.version}"
        p = v.product
        if v.product_id == product_id:
            continue  # an earlier version of this very product is not a comparable
        if (p.process_family, p.data_type) != (family, data_type):
            continue
        if v.price_krw is None or not v.rows or not v.columns or v.price_krw <= 0:
            skipped.append({"folder": name, "reason": "price, rows or columns missing"})
            continue
        licence, access = _access(settings, v.folder, p.licence)
        when = v.published_at or v.created
        found.append(
            Comparable(
                folder=name,
                title=p.title_en or p.title_ko,
                price_krw=float(v.price_krw),
                grade=v.grade or UNRATED,
                licence=licence,
                access_mode=access,
                rows=int(v.rows),
                columns=int(v.columns),
                created=when.date(),
                source="library",
                process_family=p.process_family,
                data_type=p.data_type,
            )
        )
    return found, skipped, total


def library_comparables(
    settings: Settings, *, product_id: str, process_family: str, data_type: str
) -> Lookup:
    """Published comparables of the same process family and data type (read-only, optional)."""
    url = database_url(settings)
    name = _describe(url)

    def lookup(status: str, ko: str, en: str, **found: Any) -> Lookup:
        return Lookup(
            database=name,
            status=status,
            process_family=process_family,
            data_type=data_type,
            note_ko=ko,
            note_en=en,
            **found,
        )

    if _no_database(url):
        return lookup(
            "no_database",
            "데이터 라이브러리 DB가 아직 없습니다",
            "there is no data library database yet",
        )
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    problem: str | None = None
    engine: Engine | None = None
    try:
        engine = _engine(url)
    except (SQLAlchemyError, ImportError) as e:  # a bad URL or a driver that is not installed
        problem = type(e).__name__
    if engine is not None:
        try:
            with Session(engine) as session:
                found, skipped, total = _query(
                    session, settings, product_id, process_family, data_type
                )
        except SQLAlchemyError as e:
            problem = type(e).__name__
        finally:
            engine.dispose()
    if problem is not None:
        return lookup(
            "unreadable",
            f"데이터 라이브러리 DB를 읽을 수 없습니다 ({problem})",
            f"the data library database cannot be read ({problem})",
        )
    return lookup(
        "ok",
        f"게시된 제품 {total}개 중 같은 공정({process_family})·유형({data_type}) {len(found)}개",
        f"{len(found)} of {total} published products share the process family "
        f"({process_family}) and data type ({data_type})",
        comparables=tuple(found),
        skipped=tuple(skipped),
        published_total=total,
    )
