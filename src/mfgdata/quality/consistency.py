"""Consistency (types, formats, units, time order, duplicate keys, cross-column rules) and
uniqueness (whole-row duplicates)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure, ratio
from mfgdata.quality.scan import TableStats

_UREG: list[Any] = []


def _ureg() -> Any:
    """pint's registry, made on first use (it takes about a second)."""
    if not _UREG:
        import pint

        _UREG.append(pint.UnitRegistry())
    return _UREG[0]


def same_unit(a: str, b: str) -> bool:
    """Equal strings, or pint units with the same dimension and factor 1 (``degC`` vs ``°C``)."""
    if a.strip() == b.strip():
        return True
    try:
        ureg = _ureg()
        qa, qb = ureg.Quantity(1, a), ureg.Quantity(1, b)
        return bool(qa.dimensionality == qb.dimensionality and abs(qa.to(qb).magnitude - 1) < 1e-9)
    except Exception:
        return False


def measures(
    s: TableStats, c: Contract, units: Mapping[str, str | None] | None = None
) -> list[Measure]:
    th = c.thresholds
    out: list[Measure] = []
    declared = [col for col in c.columns]
    if declared:
        bad = {
            col.name: s.schema.get(col.name, "missing")
            for col in declared
            if col.name not in s.schema
            or (col.physical_type is not None and col.physical_type != s.schema[col.name])
        }
        out.append(
            Measure(
                id="consistency.types",
                characteristic="consistency",
                name_ko="형식(타입) 일관성",
                name_en="Type consistency",
                formula="1 - columns missing or typed unlike the contract / contract columns",
                value=ratio(len(bad), len(declared)),
                threshold=th.get("consistency.types", 1.0),
                severity="error",
                evidence={"count": len(bad), "columns": dict(list(bad.items())[:20])},
            )
        )
    floats = [st for st in s.columns.values() if st.dtype.startswith("Float")]
    if floats:
        nf = sum(st.nonfinite for st in floats)
        out.append(
            Measure(
                id="consistency.format",
                characteristic="consistency",
                name_ko="값 형식 일관성",
                name_en="Format consistency",
                formula="1 - NaN or infinite cells / cells of float columns",
                value=ratio(nf, s.rows * len(floats)),
                threshold=th.get("consistency.format", 0.999),
                severity="warning",
                evidence={
                    "count": nf,
                    "columns": {st.name: st.nonfinite for st in floats if st.nonfinite},
                },
            )
        )
    with_unit = [col for col in c.columns if col.unit]
    if units is not None and with_unit:
        bad_u = {
            col.name: {"contract": col.unit, "data": units.get(col.name)}
            for col in with_unit
            if not units.get(col.name) or not same_unit(str(col.unit), str(units.get(col.name)))
        }
        out.append(
            Measure(
                id="consistency.units",
                characteristic="consistency",
                name_ko="단위 일관성",
                name_en="Unit consistency",
                formula="1 - columns whose unit differs from the contract / columns with a unit",
                value=ratio(len(bad_u), len(with_unit)),
                threshold=th.get("consistency.units", 1.0),
                severity="error",
                evidence={"count": len(bad_u), "columns": dict(list(bad_u.items())[:20])},
            )
        )
    t = s.time
    if t is not None:
        out.append(
            Measure(
                id="consistency.monotonic",
                characteristic="consistency",
                name_ko="시간 단조성",
                name_en="Timestamp monotonicity",
                formula="1 - consecutive timestamps going backwards / consecutive pairs",
                value=ratio(t.backward, t.pairs),
                threshold=th.get("consistency.monotonic", 1.0),
                severity="warning",
                column=t.column,
                evidence={"count": t.backward, "rows": t.backward_rows},
            )
        )
        out.append(
            Measure(
                id="consistency.duplicate_keys",
                characteristic="consistency",
                name_ko="중복 키(시각)",
                name_en="Duplicate keys (timestamps)",
                formula="1 - rows repeating an earlier key / rows",
                value=ratio(t.dup_keys, s.rows),
                threshold=th.get("consistency.duplicate_keys", 0.999),
                severity="error",
                column=t.column,
                evidence={"count": t.dup_keys, "rows": t.dup_key_rows},
            )
        )
    for rule in c.rules:
        r = s.rules.get(rule.id)
        if r is None:
            continue
        out.append(
            Measure(
                id=f"consistency.rule.{rule.id}",
                characteristic="consistency",
                name_ko=f"규칙: {rule.expression}",
                name_en=f"Rule: {rule.expression}",
                formula="1 - rows violating the rule / rows where all its columns are present",
                value=ratio(r["violations"], r["evaluated"]),
                threshold=rule.threshold,
                severity="error" if rule.severity == "error" else "warning",
                evidence={"count": r["violations"], "evaluated": r["evaluated"], "rows": r["rows"]},
            )
        )
    out.append(
        Measure(
            id="uniqueness.rows",
            characteristic="uniqueness",
            name_ko="행 유일성",
            name_en="Row uniqueness",
            formula="1 - rows equal to an earlier row on the data columns / rows",
            value=ratio(s.dup_rows, s.rows),
            threshold=th.get("uniqueness.rows", 0.999),
            severity="warning",
            evidence={
                "count": s.dup_rows,
                "rows": s.dup_row_rows,
                "compared": len(s.dup_columns),
                "excluded": [k for k in s.schema if k not in set(s.dup_columns)],
            },
        )
    )
    return out


def source_duplicates(dedupe: Mapping[str, Any] | None, c: Contract) -> list[Measure]:
    """Duplicate rows of the table *as ingested* (before the recipe), from the recipe's
    ``dedupe`` record: they were removed from the delivered table, but the delivery had them."""
    if not dedupe or not dedupe.get("rows_before"):
        return []
    removed, before = int(dedupe.get("rows_affected") or 0), int(dedupe["rows_before"])
    compared = list(dedupe.get("columns") or [])
    return [
        Measure(
            id="uniqueness.ingest_rows",
            characteristic="uniqueness",
            name_ko="원본 행 유일성 (전처리 전, 중복 행은 제거됨)",
            name_en="Row uniqueness of the ingested table (before the recipe; duplicates removed)",
            formula="1 - ingested rows equal to an earlier row on the compared columns "
            "/ ingested rows",
            value=ratio(removed, before),
            threshold=c.thresholds.get("uniqueness.ingest_rows", 0.999),
            severity="warning",
            source="ingest",
            evidence={
                "count": removed,
                "rows_before": before,
                "rows": [int(r) for r in dedupe.get("rows") or [] if isinstance(r, int)],
                "compared": dedupe.get("compared") or "data columns",
                "columns": compared[:50],
                "excluded": list(dedupe.get("excluded") or []),
            },
        )
    ]
