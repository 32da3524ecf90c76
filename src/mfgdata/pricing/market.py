"""Market approach (시장접근법): comparable products, adjusted to this product.

Comparables are the published products of the same process family and data type in the data
library (catalog DB, see :mod:`mfgdata.pricing.library`), plus any product folder under
``MFGDATA_HOME/library/`` (the local folder option). Each comparable ``i`` is brought back to the
*base* price (grade A-equivalent 1.0, the licence and access multipliers removed) and scaled to this
product's size with a concave factor::

    P_i = price_i / (G_i × L_i × A_i) × (cells / cells_i)^β
    w_i = 0.5^(age_i / half_life)        (recency: newer listings count more)
    P_market = Σ w_i P_i / Σ w_i

This product's own grade, licence and access mode are applied once, in the final rule. With no
comparable the approach says so (``basis: "fallback"``) and the price falls back to the cost
approach.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from mfgdata.pricing.approach import Approach, cents, num, won
from mfgdata.pricing.inputs import UNRATED, PricingInputs
from mfgdata.pricing.library import Comparable, Lookup

FORMULA = (
    "P_i = price_i / (G_i × L_i × A_i) × (cells / cells_i)^β; w_i = 0.5^(age_i / half_life); "
    "P_market = Σ w_i·P_i / Σ w_i"
)
FILES = ("manifest.json", "pricing.json", "quality.json", "datapackage.json")


def _read(folder: Path) -> Comparable:
    """Raise ValueError with a short English reason when the folder is not usable."""
    docs: dict[str, Any] = {}
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise ValueError(f"{name} missing")
        try:
            docs[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"{name} unreadable: {e}") from e
        if not isinstance(docs[name], dict):
            raise ValueError(f"{name} is not an object")
    pricing, manifest = docs["pricing.json"], docs["manifest.json"]
    package, quality = docs["datapackage.json"], docs["quality.json"]
    try:
        return Comparable(
            folder=folder.name,
            title=str(package.get("title") or package.get("name") or folder.name),
            price_krw=float(pricing["price_krw"]),
            grade=str(quality.get("grade") or UNRATED),
            licence=str(pricing["licence"]),
            access_mode=str(pricing["access_mode"]),
            rows=int(pricing["rows"]),
            columns=int(pricing["columns"]),
            created=datetime.fromisoformat(str(manifest["created"])).date(),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"field missing or malformed: {e}") from e


def load_comparables(library: Path) -> tuple[list[Comparable], list[dict[str, str]]]:
    """Usable comparables under ``library`` (sorted by folder name) and the skipped ones."""
    found: list[Comparable] = []
    skipped: list[dict[str, str]] = []
    if not library.is_dir():
        return found, skipped
    for folder in sorted(p for p in library.iterdir() if p.is_dir()):
        try:
            comp = _read(folder)
        except ValueError as e:
            skipped.append({"folder": folder.name, "reason": str(e)})
            continue
        if comp.price_krw <= 0 or comp.rows <= 0 or comp.columns <= 0:
            skipped.append({"folder": folder.name, "reason": "price, rows or columns not > 0"})
            continue
        found.append(comp)
    return found, skipped


def _basis(usable: list[Comparable]) -> str:
    kinds = sorted({c.source for c in usable})
    return "+".join(kinds) if kinds else "fallback"


def market_price(
    inputs: PricingInputs,
    library: Path | None,
    *,
    rows: int,
    columns: int,
    catalog: Lookup | None = None,
) -> Approach:
    """The weighted, adjusted comparable price; with no comparable an open fallback note."""
    comps, skipped = load_comparables(library) if library is not None else ([], [])
    if catalog is not None:
        comps = [*catalog.comparables, *comps]
        skipped = [*catalog.skipped, *skipped]
    usable: list[Comparable] = []
    for c in comps:
        missing = [
            table
            for table, key in (
                ("grade_multipliers", c.grade),
                ("licence_multipliers", c.licence),
                ("access_multipliers", c.access_mode),
            )
            if key not in getattr(inputs, table)
        ]
        if missing:
            skipped.append({"folder": c.folder, "reason": f"not in {', '.join(missing)}"})
        else:
            usable.append(c)
    folder_name = library.name if library is not None else None
    sources: dict[str, Any] = {
        "library": folder_name,
        "catalog": catalog.to_dict() if catalog is not None else None,
    }
    if not usable:
        where_ko, where_en = _where(catalog, folder_name)
        return Approach(
            name="market",
            applicable=False,
            formula=FORMULA,
            reason_ko=f"비교 가능한 게시 제품이 없어 원가접근법 가격으로 대체합니다 ({where_ko})",
            reason_en=f"no comparable published product ({where_en}): "
            "the price falls back to the cost approach",
            details={**sources, "basis": "fallback", "comparables": [], "skipped": skipped},
        )
    beta = inputs.market.size_exponent
    half_life = inputs.market.half_life_days
    as_of = inputs.market.as_of or max(c.created for c in usable)
    cells = max(1, rows * columns)
    rows_out: list[dict[str, Any]] = []
    lines: list[str] = []
    weighted = 0.0
    weights = 0.0
    for i, c in enumerate(usable, start=1):
        g = inputs.grade_multipliers[c.grade]
        lic = inputs.licence_multipliers[c.licence]
        acc = inputs.access_multipliers[c.access_mode]
        size = (cells / (c.rows * c.columns)) ** beta
        adjusted = cents(c.price_krw / (g * lic * acc) * size)
        age = max(0, (as_of - c.created).days)
        weight = 0.5 ** (age / half_life)
        weighted += weight * adjusted
        weights += weight
        rows_out.append(
            {
                "folder": c.folder,
                "source": c.source,
                "title": c.title,
                "price_krw": c.price_krw,
                "grade": c.grade,
                "licence": c.licence,
                "access_mode": c.access_mode,
                "rows": c.rows,
                "columns": c.columns,
                "created": c.created.isoformat(),
                "grade_multiplier": g,
                "licence_multiplier": lic,
                "access_multiplier": acc,
                "size_factor": size,
                "age_days": age,
                "weight": weight,
                "adjusted_krw": adjusted,
            }
        )
        lines.append(
            f"P_{i} = {won(c.price_krw)} / ({num(g)} × {num(lic)} × {num(acc)}) × "
            f"({cells:,} / {c.rows * c.columns:,})^{num(beta)} = {won(adjusted)}; "
            f"w_{i} = 0.5^({age} / {num(half_life)}) = {num(weight)}"
        )
    price = cents(weighted / weights)
    lines.append(f"P_market = {won(weighted)} / {num(weights)} = {won(price)}")
    return Approach(
        name="market",
        applicable=True,
        formula=FORMULA,
        substituted="\n".join(lines),
        price_krw=price,
        details={
            **sources,
            "basis": _basis(usable),
            "as_of": as_of.isoformat(),
            "cells": cells,
            "size_exponent": beta,
            "half_life_days": half_life,
            "comparables": rows_out,
            "skipped": skipped,
        },
    )


def _where(catalog: Lookup | None, folder: str | None) -> tuple[str, str]:
    """Where the market approach looked, for the fallback note."""
    ko: list[str] = []
    en: list[str] = []
    if catalog is not None:
        ko.append(f"데이터 라이브러리 {catalog.database}: {catalog.note_ko}")
        en.append(f"data library {catalog.database}: {catalog.note_en}")
    if folder is not None:
        ko.append(f"로컬 라이브러리 {folder}/ 에 비교 제품 없음")
        en.append(f"no comparable in the local library {folder}/")
    return "; ".join(ko), "; ".join(en)
