"""What the product page shows, read from the immutable product folder (never rewritten)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mfgdata.api.deps import ProductFiles

SAMPLE_ROWS = 20


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _semantics(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load((folder / "semantics.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    cols = data.get("columns", []) if isinstance(data, dict) else []
    return {str(c.get("column")): c for c in cols if isinstance(c, dict)}


def schema_rows(files: ProductFiles) -> list[dict[str, Any]]:
    """One row per column: name, type, unit, property (IRDI), standard or local, description."""
    names = _semantics(files.folder)
    out = []
    for f in files.fields:
        sem = names.get(str(f.get("name")), {})
        out.append(
            {
                "name": f.get("name"),
                "raw": f.get("rawName") or f.get("title") or "",
                "type": f.get("type", ""),
                "unit": f.get("unit") or "",
                "unit_irdi": f.get("unitIRDI") or "",
                "irdi": f.get("propertyIRDI") or "",
                "standard": bool(f.get("standard")),
                "label_ko": sem.get("name_ko") or "",
                "label_en": sem.get("name_en") or "",
                "description": f.get("description") or "",
            }
        )
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def sample(files: ProductFiles) -> tuple[list[str], list[list[str]]]:
    """The first rows of the table as display strings."""
    head = files.frame().head(SAMPLE_ROWS)
    rows = [[_cell(v) for v in row] for row in head.iter_rows()]
    return head.columns, rows


def numeric_columns(files: ProductFiles) -> set[str]:
    return {name for name, dtype in files.schema.items() if dtype.is_numeric()}


def aas_summary(folder: Path) -> dict[str, Any]:
    env = read_json(folder / "aas" / "environment.json")
    shells = env.get("assetAdministrationShells") or []
    submodels = env.get("submodels") or []
    return {
        "present": bool(env),
        "shells": [s.get("id", "") for s in shells if isinstance(s, dict)],
        "submodels": [
            {
                "id_short": s.get("idShort", ""),
                "id": s.get("id", ""),
                "elements": len(s.get("submodelElements") or []),
            }
            for s in submodels
            if isinstance(s, dict)
        ],
        "concepts": len(env.get("conceptDescriptions") or []),
    }


def model_summary(folder: Path) -> dict[str, Any]:
    card = folder / "model" / "model_card.md"
    metrics = read_json(folder / "model" / "metrics.json")
    reason = metrics.get("usable_reason") or {}
    return {
        "present": (folder / "model").is_dir(),
        "card": card.read_text(encoding="utf-8") if card.is_file() else "",
        "metrics": metrics,
        "usable": metrics.get("usable"),  # None: a product built before the verdict existed
        "usable_reason_ko": str(reason.get("ko", "")),
        "usable_reason_en": str(reason.get("en", "")),
    }


def insight_summary(folder: Path) -> dict[str, Any]:
    data = read_json(folder / "insights.json")
    texts: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "text_ko" in node and "text_en" in node:
                texts.append((str(node["text_ko"]), str(node["text_en"])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    drivers = [d for d in data.get("drivers", []) if isinstance(d, dict)][:10]
    return {
        "present": bool(data),
        "drivers": drivers,
        "texts": texts[:10],
        "task": data.get("task"),
    }


def pricing_summary(folder: Path) -> dict[str, Any]:
    pricing = read_json(folder / "pricing.json")
    final = pricing.get("final") or {}
    approaches = []
    for name, a in (pricing.get("approaches") or {}).items():
        if isinstance(a, dict):
            approaches.append(
                {
                    "name": name,
                    "applicable": bool(a.get("applicable")),
                    "price": a.get("price_krw"),
                    "formula": a.get("formula", ""),
                    "substituted": a.get("substituted", ""),
                    "reason_ko": a.get("reason_ko", ""),
                    "reason_en": a.get("reason_en", ""),
                    "cost_items": (a.get("details") or {}).get("items") or [],
                }
            )
    api = pricing.get("api") or {}
    return {
        "present": bool(pricing),
        "price": pricing.get("price_krw"),
        "vat": pricing.get("vat_krw"),
        "total": pricing.get("total_krw"),
        "licence": pricing.get("licence") or final.get("licence"),
        "lines": final.get("lines") or [],
        "approaches": approaches,
        "api_examples": api.get("examples") or [],
        "api_fee": api.get("call_fee_krw"),
    }


def quality_summary(folder: Path) -> dict[str, Any]:
    q = read_json(folder / "quality.json")
    measures = [m for m in q.get("measures", []) if isinstance(m, dict)]
    return {
        "present": bool(q),
        "grade": q.get("grade"),
        "score": q.get("score"),
        "registration_grade": (q.get("scheme") or {}).get("registration_grade"),
        "measures": measures,
        "failed": sum(1 for m in measures if m.get("passed") is False),
    }


#: images shown per class in the product page's gallery
GALLERY_PER_CLASS = 6


def image_gallery(folder: Path) -> dict[str, Any] | None:
    """An image product's gallery: a few records per class (path under data/images, name, size)
    and whether it has an image model; None for a table product."""
    import polars as pl

    table = folder / "data" / "table.parquet"
    if not (folder / "data" / "images").is_dir() or not table.is_file():
        return None
    lf = pl.scan_parquet(table)
    if not {"image", "label", "width", "height"} <= set(lf.collect_schema().names()):
        return None
    df = lf.select("image", "name", "label", "width", "height").collect()
    counts = df.group_by("label").len().sort("label", nulls_last=True)
    classes = []
    for label, n in counts.iter_rows():
        part = df.filter(
            pl.col("label").is_null() if label is None else pl.col("label") == label
        ).head(GALLERY_PER_CLASS)
        classes.append(
            {
                "label": label,
                "count": n,
                "records": [
                    {**r, "rel": str(r["image"]).removeprefix("data/images/")}
                    for r in part.iter_rows(named=True)
                ],
            }
        )
    return {
        "classes": classes,
        "images": df.height,
        "model": (folder / "model" / "preprocess.json").is_file(),
    }
