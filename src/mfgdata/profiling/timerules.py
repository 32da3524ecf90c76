"""The time axis' rules and record, shared by the Polars profile (``timeseries.py``) and the
Spark one (``spark_time.py``): thresholds, the clock that writes times with their offset, the
record and the gap items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from mfgdata.profiling.values import round_sig

GAP_FACTOR = 2.0
IRREGULAR_TOLERANCE = 0.10
MAX_GAPS = 50
MAX_ENTITIES = 50
MAX_ROWS = 20
RULES = {
    "interval": "median of positive differences of sorted timestamps (per entity)",
    "gap": f"difference > {GAP_FACTOR:g} x median interval; missing_samples = "
    "round(difference / interval) - 1; seconds = end - start",
    "irregular_share": f"share of intervals deviating more than {IRREGULAR_TOLERANCE:.0%} "
    "from the median",
    "duplicates": "rows whose timestamp (within the entity) appeared on an earlier row",
    "backward_steps": "rows earlier than the previous row of the same entity, in file order",
}
_EPOCH = datetime(1970, 1, 1)


class Clock:
    """Turns epoch microseconds of the column back into ISO 8601 text with an offset."""

    def __init__(self, column_tz: str | None, tz: str) -> None:
        self.column_tz = column_tz
        self.tz = ZoneInfo(tz)

    def iso(self, us: int | None) -> str | None:
        if us is None:
            return None
        wall = _EPOCH + timedelta(microseconds=int(us))
        if self.column_tz:
            return wall.replace(tzinfo=UTC).astimezone(ZoneInfo(self.column_tz)).isoformat()
        return wall.replace(tzinfo=self.tz).isoformat()


@dataclass(frozen=True)
class TimeProfile:
    """The JSON part (``data``) and evidence rows for findings."""

    data: dict[str, Any]
    start_us: int | None = None
    end_us: int | None = None
    gap_rows: tuple[int, ...] = ()
    duplicate_rows: tuple[int, ...] = ()
    backward_rows: tuple[int, ...] = ()
    entities: dict[str, Any] | None = field(default=None)
    clock: Clock | None = None
    sorted: bool = False  # non-null timestamps never decrease in file order


def seconds(us: float | None) -> float | None:
    return None if us is None else round_sig(us / 1e6)


def gap_items(s: pl.DataFrame, clock: Clock, with_entity: bool) -> list[dict[str, Any]]:
    keys = ["us", "e"] if with_entity else ["us"]
    g = s.filter("gap").sort(["d", *keys], descending=[True, *[False] * len(keys)])
    items = []
    for r in g.head(MAX_GAPS).sort(keys).iter_rows(named=True):
        item: dict[str, Any] = {
            "start": clock.iso(r["us"] - r["d"]),
            "end": clock.iso(r["us"]),
            "seconds": seconds(r["d"]),
            "missing_samples": max(round(r["d"] / r["med"]) - 1, 0),
            "row": r["row"],
        }
        if with_entity:
            item["entity"] = r["e"]
        items.append(item)
    return items
