"""A small library for search and access tests: three published products of Acme, one draft of
Beta (all registered from the same built folder with different catalogue metadata)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.catalog.metadata import ProductMeta
from mfgdata.catalog.register import register_product
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import ProductVersion, User

PRODUCTS = {
    "injection-line-1": (ProductMeta(), None),
    "weld-seam": (
        ProductMeta(
            title_ko="용접 비드 품질 데이터",
            title_en="Weld seam quality data",
            process_family="welding",
            problem_type="anomaly_detection",
            licence="CC-BY-4.0",
        ),
        Decimal(5_000_000),
    ),
    "press-die": (
        ProductMeta(
            title_ko="프레스 금형 예지보전",
            title_en="Press die predictive maintenance",
            process_family="press",
            problem_type="predictive_maintenance",
            licence="CC-BY-4.0",
        ),
        Decimal(150_000_000),
    ),
}


@dataclass
class Library:
    owner: User
    other: User
    buyer: User
    admin: User
    versions: dict[str, ProductVersion]


def make_library(session: Session, folder: Path) -> Library:
    owner = make_user(session, org="Acme")
    other = make_user(session, org="Beta")
    buyer = make_user(session, org="Buyer Co", kind="buyer", role="buyer")
    admin = make_user(session, org="Center", kind="center", role="admin")
    versions: dict[str, ProductVersion] = {}
    for pid, (meta, price) in PRODUCTS.items():
        v = register_product(
            folder, session=session, owner_org=owner.org_id, meta=meta, product_id=pid
        )
        verify(session=session, version=v, actor=owner)
        publish(session=session, version=v, actor=owner)
        if price is not None:
            v.price_krw = price
        versions[pid] = v
    draft_meta = ProductMeta(
        title_ko="열처리 로 온도 기록",
        title_en="Heat treatment furnace log",
        process_family="heat_treatment",
    )
    versions["heat-draft"] = register_product(
        folder, session=session, owner_org=other.org_id, meta=draft_meta, product_id="heat-draft"
    )
    session.commit()
    return Library(owner, other, buyer, admin, versions)
