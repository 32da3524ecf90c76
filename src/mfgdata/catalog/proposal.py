"""A title and description proposed from the data itself, for a product built without ``--title``.

Where the words come from, most specific first:

1. the raw inputs' preamble (the lines above the header, e.g. ``설비명,사출기 3호기``): an
   equipment or line name after a key such as 설비명 / 라인 / equipment / machine;
2. the chosen Excel sheet's name (``설비1``), unless it is a default name (``Sheet1``, ``시트1``);
3. the input file's name without its extension.

The process family is inferred from the standardized properties' names (semantics.yaml, e.g.
사출압력 → injection moulding), then from the title words. The description states the size, the
time span and the grade in Korean and English. Nothing is written: the registrant edits the
proposal before publishing (``ProductMeta``, ``mfgdata register --title-ko ...``).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mfgdata.catalog.metadata import guess_process_family
from mfgdata.db.tables import PROCESS_FAMILIES

EQUIPMENT_KEYS = (
    "설비명",
    "설비",
    "장비명",
    "장비",
    "라인명",
    "라인",
    "호기",
    "equipment",
    "machine",
    "line",
    "asset",
)
DEFAULT_SHEETS = re.compile(r"^(sheet|시트|worksheet)\s*\d*$", re.IGNORECASE)
PROCESS_EN = {
    "injection_molding": "injection moulding",
    "welding": "welding",
    "casting": "casting",
    "heat_treatment": "heat treatment",
    "press": "press",
    "surface_treatment": "surface treatment",
    "cnc": "CNC machining",
    "other": "manufacturing",
}


@dataclass(frozen=True)
class Proposal:
    title_ko: str
    title_en: str
    description: str
    process_family: str
    reasons: list[str] = field(default_factory=list)


def _json(folder: Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def preamble_name(path: Path, header_row: int | None) -> str | None:
    """The equipment or line name in the lines above a CSV header (``key,value`` pairs)."""
    if not header_row or header_row <= 1 or path.suffix.lower() not in (".csv", ".txt"):
        return None
    for encoding in ("utf-8-sig", "cp949"):
        try:
            with path.open(encoding=encoding, newline="") as fh:
                lines = [next(fh, "") for _ in range(header_row - 1)]
            break
        except (OSError, UnicodeDecodeError):
            lines = []
    for row in csv.reader(lines):
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) < 2:
            continue
        key = cells[0].rstrip(":：").lower()
        if any(k in key for k in EQUIPMENT_KEYS):
            return cells[1]
    return None


def _names_from_semantics(folder: Path) -> str:
    try:
        doc = yaml.safe_load((folder / "semantics.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return ""
    cols = doc.get("columns", []) if isinstance(doc, dict) else []
    return " ".join(
        f"{c.get('name_ko') or ''} {c.get('name_en') or ''}"
        for c in cols
        if isinstance(c, dict) and c.get("property")
    )


def propose(folder: Path, raw_inputs: Sequence[Path] = ()) -> Proposal:
    """The proposal for product ``folder`` (``raw_inputs``: the files it was built from, when at
    hand, for their preamble)."""
    lineage = _json(folder, "lineage.json")
    inputs = [i for i in lineage.get("inputs", []) if isinstance(i, dict)]
    reasons: list[str] = []
    subject = None
    by_name = {p.name: p for p in raw_inputs}
    for item in inputs:
        raw = by_name.get(str(item.get("name")))
        found = preamble_name(raw, item.get("header_row")) if raw is not None else None
        if found:
            subject = found
            reasons.append(f"preamble of {item.get('name')}: {found}")
            break
    if subject is None:
        sheet = next((str(i["sheet"]) for i in inputs if i.get("sheet")), None)
        if sheet and not DEFAULT_SHEETS.match(sheet):
            subject = sheet
            reasons.append(f"sheet name: {sheet}")
    if subject is None and inputs:
        subject = Path(str(inputs[0].get("name", ""))).stem.replace("_", " ") or None
        if subject:
            reasons.append(f"file name: {subject}")
    subject = subject or str(lineage.get("product_id") or folder.name)
    family = guess_process_family(_names_from_semantics(folder))
    if family != "other":
        reasons.append(f"process family from the standardized properties: {family}")
    else:
        family = guess_process_family(subject)
    ko_family = PROCESS_FAMILIES[family] if family != "other" else "제조"
    title_ko = f"{subject} {ko_family} 공정 데이터"
    title_en = f"{subject} {PROCESS_EN[family]} process data"
    return Proposal(title_ko, title_en, _description(folder), family, reasons)


def _description(folder: Path) -> str:
    profile = _json(folder, "profile.json")
    quality = _json(folder, "quality.json")
    rows = profile.get("rows")
    cols = profile.get("columns")
    ncols = len(cols) if isinstance(cols, dict | list) else None
    time = profile.get("time") if isinstance(profile.get("time"), dict) else {}
    span_ko = span_en = ""
    if time and time.get("start") and time.get("end"):
        span_ko = f", {str(time['start'])[:10]}~{str(time['end'])[:10]}"
        span_en = f", {str(time['start'])[:10]} to {str(time['end'])[:10]}"
    grade = quality.get("grade")
    ko = f"{rows:,}행 × {ncols}열{span_ko}" if isinstance(rows, int) else "데이터"
    en = f"{rows:,} rows × {ncols} columns{span_en}" if isinstance(rows, int) else "data"
    if grade:
        ko += f", 품질 등급 {grade}"
        en += f", quality grade {grade}"
    return f"{ko}. / {en}."
