"""Usage metering per API token: calls, rows, bytes, priced with the product's API price list.

The price of one call comes from the registered copy's pricing.json (``api``: call fee, tiers,
cap; see mfgdata.pricing.api_prices). A product without a price list is metered at 0 KRW.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mfgdata.catalog.register import version_folder
from mfgdata.db.tables import ApiToken, ProductVersion, Usage, utcnow
from mfgdata.pricing.api_prices import PriceList, Tier
from mfgdata.settings import Settings


def price_list_from_dict(api: dict[str, Any]) -> PriceList:
    """Rebuild the PriceList that pricing.json's ``api`` section was written from."""
    tiers = tuple(
        Tier(
            int(t["from_row"]),
            int(t["to_row"]) if t.get("to_row") is not None else None,
            Decimal(str(t["krw_per_row"])),
        )
        for t in api["tiers"]
    )
    return PriceList(
        call_fee=Decimal(str(api["call_fee_krw"])), tiers=tiers, cap=Decimal(str(api["cap_krw"]))
    )


@lru_cache(maxsize=256)
def _price_list(pricing_path: Path, manifest_sha256: str) -> PriceList | None:
    # registered copies are immutable, so (path, manifest hash) is a safe cache key
    try:
        doc = json.loads(pricing_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    api = doc.get("api") if isinstance(doc, dict) else None
    return price_list_from_dict(api) if isinstance(api, dict) and api.get("tiers") else None


def version_price_list(
    version: ProductVersion, settings: Settings | None = None
) -> PriceList | None:
    folder = version_folder(version, settings)
    return _price_list(folder / "pricing.json", version.manifest_sha256)


def record_usage(
    *,
    session: Session,
    version: ProductVersion,
    rows: int,
    bytes_out: int,
    token: ApiToken | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
    settings: Settings | None = None,
) -> Usage:
    """Meter one API call that returned ``rows`` rows and ``bytes_out`` bytes."""
    price_list = version_price_list(version, settings)
    price = price_list.price(rows) if price_list is not None else Decimal(0)
    row = Usage(
        token_id=token.id if token else None,
        user_id=user_id if user_id is not None else (token.user_id if token else None),
        product_id=version.product_id,
        at=at or utcnow(),
        calls=1,
        rows=rows,
        bytes=bytes_out,
        price_krw=price,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class UsageSummary:
    calls: int
    rows: int
    bytes: int
    price_krw: Decimal


def usage_summary(
    *,
    session: Session,
    token_id: int | None = None,
    user_id: int | None = None,
    product_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> UsageSummary:
    """Totals over the matching usage rows (``until`` exclusive)."""
    stmt = select(
        func.coalesce(func.sum(Usage.calls), 0),
        func.coalesce(func.sum(Usage.rows), 0),
        func.coalesce(func.sum(Usage.bytes), 0),
        func.coalesce(func.sum(Usage.price_krw), 0),
    )
    if token_id is not None:
        stmt = stmt.where(Usage.token_id == token_id)
    if user_id is not None:
        stmt = stmt.where(Usage.user_id == user_id)
    if product_id is not None:
        stmt = stmt.where(Usage.product_id == product_id)
    if since is not None:
        stmt = stmt.where(Usage.at >= since)
    if until is not None:
        stmt = stmt.where(Usage.at < until)
    calls, rows, nbytes, price = session.execute(stmt).one()
    return UsageSummary(int(calls), int(rows), int(nbytes), Decimal(str(price)))
