"""What the library stores about a product folder: facts read from its files, the catalogue
metadata (process family, problem type, data type, licence) and the search text."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from mfgdata.catalog.errors import RegistrationError
from mfgdata.catalog.glossary import bilingual_words
from mfgdata.db.vocabulary import DATA_TYPES, PROBLEM_TYPES, PROCESS_FAMILIES
from mfgdata.semantics.dictionary import id_key, load_dictionary

#: words (Korean and English, lower case) that point to a process family
PROCESS_WORDS: dict[str, tuple[str, ...]] = {
    "injection_molding": ("사출", "injection", "moulding", "molding"),
    "welding": ("용접", "weld"),
    "casting": ("주조", "다이캐스팅", "casting"),
    "heat_treatment": ("열처리", "heat treat", "annealing", "quench"),
    "press": ("프레스", "press", "stamping"),
    "surface_treatment": ("표면처리", "도금", "도장", "plating", "coating", "surface"),
    "cnc": ("cnc", "가공", "machining", "milling", "lathe"),
}


@dataclass(frozen=True)
class ProductMeta:
    """Catalogue fields given at registration; None: derived from the folder."""

    title_ko: str | None = None
    title_en: str | None = None
    description: str | None = None
    process_family: str | None = None
    problem_type: str | None = None
    data_type: str | None = None
    licence: str | None = None


@dataclass(frozen=True)
class ProductFacts:
    """Facts read from a product folder's own files."""

    product_id: str
    manifest: dict[str, Any]
    title: str
    description: str
    grade: str | None
    score: float | None
    price_krw: Decimal | None
    rows: int | None
    columns: int | None
    licence: str
    has_time: bool
    column_names: list[str] = field(default_factory=list)
    #: the semantic dictionary's Korean and English names of the columns' properties
    semantic_names: list[str] = field(default_factory=list)


def _json(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise RegistrationError(
            f"{name}을(를) 읽을 수 없습니다", f"{name} is not valid JSON: {e}", file=path
        ) from e
    return data if isinstance(data, dict) else {}


def _semantic_names(folder: Path, fields: list[Any]) -> list[str]:
    """Property names (ko, en, synonyms) from semantics.yaml and the fields' property IRDIs."""
    names: list[str] = []
    try:
        doc = yaml.safe_load((folder / "semantics.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        doc = None
    columns = doc.get("columns", []) if isinstance(doc, dict) else []
    ids = {str(c["property"]) for c in columns if isinstance(c, dict) and c.get("property")}
    ids |= {str(f["propertyIRDI"]) for f in fields if isinstance(f, dict) and f.get("propertyIRDI")}
    for c in columns:
        if isinstance(c, dict) and c.get("property"):
            names += [str(c[k]) for k in ("name_ko", "name_en") if c.get(k)]
    if ids:
        wanted = {id_key(i) for i in ids}
        for prop in load_dictionary().properties.values():
            if id_key(prop.id) in wanted:
                names += [prop.name_ko, prop.name_en, *prop.syn_ko, *prop.syn_en]
    return sorted(set(names))


def read_facts(folder: Path, manifest: dict[str, Any]) -> ProductFacts:
    quality = _json(folder, "quality.json")
    pricing = _json(folder, "pricing.json")
    profile = _json(folder, "profile.json")
    package = _json(folder, "datapackage.json")
    licences = package.get("licenses") or []
    licence = str(pricing.get("licence") or (licences[0].get("name") if licences else "") or "")
    resources = package.get("resources") or [{}]
    fields = resources[0].get("schema", {}).get("fields", []) if resources else []
    names = [str(f["name"]) for f in fields if isinstance(f, dict) and "name" in f]
    if not names and isinstance(profile.get("columns"), dict):
        names = sorted(profile["columns"])
    rows = pricing.get("rows", quality.get("rows", profile.get("rows")))
    columns = pricing.get("columns", len(names) if names else None)
    price = pricing.get("price_krw")
    return ProductFacts(
        product_id=str(manifest.get("product_id") or package.get("name") or folder.name),
        manifest=manifest,
        title=str(package.get("title") or manifest.get("product_id") or folder.name),
        description=str(package.get("description") or ""),
        grade=str(quality["grade"]) if quality.get("grade") else None,
        score=float(quality["score"]) if quality.get("score") is not None else None,
        price_krw=Decimal(str(price)) if price is not None else None,
        rows=int(rows) if rows is not None else None,
        columns=int(columns) if columns is not None else None,
        licence=licence,
        has_time=bool(profile.get("time")),
        column_names=names,
        semantic_names=_semantic_names(folder, fields),
    )


def split_title(title: str) -> tuple[str, str]:
    """``"사출성형 데이터 / Injection data"`` → (ko, en); one title is used for both."""
    if " / " in title:
        ko, en = title.split(" / ", 1)
        return ko.strip(), en.strip()
    return title, title


def _english_word(word: str) -> re.Pattern[str]:
    """``press`` matches press, presses, pressing, but not pressure (a word plus an ending)."""
    return re.compile(rf"(?<![a-z]){re.escape(word)}(s|es|ing|ed|er|ers|ment)?(?![a-z])")


_PATTERNS = {
    code: [_english_word(w) if w.isascii() else re.compile(re.escape(w)) for w in words]
    for code, words in PROCESS_WORDS.items()
}


def guess_process_family(text: str) -> str:
    """The process family a text names (Korean words as substrings, English as words)."""
    low = text.lower()
    for code, patterns in _PATTERNS.items():
        if any(p.search(low) for p in patterns):
            return code
    return "other"


def resolve_meta(facts: ProductFacts, meta: ProductMeta) -> dict[str, str]:
    """The catalogue fields: given ones win, the rest come from the folder."""
    ko, en = split_title(facts.title)
    out = {
        "title_ko": meta.title_ko or ko,
        "title_en": meta.title_en or en,
        "description": meta.description if meta.description is not None else facts.description,
        "process_family": meta.process_family or guess_process_family(facts.title),
        "problem_type": meta.problem_type or "quality_assurance",
        "data_type": meta.data_type or ("timeseries" if facts.has_time else "tabular"),
        "licence": meta.licence or facts.licence,
    }
    for key, allowed in (
        ("process_family", PROCESS_FAMILIES),
        ("problem_type", PROBLEM_TYPES),
        ("data_type", DATA_TYPES),
    ):
        if out[key] not in allowed:
            raise RegistrationError(
                f"알 수 없는 {key} 값입니다: {out[key]} (가능: {', '.join(allowed)})",
                f"unknown {key} {out[key]!r} (allowed: {', '.join(allowed)})",
            )
    return out


def search_text(
    product_id: str,
    fields: dict[str, str],
    column_names: list[str],
    *,
    semantic_names: Sequence[str] = (),
    organisation: str = "",
) -> str:
    """One text with both languages' labels, so that Korean and English queries both match:
    the catalogue fields, the column names, the semantic dictionary's names of their properties,
    the owner organisation's name, and the glossary's other-language words for all of these."""
    parts = [
        product_id,
        fields["title_ko"],
        fields["title_en"],
        fields["description"],
        fields["process_family"].replace("_", " "),
        PROCESS_FAMILIES[fields["process_family"]],
        fields["problem_type"].replace("_", " "),
        PROBLEM_TYPES[fields["problem_type"]],
        fields["data_type"],
        DATA_TYPES[fields["data_type"]],
        fields["licence"],
        *column_names,
        *semantic_names,
        organisation,
    ]
    parts.append(" ".join(bilingual_words("\n".join(p for p in parts if p))))
    return "\n".join(p for p in parts if p)
