"""Currentness: age of the newest record against a declared freshness SLA."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure
from mfgdata.quality.scan import TableStats


def _reference_text(ref: datetime, zone: str | None) -> str:
    """In the column's zone with its offset; naive UTC for a naive column (as its age counts)."""
    if zone:
        return ref.astimezone(ZoneInfo(zone)).isoformat()
    return ref.astimezone(UTC).replace(tzinfo=None).isoformat()


def measures(s: TableStats, c: Contract, reference: datetime | None = None) -> list[Measure]:
    """Only when the contract declares an SLA; ``reference`` (default: now, UTC) is recorded."""
    if c.sla_seconds is None or s.time is None or s.time.t_max is None:
        return []
    ref = reference or datetime.now(UTC)
    if ref.tzinfo is None:
        ref = ref.replace(tzinfo=UTC)
    age = ref.timestamp() - s.time.t_max / 1e6
    value = 1.0 if age <= c.sla_seconds else c.sla_seconds / age
    return [
        Measure(
            id="currentness.freshness",
            characteristic="currentness",
            name_ko="최신성(SLA)",
            name_en="Freshness against the SLA",
            formula="1 if age of newest record <= SLA else SLA / age",
            value=value,
            threshold=c.thresholds.get("currentness.freshness", 1.0),
            severity="warning",
            column=s.time.column,
            evidence={
                "count": 0 if age <= c.sla_seconds else 1,
                "newest": s.time.iso(s.time.t_max),
                "reference_time": _reference_text(ref, s.time.zone),
                "age_seconds": round(age, 3),
                "sla_seconds": c.sla_seconds,
            },
        )
    ]
