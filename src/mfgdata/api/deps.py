"""Dependencies of the API routes: settings, product resolution, the product store, authorize.

``resolve_product`` is the one place that turns ``(product_id, version)`` into an immutable
folder (through the catalog). ``get_authorizer`` returns the callable that every data route calls
before it reads a product: the application's ``app.state.make_authorizer(request)`` (the auth
layer's, installed by ``create_app``), else the default that allows published versions only.
Tests may still replace it with ``app.dependency_overrides[get_authorizer]``.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import orjson
import polars as pl
from fastapi import Depends, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool

from mfgdata.catalog.errors import NotFound
from mfgdata.catalog.register import version_folder
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.repositories.products import get_version, list_versions
from mfgdata.db.tables import ProductVersion
from mfgdata.errors import InputError
from mfgdata.packaging.flags import FLAGS
from mfgdata.packaging.flags import ROW as FLAG_ROW
from mfgdata.settings import Settings, get_settings

#: the largest value of a database INTEGER column (PostgreSQL: 32 bits); a larger id in a path
#: would be a database error (500), so it is refused as a bad parameter (422) before any query
MAX_DB_INT = 2**31 - 1
DbInt = Annotated[int, PathParam(ge=0, le=MAX_DB_INT)]

#: action names passed to the authorizer
READ_ROWS, READ_META, READ_AAS, PREDICT = "rows.read", "meta.read", "aas.read", "model.predict"


class ParameterError(InputError):
    """A bad query/body parameter; ``parameter`` names it."""

    code = "invalid_parameter"

    def __init__(self, parameter: str, ko: str, en: str) -> None:
        self.parameter = parameter
        super().__init__(f"{ko} (매개변수 '{parameter}')", f"{en} (parameter '{parameter}')")

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "parameter": self.parameter}


@dataclass(frozen=True)
class ProductRef:
    """A registered product version and its immutable folder."""

    product_id: str
    version: int
    folder: Path
    status: str
    owner_org_id: int | None
    manifest_sha256: str
    title_ko: str = ""
    title_en: str = ""
    description: str = ""
    licence: str = ""
    published_at: str | None = None


Authorizer = Callable[[ProductRef, str], None]


def default_authorize(product: ProductRef, action: str) -> None:
    """Published versions only; anything else is answered as not found (no probing)."""
    if product.status != "published":
        raise NotFound(
            f"제품을 찾을 수 없습니다: {product.product_id}@{product.version}",
            f"product not found: {product.product_id}@{product.version}",
        )


async def get_authorizer(request: Request) -> Authorizer:
    """Dependency: the application's authorizer for this request (default: published only).

    Not a ``dependency_overrides`` entry: FastAPI re-analyses an overriding function's signature
    on every request, which cost more than the rows query itself.
    """
    make = getattr(request.app.state, "make_authorizer", None)
    if make is None:
        return default_authorize
    authorizer: Authorizer = await make(request)
    return authorizer


def _ref(row: ProductVersion, settings: Settings) -> ProductRef:
    p = row.product
    return ProductRef(
        product_id=row.product_id,
        version=row.version,
        folder=version_folder(row, settings),
        status=row.status,
        owner_org_id=p.owner_org_id,
        manifest_sha256=row.manifest_sha256,
        title_ko=p.title_ko,
        title_en=p.title_en,
        description=p.description,
        licence=p.licence,
        published_at=row.published_at.isoformat() if row.published_at else None,
    )


#: seconds a resolved version is reused (a status change is seen after at most this long)
RESOLVE_TTL = 2.0
_RESOLVED: dict[tuple[str, str, int], tuple[float, ProductRef]] = {}


def cached_product(product_id: str, version: int, settings: Settings) -> ProductRef | None:
    """The resolved version when it was resolved less than ``RESOLVE_TTL`` seconds ago."""
    hit = _RESOLVED.get((str(settings.home), product_id, version))
    return hit[1] if hit is not None and hit[0] > time.monotonic() else None


def resolve_product(product_id: str, version: int, settings: Settings) -> ProductRef:
    """The catalog's version row → its folder in ``objects/products/<id>/<version>/``."""
    key = (str(settings.home), product_id, version)
    now = time.monotonic()
    found = cached_product(product_id, version, settings)
    if found is not None:
        return found
    with session_factory(get_engine(settings))() as session:
        row = get_version(session=session, product_id=product_id, version=version, viewer=None)
        ref = _ref(row, settings)
    if len(_RESOLVED) > 4096:
        _RESOLVED.clear()
    _RESOLVED[key] = (now + RESOLVE_TTL, ref)
    return ref


