"""Time stamps of the model's time column as a person reads them: local time with its offset.

The feature matrix keeps a time column as its physical integers (epoch micro-/nano-/milliseconds
or days); a split boundary printed from them reads ``1704067200000000``. :func:`time_clock` turns
them back into ISO 8601 in the product's zone (``2024-01-01T06:00:00+09:00``): a naive column is
the plant's wall clock in that zone, an aware column's instant is shown in that zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

_EPOCH = datetime(1970, 1, 1)
_PER_US = {"ns": 1 / 1000, "us": 1.0, "ms": 1000.0}

Clock = Callable[[Any], str]


def plain(value: Any) -> str:
    """A time value that is not a date (a cycle counter): as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def time_clock(dtype: pl.DataType | None, zone: str | None) -> Clock:
    """How to print a physical value of a column of ``dtype`` (see the module docstring)."""
    if isinstance(dtype, pl.Date):
        return lambda v: (_EPOCH + timedelta(days=int(v))).date().isoformat()
    if not isinstance(dtype, pl.Datetime):
        return plain
    scale = _PER_US[dtype.time_unit or "us"]
    column_zone, product_zone = dtype.time_zone, ZoneInfo(zone) if zone else None

    def show(v: Any) -> str:
        wall = _EPOCH + timedelta(microseconds=int(v) * scale)
        if column_zone is not None:
            aware = wall.replace(tzinfo=UTC)
            return aware.astimezone(product_zone or ZoneInfo(column_zone)).isoformat()
        return (wall.replace(tzinfo=product_zone) if product_zone else wall).isoformat()

    return show
