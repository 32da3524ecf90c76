from __future__ import annotations

import polars as pl
import pytest

from mfgdata.errors import ConfigError
from mfgdata.modeling.tasks import detect_task

from .conftest import CONCRETE_TARGET


@pytest.mark.parametrize(
    ("fixture", "target", "kind", "group", "time"),
    [
        ("tep", "fault", "classification", "run", "time"),
        ("cmapss", "RUL", "rul", "unit_nr", "time_cycles"),
        ("concrete", CONCRETE_TARGET, "regression", None, None),
        ("refinery", None, "anomaly", None, "time"),
    ],
)
def test_detects_task_on_real_data(
    request: pytest.FixtureRequest,
    fixture: str,
    target: str | None,
    kind: str,
    group: str | None,
    time: str | None,
) -> None:
    task = detect_task(request.getfixturevalue(fixture), target)
    assert (task.kind, task.group, task.time) == (kind, group, time)


def test_tep_classes_are_the_fault_ids(tep: pl.LazyFrame) -> None:
    assert detect_task(tep, "fault").classes == ("0", "1", "2", "4", "5", "6")


def test_rul_detected_from_a_countdown_without_the_name(cmapss: pl.LazyFrame) -> None:
    renamed = cmapss.rename({"RUL": "left", "unit_nr": "engine"})
    task = detect_task(renamed, "left", time="time_cycles")
    assert (task.kind, task.group) == ("rul", "engine")


def test_pass_fail_text_target_is_classification() -> None:
    lf = pl.LazyFrame({"temp": [1.0, 2.0, 3.0, 4.0], "판정": ["OK", "NG", "OK", "OK"]})
    task = detect_task(lf, "판정")
    assert task.kind == "classification" and task.classes == ("NG", "OK")


def test_override_and_bad_options(concrete: pl.LazyFrame) -> None:
    assert detect_task(concrete, CONCRETE_TARGET, override="anomaly").kind == "anomaly"
    with pytest.raises(ConfigError, match="unknown task"):
        detect_task(concrete, CONCRETE_TARGET, override="vision")
    with pytest.raises(ConfigError) as err:
        detect_task(concrete, "strength")
    assert err.value.where.column == "strength"
