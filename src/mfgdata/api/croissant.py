"""Croissant 1.0 JSON-LD (MLCommons) for one product: metadata, the Parquet file, one RecordSet."""

from __future__ import annotations

from typing import Any

from mfgdata.api.deps import ProductFiles, ProductRef
from mfgdata.packaging.croissant_context import CONFORMS_TO, CONTEXT, data_type

__all__ = ["CONFORMS_TO", "CONTEXT", "croissant", "data_type"]


def licence_url(datapackage: dict[str, Any], base: str) -> str | None:
    """The URL of the package's (first) licence: its ``path`` when that is a URL, else this
    server's text of the standard licence it names (the package file is relative)."""
    licences = datapackage.get("licenses") or []
    first = licences[0] if licences and isinstance(licences[0], dict) else {}
    path = str(first.get("path") or "")
    if "://" in path:
        return path
    if first.get("name"):
        return f"{base}api/v1/licences/{first['name']}.txt"
    return path or None


def croissant(base: str, ref: ProductRef, files: ProductFiles) -> dict[str, Any]:
    """The Croissant document; file paths are relative to the product folder."""
    dp = files.datapackage
    res = (dp.get("resources") or [{}])[0]
    described = {f.get("name"): f for f in files.fields}
    licence = licence_url(dp, base) or ref.licence or "unknown"
    file_object: dict[str, Any] = {
        "@type": "cr:FileObject",
        "@id": "table.parquet",
        "name": "table.parquet",
        "contentUrl": "data/table.parquet",
        "encodingFormat": "application/x-parquet",
    }
    if str(res.get("hash", "")).startswith("sha256:"):
        file_object["sha256"] = res["hash"][7:]
    fields = []
    for name, dtype in files.schema.items():
        info = described.get(name, {})
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"table/{name}",
            "name": name,
            "dataType": data_type(dtype),
            "source": {"fileObject": {"@id": "table.parquet"}, "extract": {"column": name}},
        }
        text = info.get("description") or info.get("title") or info.get("unit")
        if text:
            field["description"] = str(text)
        fields.append(field)
    title = " / ".join(dict.fromkeys(t for t in (ref.title_ko, ref.title_en) if t))
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": ref.product_id,
        "alternateName": title or ref.product_id,
        "description": ref.description or dp.get("description") or title or ref.product_id,
        "license": licence,
        "url": f"{base}products/{ref.product_id}",
        "version": f"{ref.version}.0.0",
        "datePublished": ref.published_at or "",
        "creator": {"@type": "sc:Organization", "name": f"organisation {ref.owner_org_id}"},
        "inLanguage": ["ko", "en"],
        "keywords": ["manufacturing", "제조", ref.product_id],
        "citeAs": f"{ref.product_id} v{ref.version}, {base}products/{ref.product_id}",
        "distribution": [file_object],
        "recordSet": [{"@type": "cr:RecordSet", "@id": "table", "name": "table", "field": fields}],
    }
