"""Standardize: map columns to IEC CDD / ECLASS / ISO 22400 / local properties, convert units.

Reuses an accepted mapping (``BuildOptions.semantics``) or proposes one with the matcher. Column
names stay as they are; the property goes into the metadata (``semantics.yaml`` and ``data``).
Values of mapped numeric columns are converted lazily to the property's canonical unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.semantics.dictionary import Dictionary, load_dictionary
from mfgdata.semantics.mapping import (
    MappingEntry,
    entries_from_matches,
    mapping_document,
    read_mapping,
)
from mfgdata.semantics.matcher import ColumnInfo, match_columns
from mfgdata.semantics.report import semantics_section
from mfgdata.semantics.units import conversion, parse_unit

SEMANTICS_FILE = "semantics.yaml"


def _float(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def column_infos(columns: list[dict[str, Any]], profile: dict[str, Any]) -> list[ColumnInfo]:
    """Matcher input from preprocess columns plus kind and min/max from the profile."""
    stats = profile.get("columns") or {}
    out = []
    for c in columns:
        s = stats.get(c["name"]) or {}
        same_unit = s.get("unit", c.get("unit")) == c.get("unit")
        out.append(
            ColumnInfo(
                name=str(c["name"]),
                unit=c.get("unit") or None,
                kind=s.get("kind") or c.get("kind"),
                minimum=_float(s.get("min")) if same_unit else None,
                maximum=_float(s.get("max")) if same_unit else None,
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
        if not schema[e.column].is_numeric():
            continue
        src = parse_unit(e.unit_original, dictionary, column=e.column)
        scale, offset = conversion(src, dictionary.units[p.unit], column=e.column)
        if (scale, offset) != (1.0, 0.0):
            out[e.column] = (scale, offset)
    return out


def column_data(e: MappingEntry, dictionary: Dictionary, converted: bool) -> dict[str, Any]:
    """One row of ``data["columns"]`` (the contract with quality, aas and package)."""
    p = e.prop
    canon = dictionary.units.get(e.unit_canonical or "")
    return {
        "name": e.column,
        "property": p.id if p else None,
        "standard": p.standard if p else None,
        "name_en": p.name_en if p else None,
        "name_ko": p.name_ko if p else None,
        "definition_en": p.definition_en if p else None,
        "data_type": p.data_type if p else None,
        "unit": e.unit_canonical if p else e.unit_original,
        "unit_original": e.unit_original,
        "unit_irdi": canon.irdi if canon and p else None,
        "converted": converted,
        "minimum": p.range[0] if p and p.range else None,
        "maximum": p.range[1] if p and p.range else None,
        "confidence": e.confidence,
        "review": e.review,
        "accepted_by": e.accepted_by,
    }


class StandardizeStep:
    name = "standardize"
    title_ko = "표준화"
    title_en = "Standardize"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise ValueError("standardize needs the table from the earlier steps")
        pre = ctx.result("preprocess")
        prof = ctx.result("profile")
        columns = list((pre.data if pre else {}).get("columns") or [])
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
            infos = column_infos(columns, dict(prof.data) if prof else {})
            entries = entries_from_matches(match_columns(infos, dictionary))
            source = "proposed"
        ctx.progress(self.name, 0.5, "units")
        schema = frame.collect_schema()
        factors = conversion_exprs(entries, schema, dictionary)  # raises before anything is written
        out = frame.with_columns(
            [(pl.col(c).cast(pl.Float64) * a + b).alias(c) for c, (a, b) in factors.items()]
        )
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
            data={"columns": data_columns, "source": source},
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
