"""Standardize: map columns to IEC CDD / ECLASS / ISO 22400 / local properties, convert units.

Reuses an accepted mapping (``BuildOptions.semantics``) or proposes one with the matcher. Column
names stay as they are; the property goes into the metadata (``semantics.yaml`` and ``data``).
Values of mapped numeric columns are converted lazily to the property's canonical unit.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import PreprocessResult, ProfileResult, StandardizeResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.semantics.dictionary import Dictionary, Property, UnitDef, load_dictionary
from mfgdata.semantics.errors import SemanticsError
from mfgdata.semantics.mapping import (
    MappingEntry,
    entries_from_matches,
    mapping_document,
    read_mapping,
)
from mfgdata.semantics.matcher import ColumnInfo, match_columns
from mfgdata.semantics.report import semantics_section
from mfgdata.semantics.units import conversion, find_unit, parse_unit, readings, split_header

SEMANTICS_FILE = "semantics.yaml"


def _float(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _kind(dtype: pl.DataType | None) -> str | None:
    if dtype is None:
        return None
    if dtype == pl.Boolean:
        return "boolean"
    if dtype.is_numeric():
        return "numeric"
    return "datetime" if dtype.is_temporal() else "categorical"


def column_infos(
    columns: list[dict[str, Any]], profile: dict[str, Any], schema: pl.Schema | None = None
) -> list[ColumnInfo]:
    """Matcher input from preprocess columns plus kind and min/max from the profile; the kind
    of the table as it is now (``schema``) wins, since preprocessing may have changed it or added
    the column (``X__outlier`` flags)."""
    stats = profile.get("columns") or {}
    out = []
    for c in columns:
        name = str(c["name"])
        s = stats.get(name) or {}
        same_unit = s.get("unit", c.get("unit")) == c.get("unit")
        now = _kind(schema.get(name)) if schema is not None else None
        kind = s.get("kind") or c.get("kind")
        if now is not None and (kind is None or (now != kind and now != "categorical")):
            kind = now
        out.append(
            ColumnInfo(
                name=name,
                unit=c.get("unit") or None,
                kind=kind,
                minimum=_float(s.get("min")) if same_unit and kind == "numeric" else None,
                maximum=_float(s.get("max")) if same_unit and kind == "numeric" else None,
            )
        )
    return out


def conversion_exprs(
    entries: list[MappingEntry], schema: pl.Schema, dictionary: Dictionary
) -> dict[str, tuple[float, float]]:
    """(scale, offset) for every mapped numeric column whose unit differs from the canonical."""
    out: dict[str, tuple[float, float]] = {}
    for e in entries:
        p = e.prop
        if p is None or p.unit is None or e.unit_original is None or e.column not in schema:
            continue
        if not schema[e.column].is_numeric() or e.unit_canonical is None:
            continue
        src = parse_unit(e.unit_original, dictionary, column=e.column)
        dst = dictionary.units.get(e.unit_canonical) or parse_unit(
            e.unit_canonical, dictionary, column=e.column
        )
        scale, offset = conversion(src, dst, column=e.column)
        if (scale, offset) != (1.0, 0.0):
            out[e.column] = (scale, offset)
    return out


def conversions(factors: dict[str, tuple[float, float]]) -> list[pl.Expr]:
    """The unit conversions as Polars expressions: ``x * scale + offset`` in Float64."""
    return [(pl.col(c).cast(pl.Float64) * a + b).alias(c) for c, (a, b) in factors.items()]


def unit_in_name(column: str, unit: str, dictionary: Dictionary) -> bool:
    """True when the column's own name still carries ``unit`` (``유량[kscmh]``)."""
    name, unit_text = split_header(column, dictionary)
    stated = find_unit(unit_text, dictionary) if unit_text is not None else None
    meant = find_unit(unit, dictionary)
    # ``진동(g)`` stored in gₙ: the header's ``g`` read as the property needs it
    return (
        stated is not None
        and name != column
        and meant is not None
        and meant.key in {u.key for u in readings(stated, dictionary)}
    )


def settle_unit(e: MappingEntry, dictionary: Dictionary) -> MappingEntry:
    """Fix the unit the values are stored in: a column whose name states its unit keeps it
    (name, unit, semantics and report agree); a standard volume flow stays one."""
    if e.prop is None or e.prop.unit is None or e.unit_original is None:
        return e
    if unit_in_name(e.column, e.unit_original, dictionary):
        src = find_unit(e.unit_original, dictionary)
        return replace(e, unit_target=src.key if src else e.unit_original)
    settled = e.with_target(dictionary)
    src = parse_unit(e.unit_original, dictionary, column=e.column)  # unknown unit: an error
    dst = parse_unit(settled.unit_canonical or e.unit_original, dictionary, column=e.column)
    try:
        conversion(src, dst, column=e.column)
    except SemanticsError:
        if e.accepted_by != "auto":
            raise
        # a proposal whose unit cannot become the property's (kscmh for an actual flow): none
        return replace(e, prop=None, confidence=None, review=False, unit_target=None)
    return settled


