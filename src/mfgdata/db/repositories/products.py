"""Products and versions, always read through the viewer's visibility (tenant isolation).

A viewer sees a version when it is published, or its product belongs to the viewer's
organisation, or the viewer is an admin or center staff, or (verified and published versions)
the product is shared with a value-chain group of the viewer's organisation through a live share
(``repositories.valuechain``). ``viewer=None`` means the system (CLI, jobs): everything is
visible. Whatever a viewer may not see is answered exactly like a missing id (``NotFound``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from mfgdata.catalog.errors import NotFound
from mfgdata.db.repositories.valuechain import shared_clause
from mfgdata.db.tables import Product, ProductVersion, User

SEES_ALL = ("admin", "center_staff")


def visible_clause(viewer: User | None) -> ColumnElement[bool]:
    """SQL condition on ProductVersion (joined with Product) for what ``viewer`` may see."""
    if viewer is None or (viewer.active and viewer.role in SEES_ALL):
        return true()
    if not viewer.active:
        return false()
    return or_(
        ProductVersion.status == "published",
        Product.owner_org_id == viewer.org_id,
        shared_clause(viewer.org_id),
    )


def _versions(viewer: User | None) -> Select[ProductVersion]:
    return select(ProductVersion).join(Product).where(visible_clause(viewer))


def get_product(*, session: Session, product_id: str, viewer: User | None) -> Product:
    """The product when the viewer sees at least one of its versions (or owns it); else NotFound."""
    product = session.get(Product, product_id)
    if product is None:
        raise _not_found(product_id)
    if viewer is not None and viewer.role not in SEES_ALL and product.owner_org_id != viewer.org_id:
        stmt = _versions(viewer).where(ProductVersion.product_id == product_id).limit(1)
        if session.scalars(stmt).first() is None:
            raise _not_found(product_id)
    return product


def get_version(
    *, session: Session, product_id: str, version: int | None = None, viewer: User | None
) -> ProductVersion:
    """One version (default: the newest the viewer may see); NotFound otherwise."""
    stmt = _versions(viewer).where(ProductVersion.product_id == product_id)
    if version is not None:
        stmt = stmt.where(ProductVersion.version == version)
    found = session.scalars(stmt.order_by(ProductVersion.version.desc()).limit(1)).first()
    if found is None:
        raise _not_found(f"{product_id}@{version}" if version else product_id)
    return found


def get_version_by_id(*, session: Session, version_id: int, viewer: User | None) -> ProductVersion:
    found = session.scalars(_versions(viewer).where(ProductVersion.id == version_id)).first()
    if found is None:
        raise _not_found(str(version_id))
    return found


def list_versions(
    *,
    session: Session,
    viewer: User | None,
    product_id: str | None = None,
    org_id: int | None = None,
    status: str | None = None,
) -> Sequence[ProductVersion]:
    """Versions the viewer may see, newest first; filters by product, owner org, status."""
    stmt = _versions(viewer)
    if product_id is not None:
        stmt = stmt.where(ProductVersion.product_id == product_id)
    if org_id is not None:
        stmt = stmt.where(Product.owner_org_id == org_id)
    if status is not None:
        stmt = stmt.where(ProductVersion.status == status)
    return session.scalars(stmt.order_by(ProductVersion.id.desc())).all()


def next_version_number(*, session: Session, product_id: str) -> int:
    stmt = select(func.max(ProductVersion.version)).where(ProductVersion.product_id == product_id)
    return int(session.scalar(stmt) or 0) + 1


def _not_found(what: str) -> NotFound:
    return NotFound(f"제품을 찾을 수 없습니다: {what}", f"product not found: {what}")
