"""Honest splits: time order and groups (unit, lot, batch, run) are respected, never shuffled.

- enough groups (and, for classification, every class seen in several groups): the *latest* groups
  (by their first time stamp, else their order) go to the test set: no unit is in both sets;
- a time column: a time-ordered holdout (train before the cut, a small embargo, test after);
- neither: the rows are independent samples and a seeded random holdout is honest.
Small tables use K folds of the same kind (GroupKFold, TimeSeriesSplit, KFold) instead.

Exact-duplicate rows (same inputs, target, time and group: e.g. the same export loaded twice) are
one group for every split: a row's twin is never on the other side (random splits group them,
other splits drop from training the twins of test rows).

A split must be able to measure the task: a group holdout holds out two groups or more; for
classification the test rows hold at least
``MIN_PER_CLASS`` rows of two classes or more (both classes for two), every training part holds
two classes; for regression at least ``MIN_TEST_ROWS`` test rows. When the chosen split cannot,
the next one that can is used (grouped folds, contiguous time blocks, stratified folds) and the
record says why; when none can, the plan is marked not measurable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sklearn.model_selection import (  # type: ignore[import-untyped]
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    TimeSeriesSplit,
)

from mfgdata.modeling.clock import Clock, plain

if TYPE_CHECKING:
    from mfgdata.modeling.features import FeatureMatrix

IntArray = NDArray[np.int64]

#: Below this many rows the evaluation uses folds instead of one holdout.
SMALL_TABLE = 300
MIN_GROUPS = 5
#: A class is measured on the test rows only with at least this many of them.
MIN_PER_CLASS = 5
MIN_TEST_ROWS = 10
MIN_TEST_GROUPS = 2
CV_FOLDS = 5


@dataclass(frozen=True)
class SplitPlan:
    """Folds of (train rows, test rows) and how they were made (recorded in metrics.json)."""

    kind: str
    folds: list[tuple[IntArray, IntArray]]
    reason_en: str
    reason_ko: str
    info: dict[str, Any] = field(default_factory=dict)
    measurable: bool = True

    def record(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "measurable": self.measurable,
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


def _time_holdout(
    time: NDArray[Any], test_size: float, embargo: float, clock: Clock = plain
) -> SplitPlan:
    order = np.argsort(time, kind="stable")
    values = time[order]
    cut = values[int(len(values) * (1 - test_size))]
    gap_start = values[max(0, int(len(values) * (1 - test_size - embargo)))]
    train = np.sort(np.flatnonzero(time < gap_start))
    test = np.sort(np.flatnonzero(time >= cut))
    c, g = clock(cut), clock(gap_start)
    return SplitPlan(
        "time_holdout",
        [(train, test)],
        f"time-ordered: train before {g}, test from {c} ({embargo:.0%} embargo between)",
        f"시간순 분리: {g} 이전으로 학습, {c} 이후로 시험 (사이 {embargo:.0%} 공백)",
        {"cut": c, "embargo_from": g},
    )


def _primary(
    n_rows: int,
    *,
    groups: NDArray[Any] | None,
    time: NDArray[Any] | None,
    y: NDArray[Any] | None,
    classify: bool,
    test_size: float,
    embargo: float,
    seed: int,
    dups: IntArray | None,
    clock: Clock = plain,
) -> SplitPlan:
    """The split the table's structure asks for (before the measurability check)."""
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
            plan = _time_holdout(time, test_size, embargo, clock)
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
    if dups is not None and len(np.unique(dups)) < n_rows:
        return _grouped_random(dups, small, test_size, seed)
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


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finaliser (wrap-around arithmetic), element-wise."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    out: NDArray[np.uint64] = x ^ (x >> np.uint64(31))
    return out


def _column_bits(a: NDArray[Any]) -> NDArray[np.uint64]:
    if a.dtype.kind == "f":
        f = a.astype(np.float64)  # a copy: the caller's array is never changed
        f += 0.0  # -0.0 becomes 0.0
        f[np.isnan(f)] = np.nan  # one NaN bit pattern
        return f.view(np.uint64)
    if a.dtype.kind in "iub":
        return a.astype(np.int64).view(np.uint64)
    codes = np.unique(a.astype(str) if a.dtype.kind == "O" else a, return_inverse=True)[1]
    return codes.astype(np.int64).ravel().view(np.uint64)


