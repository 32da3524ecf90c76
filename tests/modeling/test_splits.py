from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.modeling.splits import make_split


@given(st.lists(st.integers(0, 30), min_size=20, max_size=600), st.booleans())
@settings(max_examples=60, deadline=None)
def test_group_splits_never_share_a_group(groups: list[int], with_time: bool) -> None:
    g = np.array(groups)
    time = np.arange(len(g)) if with_time else None
    plan = make_split(len(g), groups=g, time=time)
    for train, test in plan.folds:
        assert len(test) > 0
        if plan.kind.startswith("group"):
            assert not set(g[train].tolist()) & set(g[test].tolist())
        elif plan.kind == "time_holdout":
            assert time is not None and time[train].max() < time[test].min()


def test_time_holdout_keeps_order_and_embargo() -> None:
    t = np.arange(1000)[::-1].copy()  # rows stored newest first
    plan = make_split(1000, time=t)
    train, test = plan.folds[0]
    assert plan.kind == "time_holdout"
    assert t[train].max() < t[test].min()
    assert len(train) + len(test) < 1000  # the embargo rows are in neither set
    assert plan.record()["test_rows"] == [250]


def test_class_in_one_group_only_falls_back_to_time() -> None:
    groups = np.repeat(np.arange(6), 100)
    y = groups.copy()  # every run has its own fault class (as in TEP)
    t = np.tile(np.arange(100), 6)
    plan = make_split(600, groups=groups, time=t, y=y, classify=True)
    assert plan.kind == "time_holdout"
    assert "one group" in plan.reason_en


def test_no_time_no_group_is_seeded_random() -> None:
    a = make_split(1000, seed=3).folds[0][1]
    b = make_split(1000, seed=3).folds[0][1]
    assert np.array_equal(a, b) and not np.array_equal(a, np.arange(750, 1000))
