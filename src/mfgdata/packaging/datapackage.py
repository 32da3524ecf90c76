"""``datapackage.json``: a Frictionless Data Package v2 descriptor for the product.

Deterministic: it holds names, types, units and hashes, never a timestamp. Units and the raw
(source) column names have no core Table Schema property, so they are custom field properties
``unit`` and ``rawName`` (allowed by the spec).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from mfgdata.packaging.datafiles import CSV, PARQUET, TableFacts, schema_datetime_format

PACKAGE_SCHEMA = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_SCHEMA = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA = "https://datapackage.org/profiles/2.0/tableschema.json"
DIALECT_SCHEMA = "https://datapackage.org/profiles/2.0/tabledialect.json"

#: Used when the build options name no licence: attribution, the common open-data default.
DEFAULT_LICENSE: dict[str, str] = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


@dataclass(frozen=True)
class ColumnMeta:
    """What the earlier steps know about one final column."""

    name: str
    raw_name: str | None = None
    unit: str | None = None
    description: str | None = None
    property_irdi: str | None = None  # IEC CDD / ECLASS / local property (standardize step)
    unit_irdi: str | None = None
    standard: bool | None = None
    original_unit: str | None = None  # the unit before conversion to the canonical one
    unit_reference: str | None = None  # reference conditions of a normal/standard volume unit


def field_type(dtype: pl.DataType) -> str:
    """Table Schema v2 type of a Polars dtype."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        return "number"
    if isinstance(dtype, pl.Boolean):
        return "boolean"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if isinstance(dtype, pl.Date):
        return "date"
    if isinstance(dtype, pl.Time):
        return "time"
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return "string"
    return "any"


def package_name(product_id: str) -> str:
    """A v2 package ``name``: lower-case ASCII letters, digits, ``-``, ``_``, ``.``."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", product_id.lower()).strip("-._")
    return slug or "product"


def table_schema(
    schema: pl.Schema, columns: Mapping[str, ColumnMeta], facts: TableFacts, key: Sequence[str]
) -> dict[str, Any]:
    """Table Schema v2 for the final table; ``key`` becomes the primary key when unique."""
    fields: list[dict[str, Any]] = []
    for name, dtype in schema.items():
        meta = columns.get(name, ColumnMeta(name))
        f: dict[str, Any] = {"name": name, "type": field_type(dtype)}
        if isinstance(dtype, pl.Datetime):
            f["format"] = schema_datetime_format(dtype, facts.fractional.get(name, False))
        elif isinstance(dtype, pl.Time):
            f["format"] = "any"
        if meta.raw_name and meta.raw_name != name:
            f["title"] = meta.raw_name
        if meta.raw_name:
            f["rawName"] = meta.raw_name
        if meta.description:
            f["description"] = meta.description
        if meta.unit:
            f["unit"] = meta.unit
        if meta.original_unit and meta.original_unit != meta.unit:
            f["originalUnit"] = meta.original_unit
        if meta.property_irdi:
            f["propertyIRDI"] = meta.property_irdi
            f["standard"] = bool(meta.standard)
        if meta.unit_irdi:
            f["unitIRDI"] = meta.unit_irdi
        if meta.unit_reference:
            f["unitReferenceConditions"] = meta.unit_reference
        constraints: dict[str, bool] = {}
        if facts.null_counts.get(name, 1) == 0:
            constraints["required"] = True
        if facts.key_unique and list(key) == [name]:
            constraints["unique"] = True
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    out: dict[str, Any] = {"$schema": TABLE_SCHEMA, "fields": fields, "missingValues": [""]}
    if key and facts.key_unique:
        out["primaryKey"] = list(key)
    return out


def file_resource(
    name: str, path: str, fmt: str, digest: str, size: int, schema: dict[str, Any]
) -> dict[str, Any]:
    res: dict[str, Any] = {
        "$schema": RESOURCE_SCHEMA,
        "name": name,
        "path": path,
        "type": "table",
        "format": fmt,
        "bytes": size,
        "hash": f"sha256:{digest}",
        "schema": schema,
    }
    if fmt == "csv":
        res["mediatype"] = "text/csv"
        res["encoding"] = "utf-8"
        res["dialect"] = {
            "$schema": DIALECT_SCHEMA,
            "header": True,
            "delimiter": ",",
            "lineTerminator": "\n",
            "quoteChar": '"',
            "doubleQuote": True,
        }
    else:
        res["mediatype"] = "application/vnd.apache.parquet"
    return res


def datapackage(
    *,
    product_id: str,
    title: str,
    schema: dict[str, Any],
    files: Mapping[str, tuple[str, int]],
    inputs: Sequence[Mapping[str, Any]],
    license: Mapping[str, str] | None = None,
    version: str = "1.0.0",
    description: str | None = None,
    flags: tuple[str, str, int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The descriptor. ``files`` maps product paths to (sha256 hex, bytes); ``flags`` is the
    quality-flags file beside the table (path, sha256 hex, bytes, Table Schema), if any."""
    resources = [
        file_resource("table", PARQUET, "parquet", *files[PARQUET], schema),
        file_resource("table-csv", CSV, "csv", *files[CSV], schema),
    ]
    if flags is not None:
        path, digest, size, flag_schema = flags
        res = file_resource("flags", path, "parquet", digest, size, flag_schema)
        res["description"] = (
            "레시피의 품질 표시(이상치), 'row'로 표의 행과 연결 / the recipe's quality flags "
            "(outliers), joined to the table by 'row'"
        )
        resources.append(res)
    sources = [
        {
            "title": str(i.get("name")),
            "path": str(i.get("name")),
            "hash": f"sha256:{i.get('sha256')}",
            "bytes": i.get("bytes"),
            "encoding": i.get("encoding"),
            "format": i.get("format"),
        }
        for i in inputs
    ]
    pkg: dict[str, Any] = {
        "$schema": PACKAGE_SCHEMA,
        "name": package_name(product_id),
        "id": product_id,
        "title": title,
        "version": version,
        "licenses": [dict(license or DEFAULT_LICENSE)],
        "sources": [{k: v for k, v in s.items() if v is not None} for s in sources],
        "resources": resources,
    }
    if description:
        pkg["description"] = description
    return pkg
