"""Run every measure family over a table and a contract: the QualityReport.

The build and ``mfgdata verify`` run the same evaluation: the build writes its ``Extras`` (what
the table alone cannot tell) as ``inputs`` in quality.json, and both evaluate with
``Extras.from_record`` of that record, the build on the table it packages and verify on
``data/table.parquet``: same table, same contract, same record, same score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import polars as pl

from mfgdata.quality import accuracy, completeness, consistency, credibility, labels, timeliness
from mfgdata.quality.columns import Params
from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure
from mfgdata.quality.scan import TableStats, scan_table
from mfgdata.quality.score import (
    MOSTLY_EMPTY,
    Facts,
    Reason,
    judge,
    meets_registration_grade,
    scheme,
)

#: version of the ``inputs`` record in quality.json
RECORD_VERSION = 1
#: bytes of memory per cell of a column batch (value, masks, window shifts, aggregation state);
#: 128 let one batch take +410 MiB at 1M rows, the build's peak (issue 12), 256: +290 MiB
BYTES_PER_CELL = 256


def _str_map(value: Any) -> dict[str, Any] | None:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else None


@dataclass
class Extras:
    """What the table alone cannot tell: ingest junk, units of the data, lineage fields, the
    duplicates the recipe removed, identical input files, whether the time zone was assumed."""

    junk: Mapping[str, Any] | None = None
    ingest_rows: int = 0
    ingest_columns: int = 0
    units: Mapping[str, str | None] | None = None
    lineage: Mapping[str, bool] = field(default_factory=dict)
    interval_s: float | None = None
    reference: datetime | None = None
    #: the recipe's ``dedupe`` record: rows_before, rows_affected, columns, excluded, rows
    duplicates: Mapping[str, Any] | None = None
    #: names of input files byte-identical (same SHA-256) to an earlier input
    duplicate_files: Sequence[str] = ()
    timezone_assumed: bool = False
    timezone: str | None = None

    def to_record(self) -> dict[str, Any]:
        """JSON-ready; ``from_record(to_record())`` evaluates exactly as this does."""
        return {
            "version": RECORD_VERSION,
            "ingest": {
                "rows": self.ingest_rows,
                "columns": self.ingest_columns,
                "junk": dict(self.junk) if self.junk is not None else None,
            },
            "units": dict(self.units) if self.units is not None else None,
            "lineage": dict(sorted(self.lineage.items())),
            "interval_seconds": self.interval_s,
            "reference_time": self.reference.isoformat() if self.reference else None,
            "duplicates": dict(self.duplicates) if self.duplicates is not None else None,
            "duplicate_files": list(self.duplicate_files),
            "timezone": self.timezone,
            "timezone_assumed": self.timezone_assumed,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any], reference: datetime | None = None) -> Extras:
        """The Extras a stored record describes (``reference`` overrides the stored time)."""
        ing = _str_map(record.get("ingest")) or {}
        ref = record.get("reference_time")
        interval = record.get("interval_seconds")
        units = _str_map(record.get("units"))
        return cls(
            junk=_str_map(ing.get("junk")),
            ingest_rows=int(ing.get("rows") or 0),
            ingest_columns=int(ing.get("columns") or 0),
            units=units,
            lineage={str(k): bool(v) for k, v in (_str_map(record.get("lineage")) or {}).items()},
            interval_s=float(interval) if isinstance(interval, int | float) else None,
            reference=reference
            or (datetime.fromisoformat(ref) if isinstance(ref, str) and ref else None),
            duplicates=_str_map(record.get("duplicates")),
            duplicate_files=tuple(str(n) for n in record.get("duplicate_files") or ()),
            timezone_assumed=bool(record.get("timezone_assumed")),
            timezone=str(record["timezone"]) if record.get("timezone") else None,
        )


@dataclass
class QualityReport:
    measures: list[Measure]
    score: float
    grade: str
    registrable: bool
    scheme: dict[str, Any]
    stats: TableStats
    base: float = 0.0
    reasons: tuple[Reason, ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(m.passed for m in self.measures if m.severity == "error")

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "base_score": self.base,
            "grade": self.grade,
            "grade_reasons": [r.to_dict() for r in self.reasons],
            "passed": self.passed,
            "registrable": self.registrable,
            "rows": self.stats.rows,
            "scheme": self.scheme,
            "measures": [m.to_dict() for m in self.measures],
            "inputs": self.inputs,
        }


def mostly_empty(stats: TableStats) -> dict[str, float]:
    """Columns with more than ``MOSTLY_EMPTY`` of their cells null -> that share."""
    if not stats.rows:
        return {}
    return {
        k: round(v.nulls / stats.rows, 4)
        for k, v in stats.columns.items()
        if v.nulls / stats.rows > MOSTLY_EMPTY
    }


def evaluate(
    lf: pl.LazyFrame,
    contract: Contract,
    extras: Extras | None = None,
    *,
    memory_bytes: int | None = None,
) -> QualityReport:
    """``lf``: the table, a Polars frame or a Spark one (:class:`mfgdata.engine.SparkFrame`,
    the same passes through narwhals); ``memory_bytes``: the memory setting; it sizes the
    column batches (not the results)."""
    ex = extras or Extras()
    params = Params.from_mapping(contract.parameters)
    if memory_bytes is not None:
        params = replace(params, batch_cells=max(1_000_000, memory_bytes // BYTES_PER_CELL))
    stats = scan_table(lf, contract, params, interval_s=ex.interval_s)
    empty = mostly_empty(stats)
    ms: list[Measure] = []
    ms += completeness.measures(stats, contract)
    ms += completeness.columns(stats, contract, empty)
    ms += accuracy.measures(stats, contract, ex.junk, ex.ingest_rows, ex.ingest_columns)
    ms += consistency.measures(stats, contract, ex.units)
    ms += consistency.source_duplicates(ex.duplicates, contract)
    ms += timeliness.measures(stats, contract, ex.reference)
    ms += credibility.drift(stats, contract)
    ms += credibility.traceability(ex.lineage, contract)
    ms += labels.measures(stats, contract)
    facts = Facts(
        rows=stats.rows,
        labelled=contract.target is not None and contract.target in stats.columns,
        timezone_assumed=ex.timezone_assumed,
        duplicate_files=tuple(ex.duplicate_files),
        mostly_empty=empty,
        columns=len(stats.columns),
    )
    v = judge(ms, contract.weights, facts)
    return QualityReport(
        measures=ms,
        score=v.score,
        grade=v.grade,
        registrable=meets_registration_grade(v.grade, contract.registration_grade),
        scheme=scheme(contract.weights, contract.registration_grade),
        stats=stats,
        base=v.base,
        reasons=v.reasons,
        inputs=ex.to_record(),
    )


def evaluate_record(
    lf: pl.LazyFrame,
    contract: Contract,
    record: Mapping[str, Any],
    *,
    reference: datetime | None = None,
    memory_bytes: int | None = None,
) -> QualityReport:
    """The one evaluation the build and ``mfgdata verify`` both run: the table, the contract and
    the stored ``inputs`` record of quality.json."""
    extras = Extras.from_record(record, reference)
    return evaluate(lf, contract, extras, memory_bytes=memory_bytes)
