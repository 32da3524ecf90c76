"""Credibility (drift between the first and last windows, PSI) and traceability (lineage)."""

from __future__ import annotations

from collections.abc import Mapping

from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure, ratio
from mfgdata.quality.scan import TableStats


def drift(s: TableStats, c: Contract) -> list[Measure]:
    limit = float(c.parameters.get("psiLimit", 0.2))
    psis = {k: v.psi for k, v in s.columns.items() if v.series and v.psi is not None}
    if not psis:
        return []
    drifted = {k: round(v, 4) for k, v in sorted(psis.items(), key=lambda kv: -kv[1]) if v >= limit}
    return [
        Measure(
            id="credibility.drift",
            characteristic="credibility",
            name_ko="분포 안정성(PSI)",
            name_en="Distribution stability (PSI, first vs last window)",
            formula=f"1 - columns with PSI >= {limit:g} / sensor columns",
            value=ratio(len(drifted), len(psis)),
            threshold=c.thresholds.get("credibility.drift", 0.8),
            severity="info",
            evidence={
                "count": len(drifted),
                "psi_limit": limit,
                "columns": dict(list(drifted.items())[:20]),
                "psi": {k: round(v, 4) for k, v in sorted(psis.items())[:50]},
            },
        )
    ]


def traceability(fields: Mapping[str, bool], c: Contract) -> list[Measure]:
    """``fields``: lineage field -> present (sources with SHA-256, recipe, units, ...)."""
    if not fields:
        return []
    missing = sorted(k for k, v in fields.items() if not v)
    return [
        Measure(
            id="traceability.lineage",
            characteristic="traceability",
            name_ko="추적성(계보 항목)",
            name_en="Traceability (lineage fields present)",
            formula="lineage fields present / lineage fields expected",
            value=ratio(len(missing), len(fields)),
            threshold=c.thresholds.get("traceability.lineage", 0.8),
            severity="warning",
            evidence={
                "count": len(missing),
                "missing": missing,
                "fields": dict(sorted(fields.items())),
            },
        )
    ]
