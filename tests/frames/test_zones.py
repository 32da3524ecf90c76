"""Fixed offsets: only where the zone has no transition over the data's wall-clock range."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from mfgdata.frames.zones import attach_fixed, fixed_offset

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("tz", "lo", "hi", "expect"),
    [
        ("Asia/Seoul", datetime(2024, 1, 1), datetime(2024, 12, 31), 9 * H),
        ("Asia/Seoul", datetime(1989, 1, 1), datetime(2030, 1, 1), 9 * H),
        ("Asia/Seoul", datetime(1987, 1, 1), datetime(2024, 1, 1), None),  # DST 1987-88
        ("Asia/Seoul", datetime(1988, 10, 8), datetime(1988, 10, 9), None),  # next to its end
        ("Europe/Berlin", datetime(2024, 3, 1), datetime(2024, 4, 30), None),  # DST starts 31 Mar
        ("Europe/Berlin", datetime(2024, 11, 1), datetime(2030, 1, 1), None),  # many DST changes
        ("UTC", datetime(1970, 1, 1), datetime(2100, 1, 1), timedelta(0)),
        ("Asia/Kolkata", datetime(2000, 1, 1), datetime(2030, 1, 1), timedelta(hours=5.5)),
        ("No/Such_Zone", datetime(2024, 1, 1), datetime(2024, 1, 2), None),
        ("Asia/Seoul", datetime(1, 1, 1), datetime(9999, 12, 31), None),
    ],
)
def test_fixed_offset(tz: str, lo: datetime, hi: datetime, expect: timedelta | None) -> None:
    assert fixed_offset(tz, lo, hi) == expect


def test_fixed_offset_in_a_dst_zone_between_changes_is_right_or_declined() -> None:
    """Whether the zone data lists future changes (system files) or a rule (slim tzdata), a
    January range in Berlin is either exactly UTC+1 or left to replace_time_zone: never wrong."""
    assert fixed_offset("Europe/Berlin", datetime(2024, 1, 1), datetime(2024, 1, 31)) in (
        timedelta(hours=1),
        None,
    )


def test_attach_fixed_equals_replace_time_zone() -> None:
    s = pl.datetime_range(datetime(2024, 1, 1), datetime(2024, 12, 31), "7h", eager=True)
    df = pl.DataFrame({"t": s})
    off = fixed_offset("Asia/Seoul", s.min(), s.max())  # type: ignore[arg-type]
    assert off is not None
    ours = df.select(attach_fixed(pl.col("t"), "Asia/Seoul", off)).to_series()
    polars = df.select(pl.col("t").dt.replace_time_zone("Asia/Seoul")).to_series()
    assert ours.dtype == polars.dtype and ours.equals(polars)