def duplicate_key(columns: list[NDArray[Any]]) -> IntArray:
    """One id per distinct row of ``columns`` (1-D or 2-D arrays of the same length): equal ids
    are exact duplicates (NaN equals NaN, -0.0 equals 0.0). Rows are hashed column by column to
    64 bits (SplitMix64): a collision among 10⁶ rows has odds of about 10⁻⁸."""
    n = len(columns[0]) if columns else 0
    h = np.zeros(n, dtype=np.uint64)
    j = 0
    for col in columns:
        a = np.asarray(col)
        for part in a.reshape(n, -1).T if a.ndim > 1 else [a]:
            salt = np.uint64((0x9E3779B97F4A7C15 * (j + 1)) % 2**64)
            h = _mix(h ^ (_column_bits(part) + salt))
            j += 1
    if j == 0:
        return np.arange(n, dtype=np.int64)
    key: IntArray = np.unique(h, return_inverse=True)[1].astype(np.int64).ravel()
    return key


def twin_key(fm: FeatureMatrix) -> IntArray:
    """:func:`duplicate_key` of a feature matrix on its data columns: the inputs, the target, the
    time and the group (never the build's ``*__outlier`` flag columns)."""
    keep = [j for j, name in enumerate(fm.spec.names) if not name.endswith("__outlier")]
    cols: list[NDArray[Any]] = [fm.X[:, keep]]
    cols += [a for a in (fm.y, fm.time, fm.groups) if a is not None]
    return duplicate_key(cols)


def _grouped_random(dups: IntArray, small: bool, test_size: float, seed: int) -> SplitPlan:
    """Random split of the distinct rows: all copies of a row go to the same side."""
    uniq = np.unique(dups)
    n_twins = int(len(dups) - len(uniq))
    info = {"duplicate_rows": n_twins, "seed": seed}
    if small:
        order = np.random.default_rng(seed).permutation(len(uniq))
        fold_of = np.empty(len(uniq), dtype=np.int64)
        fold_of[order] = np.arange(len(uniq)) % 5
        f = fold_of[np.searchsorted(uniq, dups)]
        folds = [(np.flatnonzero(f != k), np.flatnonzero(f == k)) for k in range(5)]
        return SplitPlan(
            "kfold_distinct_rows",
            folds,
            f"5-fold KFold over distinct rows, seeded: the {n_twins} exact-duplicate rows stay "
            "with their twin",
            f"고유 행 기준 5겹 교차검증, 고정 시드: 완전히 같은 중복 행 {n_twins}개는 "
            "원본과 같은 쪽에 둠",
            info,
        )
    perm = np.random.default_rng(seed).permutation(uniq)
    test_keys = perm[: int(len(uniq) * test_size)]
    mask = np.isin(dups, test_keys)
    return SplitPlan(
        "random_holdout_distinct_rows",
        [(np.flatnonzero(~mask), np.flatnonzero(mask))],
        f"seeded random holdout over distinct rows: the {n_twins} exact-duplicate rows stay with "
        "their twin (no time or group column)",
        f"고유 행 기준 고정 시드 무작위 분리: 완전히 같은 중복 행 {n_twins}개는 원본과 같은 쪽에 "
        "둠 (시간/그룹 열 없음)",
        info,
    )


def _purge(plan: SplitPlan, dups: IntArray | None) -> SplitPlan:
    """Drop from each training part the exact twins of its test rows."""
    if dups is None or len(np.unique(dups)) == len(dups):
        return plan
    folds, dropped = [], 0
    for tr, te in plan.folds:
        keep = ~np.isin(dups[tr], dups[te])
        dropped += int((~keep).sum())
        folds.append((tr[keep], te))
    if not dropped:
        return plan
    info = {**plan.info, "twins_dropped_from_train": dropped}
    return SplitPlan(
        plan.kind,
        folds,
        plan.reason_en + f"; {dropped} training rows that are exact twins of test rows are dropped",
        plan.reason_ko + f"; 시험 행과 완전히 같은 학습 행 {dropped}개는 학습에서 제외",
        info,
        plan.measurable,
    )


def unmeasurable(plan: SplitPlan, y: NDArray[Any] | None, classify: bool) -> tuple[str, str] | None:
    """Why the test rows of ``plan`` cannot measure the task (en, ko), or None when they can."""
    test = np.concatenate([te for _, te in plan.folds]) if plan.folds else np.array([], int)
    held_out = plan.info.get("test_groups")
    if held_out is not None and len(held_out) < MIN_TEST_GROUPS:
        return (
            f"only {len(held_out)} group held out: one unit is not a measure of unseen units",
            f"시험용 그룹이 {len(held_out)}개뿐: 한 단위로는 새 단위에 대한 성능을 잴 수 없음",
        )
    if y is None or not classify:
        if len(test) < MIN_TEST_ROWS:
            return (
                f"only {len(test)} test rows (at least {MIN_TEST_ROWS})",
                f"시험 행이 {len(test)}개뿐 (최소 {MIN_TEST_ROWS})",
            )
        return None
    classes, counts = np.unique(y[test], return_counts=True)
    if len(classes) < 2:
        return (
            f"the test rows hold one class only ({len(test)} rows)",
            f"시험 행에 한 가지 클래스만 있음 ({len(test)}행)",
        )
    enough = int((counts >= MIN_PER_CLASS).sum())
    if enough < 2:
        return (
            f"too few rows of the rarer class in the test rows (fewer than {MIN_PER_CLASS})",
            f"시험 행에 드문 클래스가 너무 적음 ({MIN_PER_CLASS}개 미만)",
        )
    for tr, _ in plan.folds:
        if len(np.unique(y[tr])) < 2:
            return (
                "a training part holds one class only",
                "학습 구간에 한 가지 클래스만 있음",
            )
    return None


