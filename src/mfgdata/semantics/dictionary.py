"""The property dictionary: shipped data files plus user extension YAML of company terms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mfgdata import yamltext
from mfgdata.semantics.errors import DictionaryError, UnknownPropertyError

NUMERIC_TYPES = frozenset({"REAL_MEASURE", "INTEGER_MEASURE", "INTEGER_COUNT", "REAL_COUNT"})
DATA_TYPES = NUMERIC_TYPES | {"STRING", "TIMESTAMP", "BOOLEAN", "DATE"}
LOCAL_PREFIX = "urn:mfgdata:property:"
_VERSION = re.compile(r"#\d{3}$")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def id_key(prop_id: str) -> str:
    """Compare ids trimmed and without the ``#NNN`` version (versions drift between sources)."""
    key = prop_id.strip()
    return _VERSION.sub("", key) if "#" in key and not key.startswith("http") else key


@dataclass(frozen=True)
class UnitDef:
    key: str
    pint: str
    irdi: str | None
    source: str
    aliases: tuple[str, ...]
    #: Reference conditions of a normal/standard volume (``Nm³``, ``Sm³``, ``SCF``); None for
    #: every other unit. Units with different references never convert into each other.
    reference: str | None = None
    #: The unit of the same reference that columns in this unit are stored in (kscmh -> Sm³/h).
    family: str | None = None
    #: Symbols of other units this one is also written as (standard gravity is written ``g``,
    #: like the gram); the matcher reads such a symbol as this unit when the property's quantity
    #: kind needs it (``진동(g)`` is an acceleration, ``weight (g)`` a mass).
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Property:
    id: str
    standard: bool
    source: str
    name_en: str
    name_ko: str
    definition_en: str
    data_type: str
    unit: str | None
    range: tuple[float, float] | None = None
    unit_hints: tuple[str, ...] = ()
    group: str = ""
    syn_en: tuple[str, ...] = ()
    syn_ko: tuple[str, ...] = ()
    #: Abbreviations that count only when the header writes them in this case, as a word of
    #: their own (``Mw`` is a molecular weight; ``MW`` is the megawatt).
    syn_cased: tuple[str, ...] = ()
    #: Header words that say the column is something else (``supply`` air is not ambient air).
    exclude: tuple[str, ...] = ()
    #: Properties of one family (mass / actual / standard volume flow) share their names at a
    #: discount; the header's unit then tells which member the column is.
    family: str = ""
    #: A result measured after the process (a quality test: strength, conversion, molecular
    #: weight, yield): another output of the same run, never a model input (modeling.leaks).
    outcome: bool = False

    @property
    def numeric(self) -> bool:
        return self.data_type in NUMERIC_TYPES

    def aliases(self) -> tuple[str, ...]:
        return (self.name_en, self.name_ko, *self.syn_en, *self.syn_ko, *self.syn_cased)


@dataclass
class Dictionary:
    properties: dict[str, Property]
    units: dict[str, UnitDef]
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, prop_id: str, *, column: str | None = None) -> Property:
        """The property for ``prop_id`` (version-insensitive) or ``UnknownPropertyError``."""
        want = id_key(prop_id)
        for prop in self.properties.values():
            if id_key(prop.id) == want:
                return prop
        raise UnknownPropertyError(
            f"사전에 없는 속성 ID입니다: {prop_id}",
            f"property id not in the dictionary: {prop_id}",
            column=column,
        )


def _entry(raw: dict[str, Any], where: str, sources: dict[str, str]) -> Property:
    try:
        src = str(raw["source"])
        prop = Property(
            id=str(raw["id"]).strip(),
            standard=bool(raw["standard"]),
            source=sources.get(src, src),
            name_en=str(raw["name_en"]),
            name_ko=str(raw["name_ko"]),
            definition_en=str(raw["definition_en"]),
            data_type=str(raw["data_type"]),
            unit=None if raw.get("unit") is None else str(raw["unit"]),
            range=tuple(float(v) for v in raw["range"]) if raw.get("range") else None,  # type: ignore[arg-type]
            unit_hints=tuple(str(u) for u in raw.get("unit_hints") or ()),
            group=str(raw.get("group") or ""),
            syn_en=tuple(str(s) for s in raw.get("syn_en") or ()),
            syn_ko=tuple(str(s) for s in raw.get("syn_ko") or ()),
            syn_cased=tuple(str(s) for s in raw.get("syn_cased") or ()),
            exclude=tuple(str(s).lower() for s in raw.get("exclude") or ()),
            family=str(raw.get("family") or ""),
            outcome=bool(raw.get("outcome", False)),
        )
    except (KeyError, TypeError, ValueError) as e:
        raise DictionaryError(
            f"사전 항목이 올바르지 않습니다: {e}", f"bad dictionary entry: {e}", file=where
        ) from e
    if prop.data_type not in DATA_TYPES:
        raise DictionaryError(
            f"알 수 없는 데이터 형식 {prop.data_type} ({prop.id})",
            f"unknown data type {prop.data_type} ({prop.id})",
            file=where,
        )
    if not prop.standard and not prop.id.startswith(LOCAL_PREFIX):
        raise DictionaryError(
            f"비표준 속성은 {LOCAL_PREFIX} 네임스페이스를 써야 합니다: {prop.id}",
            f"a non-standard property must use the {LOCAL_PREFIX} namespace: {prop.id}",
            file=where,
        )
    return prop