def _bounds(
    p: Property, unit: UnitDef | None, dictionary: Dictionary
) -> tuple[float, float] | None:
    """The property's plausible range in the unit the values are stored in (None if unknown)."""
    if p.range is None or p.unit is None or unit is None or unit.key == p.unit:
        return p.range
    try:
        a, b = conversion(dictionary.units[p.unit], unit)
    except SemanticsError:
        return None
    lo, hi = sorted((p.range[0] * a + b, p.range[1] * a + b))
    return lo, hi


def column_data(e: MappingEntry, dictionary: Dictionary, converted: bool) -> dict[str, Any]:
    """One row of ``data["columns"]`` (the contract with quality, aas and package)."""
    p = e.prop
    unit = e.unit_canonical
    canon = dictionary.units.get(unit or "") or (
        find_unit(unit, dictionary) if unit is not None else None
    )
    bounds = _bounds(p, canon, dictionary) if p else None
    return {
        "name": e.column,
        "property": p.id if p else None,
        "standard": p.standard if p else None,
        "name_en": p.name_en if p else None,
        "name_ko": p.name_ko if p else None,
        "definition_en": p.definition_en if p else None,
        "data_type": p.data_type if p else None,
        "unit": canon.key if canon and unit else unit,
        "unit_original": e.unit_original,
        "unit_irdi": canon.irdi if canon and p else None,
        "unit_reference": canon.reference if canon else None,
        # the header gave no unit: the canonical one is assumed, and the report says so
        "unit_assumed": bool(p and p.unit and e.unit_original is None),
        "converted": converted,
        "minimum": bounds[0] if bounds else None,
        "maximum": bounds[1] if bounds else None,
        "confidence": e.confidence,
        "review": e.review,
        "accepted_by": e.accepted_by,
    }


class StandardizeStep:
    name = "standardize"
    title_ko = "표준화"
    title_en = "Standardize"
    reads_rows = False  # schema and profile only: its conversions join the plan the runner writes

    def convert(self, frame: pl.LazyFrame, exprs: list[pl.Expr]) -> pl.LazyFrame:
        """The conversions added to the plan (the Spark side runs them per Arrow batch); with
        none, the frame itself (the runner then has no new plan to write)."""
        return frame.with_columns(exprs) if exprs else frame

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ValueError("standardize needs the table from the earlier steps")
        pre = ctx.maybe(PreprocessResult)
        prof = ctx.maybe(ProfileResult)
        columns = [dict(c) for c in pre.columns] if pre else []
        if not columns:
            columns = [{"name": n, "unit": None} for n in frame.collect_schema().names()]
        extension: Path | None = getattr(ctx.options, "dictionary", None)
        dictionary = load_dictionary([extension] if extension else [])
        accepted: Path | None = getattr(ctx.options, "semantics", None)
        names = [str(c["name"]) for c in columns]
        if accepted is not None:
            listed = {e.column: e for e in read_mapping(Path(accepted), dictionary, columns=names)}
            units = {str(c["name"]): c.get("unit") for c in columns}
            entries = [
                listed.get(n) or MappingEntry(column=n, prop=None, unit_original=units[n])
                for n in names
            ]
            source = Path(accepted).name
        else:
            infos = column_infos(columns, prof.as_dict() if prof else {}, frame.collect_schema())
            entries = entries_from_matches(match_columns(infos, dictionary), dictionary)
            source = "proposed"
        entries = [settle_unit(e, dictionary) for e in entries]
        ctx.progress(self.name, 0.5, "units")
        schema = frame.collect_schema()
        factors = conversion_exprs(entries, schema, dictionary)  # raises before anything is written
        out = self.convert(frame, conversions(factors))
        doc = mapping_document(entries, dictionary)
        doc["source"] = source
        ctx.product.write_yaml(SEMANTICS_FILE, doc)
        data_columns = [column_data(e, dictionary, e.column in factors) for e in entries]
        findings = tuple(
            Finding(
                code="semantics_review",
                severity="info",
                message_ko=f"속성 매핑 확인 필요 (신뢰도 {e.confidence:.2f})",
                message_en=f"property mapping needs review (confidence {e.confidence:.2f})",
                column=e.column,
                step=self.name,
            )
            for e in entries
            if e.review and e.confidence is not None
        )
        return StepResult(
            step=self.name,
            frame=out,
            data=StandardizeResult(columns=data_columns, source=source),
            findings=findings,
            counts={
                "columns": len(entries),
                "mapped": sum(e.prop is not None for e in entries),
                "standard": sum(bool(e.prop and e.prop.standard) for e in entries),
                "review": sum(e.review for e in entries),
                "converted": len(factors),
            },
            files=(SEMANTICS_FILE,),
            report=semantics_section(data_columns, source),
        )