def _time_blocks(time: NDArray[Any], embargo: float) -> SplitPlan | None:
    """``CV_FOLDS`` contiguous time blocks, each the test rows once; an embargo gap either side."""
    t = time.astype(np.float64)
    edges = np.unique(np.quantile(t, np.linspace(0, 1, CV_FOLDS + 1), method="inverted_cdf"))
    if len(edges) < 3:
        return None
    block = np.searchsorted(edges[1:-1], t, side="right")
    gap = embargo * float(t.max() - t.min())
    folds = []
    for b in np.unique(block):
        te = np.flatnonzero(block == b)
        lo, hi = t[te].min(), t[te].max()
        tr = np.flatnonzero((t < lo - gap) | (t > hi + gap))
        folds.append((tr, te))
    k = len(folds)
    return SplitPlan(
        "time_blocked_cv",
        folds,
        f"{k} contiguous time blocks, each held out once ({embargo:.0%} embargo either side)",
        f"연속된 시간 구간 {k}개를 번갈아 시험용으로 사용 (양쪽 {embargo:.0%} 공백)",
    )


def _stratified(
    y: NDArray[Any] | None, classify: bool, groups: NDArray[Any] | None, seed: int
) -> SplitPlan | None:
    """Seeded k folds over groups (the table's groups, else the distinct rows), stratified by
    class for classification."""
    assert groups is not None
    n_groups = len(np.unique(groups))
    if y is not None and classify:
        k = min(CV_FOLDS, int(np.unique(y, return_counts=True)[1].min()), n_groups)
        if k < 2:
            return None
        cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
        folds = list(cv.split(np.zeros(len(y)), y, groups))
        en, ko = f"{k}-fold stratified group folds, seeded", f"{k}겹 층화 그룹 교차검증, 고정 시드"
    else:
        k = min(CV_FOLDS, n_groups)
        if k < 2:
            return None
        folds = list(GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups))
        en, ko = f"{k}-fold group folds", f"{k}겹 그룹 교차검증"
    return SplitPlan("stratified_group_kfold" if classify else "group_kfold", folds, en, ko)


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
    dups: IntArray | None = None,
    clock: Clock = plain,
) -> SplitPlan:
    """Choose and make the honest split for this table (see the module docstring).

    ``dups``: one id per row, equal for exact-duplicate rows (:func:`duplicate_key`);
    ``clock``: how a time value is printed in the record (:func:`mfgdata.modeling.clock.time_clock`:
    local time with its offset, never the column's epoch integers)."""
    plan = _primary(
        n_rows,
        groups=groups,
        time=time,
        y=y,
        classify=classify,
        test_size=test_size,
        embargo=embargo,
        seed=seed,
        dups=dups,
        clock=clock,
    )
    plan = _purge(plan, dups)
    why = unmeasurable(plan, y, classify)
    if why is None:
        return plan
    alternatives: list[SplitPlan | None] = []
    many_groups = groups is not None and len(np.unique(groups)) >= MIN_GROUPS
    if many_groups:
        alternatives.append(_stratified(y, classify, groups, seed))
    if time is not None and plan.kind != "time_blocked_cv":
        alternatives.append(_time_blocks(time, embargo))
    if not many_groups:
        key = dups if dups is not None else np.arange(n_rows)
        alternatives.append(_stratified(y, classify, key, seed))
    for alt in alternatives:
        if alt is None or alt.kind == plan.kind:
            continue
        alt = _purge(alt, dups)
        if unmeasurable(alt, y, classify) is None:
            info = {**alt.info, "instead_of": plan.kind, "why_not_en": why[0], "why_not_ko": why[1]}
            return SplitPlan(
                alt.kind,
                alt.folds,
                f"{alt.reason_en} (the {plan.kind} split cannot measure the task: {why[0]})",
                f"{alt.reason_ko} ({plan.kind} 분할로는 측정할 수 없음: {why[1]})",
                info,
            )
    return SplitPlan(
        plan.kind,
        plan.folds,
        f"not measurable: {why[0]}, and no other honest split can measure it",
        f"측정 불가: {why[1]}, 다른 정직한 분할로도 측정할 수 없음",
        {**plan.info, "why_not_en": why[0], "why_not_ko": why[1]},
        measurable=False,
    )
