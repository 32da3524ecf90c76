from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.modeling.splits import MIN_PER_CLASS, duplicate_key, make_split, unmeasurable


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


@given(
    st.lists(st.integers(0, 150), min_size=30, max_size=700),
    st.sampled_from(["none", "time", "groups"]),
    st.integers(2, 4),
    st.integers(0, 3),
)
@settings(max_examples=60, deadline=None)
def test_exact_twins_never_straddle_and_measurable_means_measurable(
    rows: list[int], structure: str, n_classes: int, seed: int
) -> None:
    dups_raw = np.array(rows)
    rng = np.random.default_rng(seed)
    y_of = rng.integers(0, n_classes, 151)  # twins share their label, time and group
    y = y_of[dups_raw]
    time = (dups_raw * 7 % 151) if structure == "time" else None
    groups = (dups_raw % 9) if structure == "groups" else None
    dups = duplicate_key([dups_raw])
    plan = make_split(len(y), groups=groups, time=time, y=y, classify=True, dups=dups, seed=seed)
    for train, test in plan.folds:
        assert not set(dups[train].tolist()) & set(dups[test].tolist())
        if groups is not None and plan.kind.startswith("group"):
            assert not set(groups[train].tolist()) & set(groups[test].tolist())
    if plan.measurable:
        assert unmeasurable(plan, y, True) is None
        test_all = np.concatenate([te for _, te in plan.folds])
        counts = np.unique(y[test_all], return_counts=True)[1]
        assert (counts >= MIN_PER_CLASS).sum() >= 2
    else:
        assert plan.reason_en.startswith("not measurable") and "측정 불가" in plan.reason_ko
    assert plan.record()["measurable"] == plan.measurable


def test_duplicate_key_sees_nan_and_signed_zero_as_equal() -> None:
    a = np.array([[1.0, np.nan], [1.0, np.nan], [-0.0, 2.0], [0.0, 2.0], [0.0, 3.0]])
    key = duplicate_key([a, np.array(["x", "x", "y", "y", "y"], dtype=object)])
    assert key[0] == key[1] and key[2] == key[3] and len(set(key.tolist())) == 3


def test_one_held_out_unit_is_not_enough_groups_folds_are_used() -> None:
    groups = np.repeat(np.arange(5), 100)
    t = np.tile(np.arange(100), 5)
    y = np.random.default_rng(0).normal(size=500)
    plan = make_split(500, groups=groups, time=t, y=y)
    assert plan.kind == "group_kfold" and plan.info["instead_of"] == "group_holdout"
    assert "only 1 group" in plan.reason_en and plan.measurable
    for train, test in plan.folds:
        assert not set(groups[train].tolist()) & set(groups[test].tolist())
