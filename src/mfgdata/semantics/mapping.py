"""semantics.yaml: the column -> property mapping, written by a build and reused by the next.

Reading validates everything before anything is written: broken YAML, a wrong shape, a column
mapped twice, an unknown property id, a unit that is unknown or cannot convert, and a column that
is not in the data each raise a ``SemanticsError`` naming the column (and the line when known).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from mfgdata.semantics.dictionary import Dictionary, Property
from mfgdata.semantics.errors import DuplicateColumnError, MappingFileError
from mfgdata.semantics.matcher import ColumnMatch
from mfgdata.semantics.units import conversion, find_unit, parse_unit, target_unit

VERSION = 1


@dataclass(frozen=True)
class MappingEntry:
    """One column's mapping. ``prop`` None: the column is not mapped to a property."""

    column: str
    prop: Property | None
    unit_original: str | None = None
    confidence: float | None = None
    reasons: tuple[str, ...] = ()
    accepted_by: str = "auto"
    review: bool = False
    candidates: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    #: The unit the values are stored in when it is not the property's (see ``target_unit``).
    unit_target: str | None = None

    @property
    def unit_canonical(self) -> str | None:
        if self.prop is not None and self.unit_target is not None:
            return self.unit_target
        if self.prop is not None and self.prop.unit is not None:
            return self.prop.unit
        return self.unit_original

    def with_target(self, dictionary: Dictionary) -> MappingEntry:
        """This entry with ``unit_target`` settled (a standard flow stays a standard flow)."""
        if self.prop is None or self.prop.unit is None or self.unit_original is None:
            return self
        src = find_unit(self.unit_original, dictionary)
        target = target_unit(src, self.prop.unit, dictionary)
        key = target.key if target is not None else None
        return replace(self, unit_target=key if key != self.prop.unit else None)

    def to_dict(self, dictionary: Dictionary) -> dict[str, Any]:
        p = self.prop
        canon = dictionary.units.get(self.unit_canonical or "")
        return {
            "column": self.column,
            "property": p.id if p else None,
            "standard": p.standard if p else None,
            "name_en": p.name_en if p else None,
            "name_ko": p.name_ko if p else None,
            "data_type": p.data_type if p else None,
            "unit": {
                "original": self.unit_original,
                "canonical": self.unit_canonical,
                "irdi": canon.irdi if canon else None,
                "reference": canon.reference if canon else None,
            },
            "confidence": self.confidence,
            "review": self.review,
            "reasons": list(self.reasons),
            "accepted_by": self.accepted_by,
            "candidates": [{"property": i, "confidence": c} for i, c in self.candidates],
        }


def entries_from_matches(
    matches: Sequence[ColumnMatch], dictionary: Dictionary | None = None
) -> list[MappingEntry]:
    """The proposal: the best candidate of each column (None below the matcher's LOW); with
    ``dictionary``, each entry's stored unit is settled too (``MappingEntry.with_target``)."""
    out = []
    for m in matches:
        best = m.best
        out.append(
            MappingEntry(
                column=m.column,
                prop=best.property if best else None,
                unit_original=m.unit.key if m.unit else m.unit_text,
                confidence=best.confidence if best else None,
                reasons=best.reasons if best else (),
                review=m.review,
                candidates=tuple((c.property.id, c.confidence) for c in m.candidates[:3]),
            )
        )
    return [e.with_target(dictionary) for e in out] if dictionary is not None else out


def mapping_document(entries: Sequence[MappingEntry], dictionary: Dictionary) -> dict[str, Any]:
    return {"version": VERSION, "columns": [e.to_dict(dictionary) for e in entries]}


def write_mapping(path: Path, entries: Sequence[MappingEntry], dictionary: Dictionary) -> None:
    """Write atomically (temp file + rename): a failed write leaves nothing half-written."""
    text = yaml.safe_dump(
        mapping_document(entries, dictionary), allow_unicode=True, sort_keys=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _entry_lines(text: str) -> list[int | None]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "columns" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _error(file: str, line: int | None, ko: str, en: str, column: str | None = None) -> Exception:
    return MappingFileError(ko, en, file=file, line=line, column=column)


def parse_mapping(
    text: str,
    dictionary: Dictionary,
    *,
    file: str = "semantics.yaml",
    columns: Sequence[str] | None = None,
) -> list[MappingEntry]:
    """Validate a mapping document and return its entries (see module docstring)."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _error(
            file, line, "매핑 파일이 올바른 YAML이 아닙니다", "the mapping file is not valid YAML"
        ) from e
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list):
        raise _error(
            file,
            None,
            "매핑 파일에 columns 목록이 없습니다",
            "the mapping file has no 'columns' list",
        )
    lines = _entry_lines(text)
    seen: dict[str, int | None] = {}
    out: list[MappingEntry] = []
    for i, raw in enumerate(doc["columns"]):
        line = lines[i] if i < len(lines) else None
        if not isinstance(raw, dict) or not isinstance(raw.get("column"), str):
            raise _error(
                file, line, "항목에 column 이름이 없습니다", "an entry has no 'column' name"
            )
        col = raw["column"]
        if col in seen:
            raise DuplicateColumnError(
                f"열이 두 번 매핑되었습니다 (처음: {seen[col]}행)",
                f"column mapped twice (first at line {seen[col]})",
                file=file,
                line=line,
                column=col,
            )
        seen[col] = line
        if columns is not None and col not in columns:
            raise _error(file, line, "데이터에 없는 열입니다", "column not in the data", col)
        out.append(_entry(raw, col, dictionary, file, line))
    return out


def _entry(
    raw: dict[str, Any], col: str, dictionary: Dictionary, file: str, line: int | None
) -> MappingEntry:
    prop_id = raw.get("property")
    prop = dictionary.get(str(prop_id), column=col) if prop_id else None
    unit_raw = raw.get("unit")
    unit: dict[str, Any] = unit_raw if isinstance(unit_raw, dict) else {}
    original = unit.get("original")
    target = None
    if original is not None:
        src = parse_unit(str(original), dictionary, column=col)
        if prop is not None and prop.unit is not None:
            dst = target_unit(src, prop.unit, dictionary) or dictionary.units[prop.unit]
            conversion(src, dst, column=col)
            target = dst.key if dst.key != prop.unit else None
        original = src.key
    conf = raw.get("confidence")
    return MappingEntry(
        unit_target=target,
        column=col,
        prop=prop,
        unit_original=original,
        confidence=float(conf) if isinstance(conf, int | float) else None,
        reasons=tuple(str(r) for r in raw.get("reasons") or ()),
        accepted_by=str(raw.get("accepted_by") or "auto"),
        review=bool(raw.get("review", False)),
        candidates=tuple(
            (str(c["property"]), float(c["confidence"]))
            for c in raw.get("candidates") or ()
            if isinstance(c, dict) and "property" in c
        ),
    )


def read_mapping(
    path: Path, dictionary: Dictionary, *, columns: Sequence[str] | None = None
) -> list[MappingEntry]:
    if not path.is_file():
        raise MappingFileError("매핑 파일이 없습니다", "mapping file not found", file=path)
    return parse_mapping(
        path.read_text(encoding="utf-8"), dictionary, file=str(path), columns=columns
    )
