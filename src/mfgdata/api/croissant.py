"""Croissant 1.0 JSON-LD (MLCommons) for one product: metadata, the Parquet file, one RecordSet."""

from __future__ import annotations

from typing import Any

import polars as pl

from mfgdata.api.deps import ProductFiles, ProductRef

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
#: the standard Croissant 1.0 context (docs/croissant-spec.md)
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def data_type(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return "sc:Boolean"
    if dtype.is_integer():
        return "sc:Integer"
    if dtype.is_numeric():
        return "sc:Float"
    if isinstance(dtype, pl.Datetime):
        return "sc:DateTime"
    if dtype == pl.Date:
        return "sc:Date"
    return "sc:Text"


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
