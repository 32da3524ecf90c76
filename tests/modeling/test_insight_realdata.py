"""Out-of-sample insights on real public data (C-MAPSS run to failure, UCI concrete, TEP)."""

from __future__ import annotations

import re

import polars as pl

from mfgdata.modeling.fit import Fitted
from mfgdata.modeling.windows import MIN_SUPPORT
from mfgdata.steps.insight import derive


def test_cmapss_no_window_on_wear_sensors_but_maintenance_lead_time(
    cmapss: pl.LazyFrame, cmapss_fit: Fitted
) -> None:
    """FD001 subset: unit_nr, time_cycles, s_11, s_discretized, RUL: no process setting."""
    ins = derive(cmapss, cmapss_fit.data)
    assert cmapss_fit.data["usable"] is True
    assert ins["operating_windows"] == {} and ins["windows_not_shown"] == []
    assert ins["no_windows"]["use_instead"] == "maintenance_lead_time"
    assert "cycles" in ins["no_windows"]["text_en"] and "사이클" in ins["no_windows"]["text_ko"]
    assert ins["validation"]["split"] == "group_holdout"
    assert ins["validation"]["held_out_rows"] == cmapss_fit.data["split"]["test_rows"][0]


def test_concrete_windows_measured_on_held_out_mixes(
    concrete: pl.LazyFrame, concrete_fit: Fitted
) -> None:
    units = {"Age (day)": "day"}
    ins = derive(concrete, concrete_fit.data, units)
    n_test = concrete_fit.data["split"]["test_rows"][0]
    assert ins["validation"]["held_out_rows"] == n_test
    assert ins["operating_windows"]
    for w in ins["operating_windows"].values():
        h = w["held_out"]
        assert h["rows"] == n_test and h["rows_inside"] >= MIN_SUPPORT
        assert h["rows_inside"] + h["rows_outside"] == n_test
    ben = ins["expected_benefit"]
    assert ben["rows_inside"] >= MIN_SUPPORT and ben["relative_reduction_ci95"][0] < 1.0
    age = ins["operating_windows"].get("Age (day)")
    assert age is None or " day" in age["text_en"]


def test_tep_split_boundary_in_local_time(tep_fit: Fitted) -> None:
    split = tep_fit.data["split"]
    assert split["kind"] == "time_holdout"
    assert re.fullmatch(r"2024-01-0\dT\d\d:\d\d:\d\d", split["cut"])  # no zone given: wall time
    assert not re.search(r"\d{13,}", split["reason_en"] + split["reason_ko"])
