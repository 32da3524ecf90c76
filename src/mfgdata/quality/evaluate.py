"""Run every measure family over a table and a contract: the QualityReport."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import polars as pl

from mfgdata.quality import accuracy, completeness, consistency, credibility, labels, timeliness
from mfgdata.quality.columns import Params
from mfgdata.quality.contract import Contract
from mfgdata.quality.measures import Measure
from mfgdata.quality.scan import TableStats, scan_table
from mfgdata.quality.score import grade, meets_registration_grade, scheme, score


@dataclass
class Extras:
    """What the table alone cannot tell: ingest junk, units of the data, lineage fields."""

    junk: Mapping[str, Any] | None = None
    ingest_rows: int = 0
    ingest_columns: int = 0
    units: Mapping[str, str | None] | None = None
    lineage: Mapping[str, bool] = field(default_factory=dict)
    interval_s: float | None = None
    reference: datetime | None = None


@dataclass
class QualityReport:
    measures: list[Measure]
    score: float
    grade: str
    registrable: bool
    scheme: dict[str, Any]
    stats: TableStats

    @property
    def passed(self) -> bool:
        return all(m.passed for m in self.measures if m.severity == "error")

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "passed": self.passed,
            "registrable": self.registrable,
            "rows": self.stats.rows,
            "scheme": self.scheme,
            "measures": [m.to_dict() for m in self.measures],
        }


def evaluate(lf: pl.LazyFrame, contract: Contract, extras: Extras | None = None) -> QualityReport:
    ex = extras or Extras()
    params = Params.from_mapping(contract.parameters)
    stats = scan_table(lf, contract, params, interval_s=ex.interval_s)
    ms: list[Measure] = []
    ms += completeness.measures(stats, contract)
    ms += accuracy.measures(stats, contract, ex.junk, ex.ingest_rows, ex.ingest_columns)
    ms += consistency.measures(stats, contract, ex.units)
    ms += timeliness.measures(stats, contract, ex.reference)
    ms += credibility.drift(stats, contract)
    ms += credibility.traceability(ex.lineage, contract)
    ms += labels.measures(stats, contract)
    sc = score(ms, contract.weights)
    g = grade(sc, ms)
    return QualityReport(
        measures=ms,
        score=sc,
        grade=g,
        registrable=meets_registration_grade(g, contract.registration_grade),
        scheme=scheme(contract.weights, contract.registration_grade),
        stats=stats,
    )
