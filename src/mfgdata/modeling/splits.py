"""Honest splits: time order and groups (unit, lot, batch, run) are respected, never shuffled.

- enough groups (and, for classification, every class seen in several groups): the *latest* groups
  (by their first time stamp, else their order) go to the test set: no unit is in both sets;
- a time column: a time-ordered holdout (train before the cut, a small embargo, test after);
- neither: the rows are independent samples and a seeded random holdout is honest.
Small tables use K folds of the same kind (GroupKFold, TimeSeriesSplit, KFold) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import GroupKFold, KFold, TimeSeriesSplit  # type: ignore[import-untyped]

IntArray = NDArray[np.int64]

#: Below this many rows the evaluation uses folds instead of one holdout.
SMALL_TABLE = 300
MIN_GROUPS = 5


@dataclass(frozen=True)
class SplitPlan:
    """Folds of (train rows, test rows) and how they were made (recorded in metrics.json)."""

    kind: str
    folds: list[tuple[IntArray, IntArray]]
    reason_en: str
    reason_ko: str
    info: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "folds": len(self.folds),
            "train_rows": [len(tr) for tr, _ in self.folds],
            "test_rows": [len(te) for _, te in self.folds],
            "reason_en": self.reason_en,
            "reason_ko": self.reason_ko,
            **self.info,
        }


def _groups_usable(groups: NDArray[Any], y: NDArray[Any] | None, classify: bool) -> bool:
    uniq = np.unique(groups)
    if len(uniq) < MIN_GROUPS:
        return False
    if classify and y is not None:
        for cls in np.unique(y):
            if len(np.unique(groups[y == cls])) < 2:
                return False  # a class that lives in one group only cannot be tested honestly
    return True


def _group_holdout(groups: NDArray[Any], time: NDArray[Any] | None, test_size: float) -> SplitPlan:
    uniq, first_idx = np.unique(groups, return_index=True)
    start = time[first_idx] if time is not None else first_idx
    ordered = uniq[np.lexsort((first_idx, start))]
    n_test = max(1, round(len(ordered) * test_size))
    test_groups = ordered[-n_test:]
    test_mask = np.isin(groups, test_groups)
    train, test = np.flatnonzero(~test_mask), np.flatnonzero(test_mask)
    assert not set(groups[train].tolist()) & set(groups[test].tolist())
    return SplitPlan(
        "group_holdout",
        [(train, test)],
        f"the {n_test} latest of {len(uniq)} groups are held out; no group is in both sets",
        f"전체 {len(uniq)}개 그룹 중 가장 늦은 {n_test}개를 시험용으로 분리 (같은 그룹은 한쪽에만)",
        {"test_groups": [str(g) for g in test_groups.tolist()]},
    )


def _time_holdout(time: NDArray[Any], test_size: float, embargo: float) -> SplitPlan:
    order = np.argsort(time, kind="stable")
    values = time[order]
    cut = values[int(len(values) * (1 - test_size))]
    gap_start = values[max(0, int(len(values) * (1 - test_size - embargo)))]
    train = np.sort(np.flatnonzero(time < gap_start))
    test = np.sort(np.flatnonzero(time >= cut))
    return SplitPlan(
        "time_holdout",
        [(train, test)],
        f"time-ordered: train before {gap_start}, test from {cut} ({embargo:.0%} embargo between)",
        f"시간순 분리: {gap_start} 이전으로 학습, {cut} 이후로 시험 (사이 {embargo:.0%} 공백)",
        {"cut": str(cut), "embargo_from": str(gap_start)},
    )


def make_split(
    n_rows: int,
    *,
    groups: NDArray[Any] | None = None,
    time: NDArray[Any] | None = None,
    y: NDArray[Any] | None = None,
    classify: bool = False,
    test_size: float = 0.25,
    embargo: float = 0.02,
    seed: int = 0,
) -> SplitPlan:
    """Choose and make the honest split for this table."""
    idx = np.arange(n_rows)
    small = n_rows < SMALL_TABLE
    if groups is not None and _groups_usable(groups, y, classify):
        if not small:
            return _group_holdout(groups, time, test_size)
        k = min(5, len(np.unique(groups)))
        folds = [(tr, te) for tr, te in GroupKFold(n_splits=k).split(idx, groups=groups)]
        for tr, te in folds:
            assert not set(groups[tr].tolist()) & set(groups[te].tolist())
        return SplitPlan("group_kfold", folds, f"{k}-fold GroupKFold", f"{k}겹 그룹 교차검증")
    if time is not None:
        if not small:
            plan = _time_holdout(time, test_size, embargo)
            if groups is not None:
                reason = " (too few groups, or a class in one group only, for a group split)"
                return SplitPlan(
                    plan.kind,
                    plan.folds,
                    plan.reason_en + reason,
                    plan.reason_ko + " (그룹 수가 적거나 한 그룹에만 있는 클래스가 있음)",
                    plan.info,
                )
            return plan
        order = np.argsort(time, kind="stable")
        folds = [(order[tr], order[te]) for tr, te in TimeSeriesSplit(n_splits=4).split(order)]
        return SplitPlan(
            "time_series_cv",
            folds,
            "4-fold TimeSeriesSplit (expanding window)",
            "4겹 시계열 교차검증 (확장 창)",
        )
    if small:
        folds = list(KFold(n_splits=5, shuffle=True, random_state=seed).split(idx))
        return SplitPlan(
            "kfold",
            folds,
            "5-fold KFold, seeded (rows are independent samples)",
            "5겹 교차검증, 고정 시드 (행이 독립 표본)",
        )
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_rows)
    n_test = int(n_rows * test_size)
    test, train = np.sort(perm[:n_test]), np.sort(perm[n_test:])
    return SplitPlan(
        "random_holdout",
        [(train, test)],
        "seeded random holdout: no time or group column, rows are independent samples",
        "고정 시드 무작위 분리: 시간/그룹 열이 없어 행을 독립 표본으로 봄",
        {"seed": seed},
    )
