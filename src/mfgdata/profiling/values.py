"""JSON-ready values for profile.json: rounded floats, ISO 8601 datetimes with offset."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

#: Significant digits kept for floats in profile.json.
SIGNIFICANT_DIGITS = 6


def round_sig(x: float, digits: int = SIGNIFICANT_DIGITS) -> float | None:
    """``x`` rounded to ``digits`` significant digits; NaN and infinities become ``None``; a
    zero has no sign (-0.0 is 0.0: Spark normalises signed zeros, Polars keeps them)."""
    if not math.isfinite(x):
        return None
    return float(f"{x:.{digits}g}") + 0.0


def iso(value: datetime | date, tz: str) -> str:
    """ISO 8601 text; naive datetimes are taken as local time in ``tz``."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(tz))
        return value.isoformat()
    return value.isoformat()


def json_value(value: Any, tz: str) -> Any:
    """A statistic as a deterministic JSON value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round_sig(value)
    if isinstance(value, Decimal):
        return round_sig(float(value))
    if isinstance(value, datetime | date):
        return iso(value, tz)
    if isinstance(value, timedelta):
        return round_sig(value.total_seconds())
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
