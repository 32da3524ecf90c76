"""Reading suppliers (YAML or JSON ``{suppliers: [...]}``, or flat CSV) and a demand (JSON).

The CSV has one row per solution: ``supplier_id,supplier,regions,conflicts,solution_id,solution,
description_ko,description_en,keywords,problem_types,process_families,product_kinds,deployment,
price_min_krw,price_max_krw`` (lists separated by ``;``; ``status`` optional, default approved).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mfgdata.suppliers.errors import SupplierFileError
from mfgdata.suppliers.models import Catalogue, Demand

LIST_COLUMNS: tuple[str, ...] = (
    "regions",
    "conflicts",
    "keywords",
    "problem_types",
    "process_families",
    "product_kinds",
    "deployment",
)
SOLUTION_COLUMNS: tuple[str, ...] = (
    "description_ko",
    "description_en",
    "keywords",
    "problem_types",
    "process_families",
    "product_kinds",
    "deployment",
    "price_min_krw",
    "price_max_krw",
)


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise SupplierFileError(
            f"파일을 읽을 수 없습니다: {e.strerror}",
            f"cannot read the file: {e.strerror}",
            file=path,
        ) from e
    except UnicodeDecodeError as e:
        raise SupplierFileError(
            "UTF-8 파일이 아닙니다: UTF-8로 다시 저장하세요",
            "not a UTF-8 file: save it again as UTF-8",
            file=path,
        ) from e


def _invalid(e: ValidationError, path: Path | str, what_ko: str, what_en: str) -> SupplierFileError:
    first = e.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "-"
    return SupplierFileError(
        f"{what_ko}이(가) 올바르지 않습니다 ({where}): {first['msg']}",
        f"the {what_en} is not valid ({where}): {first['msg']}",
        file=str(path),
    )


def _csv_catalogue(text: str) -> dict[str, Any]:
    suppliers: dict[str, dict[str, Any]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        for c in LIST_COLUMNS:
            if c in row:
                row[c] = [p.strip() for p in row[c].split(";") if p.strip()]  # type: ignore[assignment]
        sid = row.get("supplier_id", "")
        supplier = suppliers.setdefault(
            sid,
            {
                "id": sid,
                "name": row.get("supplier", ""),
                "regions": row.get("regions", []),
                "conflicts": row.get("conflicts", []),
                "status": row.get("status") or "approved",
                "solutions": [],
            },
        )
        solution: dict[str, Any] = {
            "id": row.get("solution_id", ""),
            "name": row.get("solution", ""),
        }
        for c in SOLUTION_COLUMNS:
            if row.get(c):
                solution[c] = row[c]
        supplier["solutions"].append(solution)
    return {"suppliers": list(suppliers.values())}


def parse_catalogue(data: Any, *, source: Path | str) -> Catalogue:
    try:
        return Catalogue.model_validate(data)
    except ValidationError as e:
        raise _invalid(e, source, "공급기업 목록", "suppliers list") from e


def read_catalogue(path: Path) -> Catalogue:
    text = _text(path)
    if path.suffix.lower() == ".csv":
        return parse_catalogue(_csv_catalogue(text), source=path)
    try:
        data = yaml.safe_load(text)  # YAML is a superset of JSON
    except yaml.YAMLError as e:
        raise SupplierFileError(
            "YAML/JSON 파일이 아닙니다", "not a YAML or JSON file", file=path
        ) from e
    if isinstance(data, list):
        data = {"suppliers": data}
    return parse_catalogue(data, source=path)


def parse_demand(data: Any, *, source: Path | str) -> Demand:
    try:
        return Demand.model_validate(data)
    except ValidationError as e:
        raise _invalid(e, source, "수요", "demand") from e


def read_demand(path: Path) -> Demand:
    try:
        data = json.loads(_text(path))
    except ValueError as e:
        raise SupplierFileError("JSON 파일이 아닙니다", "not a JSON file", file=path) from e
    return parse_demand(data, source=path)
