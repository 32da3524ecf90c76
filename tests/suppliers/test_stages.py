"""Match stages move forward only, with days in order."""

from __future__ import annotations

import datetime as dt

import pytest

from mfgdata.suppliers.errors import StageError, SupplierError
from mfgdata.suppliers.stages import Stage, StageHistory, parse_stage


def test_forward_with_skips_and_counts() -> None:
    h = StageHistory.proposed(dt.date(2026, 3, 2))
    h = h.advance(Stage.INTRODUCED, dt.date(2026, 3, 5))
    h = h.advance(Stage.CONTRACT, dt.date(2026, 5, 1))  # no PoC: allowed
    assert h.current is Stage.CONTRACT
    assert h.reached(Stage.POC) and h.reached(Stage.MEETING)
    assert h.to_dict() == {
        "proposed": "2026-03-02",
        "introduced": "2026-03-05",
        "contract": "2026-05-01",
    }


def test_backwards_repeat_and_early_day_refused() -> None:
    h = StageHistory.proposed(dt.date(2026, 3, 2)).advance(Stage.MEETING, dt.date(2026, 3, 9))
    with pytest.raises(StageError, match="only move forward"):
        h.advance(Stage.INTRODUCED, dt.date(2026, 3, 10))
    with pytest.raises(StageError, match="only move forward"):
        h.advance(Stage.MEETING, dt.date(2026, 3, 10))
    with pytest.raises(StageError, match="before the meeting day"):
        h.advance(Stage.POC, dt.date(2026, 3, 8))


def test_parse_stage_ko_en() -> None:
    assert parse_stage("계약") is Stage.CONTRACT
    assert parse_stage("PoC") is Stage.POC
    assert parse_stage(" meeting ") is Stage.MEETING
    with pytest.raises(SupplierError, match="unknown stage"):
        parse_stage("signed")