def _read_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        doc = yamltext.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise DictionaryError(
            "사전 파일이 올바른 YAML이 아닙니다",
            "the dictionary file is not valid YAML",
            file=where,
            line=mark.line + 1 if mark is not None else None,
        ) from e
    if not isinstance(doc, dict):
        raise DictionaryError("사전 파일 형식이 아닙니다", "not a dictionary file", file=where)
    return doc


def _units(doc: dict[str, Any]) -> dict[str, UnitDef]:
    out: dict[str, UnitDef] = {}
    for key, raw in doc["units"].items():
        aliases = tuple(dict.fromkeys(nfkc(a) for a in [key, *raw.get("aliases", [])]))
        out[key] = UnitDef(
            key,
            str(raw["pint"]),
            raw.get("irdi"),
            str(raw["source"]),
            aliases,
            reference=raw.get("reference"),
            family=raw.get("family"),
            also=tuple(nfkc(a) for a in raw.get("also", [])),
        )
    return out


def _merge(base: dict[str, Property], entries: Iterable[Property], where: str) -> None:
    for prop in entries:
        known = next((p for p in base.values() if id_key(p.id) == id_key(prop.id)), None)
        if known is None:
            base[prop.id] = prop
        elif where == "builtin":
            raise DictionaryError(
                f"중복된 속성 ID: {prop.id}", f"duplicate property id: {prop.id}", file=where
            )
        else:  # an extension adds company terms to a known property
            base[known.id] = replace(
                known,
                syn_en=tuple(dict.fromkeys((*known.syn_en, *prop.syn_en))),
                syn_ko=tuple(dict.fromkeys((*known.syn_ko, *prop.syn_ko))),
            )


def _extension_entries(path: Path, dictionary: Dictionary) -> list[Property]:
    doc = _read_yaml(path.read_text(encoding="utf-8"), str(path))
    entries: list[Property] = []
    for raw in doc.get("properties") or []:
        if not isinstance(raw, dict) or "id" not in raw:
            raise DictionaryError(
                "속성 항목에 id가 없습니다", "a property entry has no id", file=path
            )
        try:  # known id: only synonyms are taken
            known = dictionary.get(str(raw["id"]))
            entries.append(
                replace(
                    known,
                    syn_en=tuple(str(s) for s in raw.get("syn_en") or ()),
                    syn_ko=tuple(str(s) for s in raw.get("syn_ko") or ()),
                    syn_cased=tuple(str(s) for s in raw.get("syn_cased") or ()),
                )
            )
        except UnknownPropertyError:
            entries.append(_entry(raw, str(path), dict(doc.get("sources") or {})))
    return entries


@lru_cache(maxsize=1)
def _builtin() -> Dictionary:
    data = resources.files("mfgdata.semantics") / "data"
    units = _units(_read_yaml((data / "units.yaml").read_text(encoding="utf-8"), "units.yaml"))
    doc = _read_yaml((data / "properties.yaml").read_text(encoding="utf-8"), "properties.yaml")
    sources = {str(k): str(v) for k, v in doc["sources"].items()}
    props: dict[str, Property] = {}
    _merge(props, (_entry(r, "properties.yaml", sources) for r in doc["properties"]), "builtin")
    for prop in props.values():
        for u in (prop.unit, *prop.unit_hints):
            if u is not None and u not in units:
                raise DictionaryError(
                    f"알 수 없는 단위 {u} ({prop.id})", f"unknown unit {u} ({prop.id})"
                )
    return Dictionary(props, units, sources)


def load_dictionary(extensions: Sequence[Path] = ()) -> Dictionary:
    """The shipped dictionary, extended by company-term YAML files (``properties:`` list)."""
    base = _builtin()
    result = Dictionary(dict(base.properties), base.units, dict(base.sources))
    for path in extensions:
        if not Path(path).is_file():
            raise DictionaryError(
                "사전 확장 파일이 없습니다", "dictionary extension file not found", file=path
            )
        _merge(result.properties, _extension_entries(Path(path), result), str(path))
    return result