def list_products(settings: Settings, status: str | None = None) -> list[ProductRef]:
    """Every registered version (newest first), optionally of one status."""
    with session_factory(get_engine(settings))() as session:
        rows = list_versions(session=session, viewer=None, status=status)
        return [_ref(r, settings) for r in rows]


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@dataclass
class ProductFiles:
    """What the API reads from one immutable folder, loaded once."""

    folder: Path
    datapackage: dict[str, Any]
    lineage: dict[str, Any]
    schema: pl.Schema
    table: Path
    #: ``data/flags.parquet`` (the recipe's quality flags keyed by row), when the product has one
    flags_table: Path | None = None
    flags_schema: pl.Schema = field(default_factory=pl.Schema)
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def time_column(self) -> str | None:
        name = (self.lineage.get("options") or {}).get("time_column")
        if name in self.schema:
            return str(name)
        for col, dtype in self.schema.items():
            if dtype.is_temporal():
                return col
        return None

    @property
    def fields(self) -> list[dict[str, Any]]:
        for res in self.datapackage.get("resources", []):
            if res.get("path") == "data/table.parquet":
                return list(res.get("schema", {}).get("fields", []))
        return []

    @property
    def flag_names(self) -> list[str]:
        """The quality flags a query may select or filter on (``<column>__outlier``)."""
        return [n for n in self.flags_schema.names() if n != FLAG_ROW]

    @property
    def query_schema(self) -> pl.Schema:
        """The table's columns, then the flags (filterable and selectable, not shown unasked)."""
        flags = [(n, self.flags_schema[n]) for n in self.flag_names]
        return pl.Schema([*self.schema.items(), *flags])

    def frame(self) -> pl.DataFrame:
        """The table with its flags beside it, read once per folder and kept in memory (the
        folder never changes)."""
        table: pl.DataFrame = self.memo("frame", self._read)
        return table

    def _read(self) -> pl.DataFrame:
        table = pl.read_parquet(self.table)
        if self.flags_table is None:
            return table
        flags = pl.read_parquet(self.flags_table).sort(FLAG_ROW)
        keyed = table.with_row_index(FLAG_ROW).with_columns(pl.col(FLAG_ROW).cast(pl.Int64))
        return keyed.join(flags, on=FLAG_ROW, how="left").drop(FLAG_ROW)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per folder (the folder never changes)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]


class ProductStore:
    """Caches ``ProductFiles`` per (folder, manifest hash): the folders are immutable."""

    def __init__(self, max_products: int = 8) -> None:
        self._files: dict[tuple[str, str], ProductFiles] = {}
        self._lock = threading.Lock()
        self.max_products = max_products

    def files(self, product: ProductRef) -> ProductFiles:
        key = (str(product.folder), product.manifest_sha256)
        found = self._files.get(key)
        if found is not None:
            return found
        table = product.folder / "data" / "table.parquet"
        if not table.is_file():
            raise NotFound(
                f"제품에 표 데이터가 없습니다: {product.product_id}",
                f"the product has no table: {product.product_id}",
            )
        flags = product.folder / FLAGS
        made = ProductFiles(
            folder=product.folder,
            datapackage=_read_json(product.folder / "datapackage.json"),
            lineage=_read_json(product.folder / "lineage.json"),
            schema=pl.Schema(pl.read_parquet_schema(table)),
            table=table,
            flags_table=flags if flags.is_file() else None,
            flags_schema=pl.Schema(pl.read_parquet_schema(flags))
            if flags.is_file()
            else pl.Schema(),
        )
        with self._lock:
            if len(self._files) >= self.max_products:
                self._files.pop(next(iter(self._files)))
            self._files[key] = made
        return made


def get_settings_dep(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def get_store(request: Request) -> ProductStore:
    store = request.app.state.store
    assert isinstance(store, ProductStore)
    return store


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def product_for(action: str) -> Callable[..., Awaitable[ProductRef]]:
    """A dependency that resolves ``{product_id}``/``{version}`` and authorizes ``action``.

    Async, so a call whose answers are cached (the resolved version, the authorizer's allowed
    decision) costs no worker-thread round trip; a cache miss reads the catalog briefly.
    """

    async def dependency(
        product_id: str,
        version: DbInt,
        request: Request,
        authorize: Annotated[Authorizer, Depends(get_authorizer)],
    ) -> ProductRef:
        settings = get_settings_dep(request)
        ref = cached_product(product_id, version, settings)
        if ref is None:
            ref = await run_in_threadpool(resolve_product, product_id, version, settings)
        authorize(ref, action)
        return ref

    return dependency


def json_response(
    body: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A JSON response serialised with orjson (UTF-8, datetimes as RFC 3339)."""
    return Response(
        orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS),
        status_code=status_code,
        media_type="application/json",
        headers=headers,
    )


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF shown inline by browsers, saved as ``filename``."""
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
