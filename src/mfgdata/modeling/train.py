"""Supervised training: LightGBM and a linear model, small seeded search, naive baselines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
from numpy.typing import NDArray
from sklearn.impute import SimpleImputer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression, Ridge  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline, make_pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

from mfgdata.modeling import metrics as M
from mfgdata.modeling.features import FeatureMatrix
from mfgdata.modeling.splits import SplitPlan, make_split, twin_key
from mfgdata.modeling.tasks import bad_classes

Arr = NDArray[Any]
SEED = 0
#: LightGBM threads: 1 below this many rows (OpenMP spin-waits badly on a busy 2-core machine).
THREADED_ROWS = 200_000
#: The linear candidate is tried on small tables only (where it can win).
LINEAR_ROWS = 2_000


@dataclass
class Trained:
    """The chosen model (refit on all rows), its holdout evaluation and the search record."""

    task: str
    family: str
    params: dict[str, Any]
    model: Any
    fold_models: list[Any]
    test_idx: Arr
    y_test: Arr
    pred: Arr
    base: Arr
    baseline_name: str
    metrics: dict[str, Any]
    search: list[dict[str, Any]] = field(default_factory=list)


def candidates(task: str, n_train: int, seed: int = SEED) -> list[tuple[str, dict[str, Any]]]:
    """The small default search: two LightGBM shapes, and a linear model on small tables."""
    leaf = max(3, min(20, n_train // 20))
    base = {
        "n_estimators": 200,
        "learning_rate": 0.05,
        "min_child_samples": leaf,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.8,
    }
    return [
        ("lightgbm", {**base, "num_leaves": 15}),
        ("lightgbm", {**base, "num_leaves": 31, "n_estimators": 150, "learning_rate": 0.08}),
    ] + (
        [("linear", {"alpha" if task != "classification" else "C": 1.0})]
        if n_train < LINEAR_ROWS
        else []
    )


def make_model(
    task: str, family: str, params: dict[str, Any], seed: int = SEED, n_rows: int = 0
) -> Any:
    if family == "lightgbm":
        common = {
            "random_state": seed,
            "n_jobs": 2 if n_rows >= THREADED_ROWS else 1,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
            **params,
        }
        if task == "classification":
            return lgb.LGBMClassifier(class_weight="balanced", **common)
        return lgb.LGBMRegressor(**common)
    steps: list[Any] = [
        SimpleImputer(strategy="median", keep_empty_features=True),
        StandardScaler(),
    ]
    if task == "classification":
        steps.append(LogisticRegression(C=params["C"], class_weight="balanced", max_iter=300))
    else:
        steps.append(Ridge(alpha=params["alpha"]))
    pipe: Pipeline = make_pipeline(*steps)
    return pipe


def predict(model: Any, X: Arr, task: str, n_classes: int) -> Arr:
    """Class probabilities over all ``n_classes`` (columns by code), or values."""
    if task != "classification":
        return np.asarray(model.predict(X), dtype=np.float64)
    proba = np.zeros((len(X), n_classes))
    proba[:, np.asarray(model.classes_, dtype=np.int64)] = model.predict_proba(X)
    return proba


def baseline(
    fm: FeatureMatrix, task: str, train: Arr, test: Arr, n_classes: int
) -> tuple[str, Arr]:
    """Naive predictions for the test rows: majority / mean / last value / mean RUL per cycle."""
    assert fm.y is not None
    y = fm.y
    if task == "classification":
        prior = np.bincount(y[train], minlength=n_classes) / len(train)
        return "majority_class", np.tile(prior, (len(test), 1))
    if task == "rul" and fm.time is not None:
        t_tr = fm.time[train].astype(float)
        cycles = np.unique(t_tr)
        means = np.array([y[train][t_tr == c].mean() for c in cycles])
        return "mean_rul_per_cycle", np.interp(fm.time[test].astype(float), cycles, means)
    mean = np.full(len(test), float(np.mean(y[train])))
    if task == "regression" and fm.time is not None:
        last = np.full(len(test), np.nan)
        order = np.argsort(fm.time, kind="stable")
        prev = np.full(len(y), np.nan)
        if fm.groups is not None:
            for g in np.unique(fm.groups):
                rows = order[fm.groups[order] == g]
                prev[rows[1:]] = y[rows[:-1]]
        else:
            prev[order[1:]] = y[order[:-1]]
        last = np.where(np.isnan(prev[test]), mean, prev[test])
        if np.mean(np.abs(last - y[test])) < np.mean(np.abs(mean - y[test])):
            return "last_value", last
    return "mean", mean


def _plan(fm: FeatureMatrix, rows: Arr, task: str, seed: int) -> SplitPlan:
    def sub(a: Arr | None) -> Arr | None:
        return None if a is None else a[rows]

    return make_split(
        len(rows),
        groups=sub(fm.groups),
        time=sub(fm.time),
        y=sub(fm.y),
        classify=task == "classification",
        seed=seed,
        dups=twin_key(fm)[rows],
    )


def defect_code(fm: FeatureMatrix, task: str) -> int:
    """The class code binary metrics (PR-AUC) score as positive: the defect, not the normal
    class (see :func:`bad_classes`); 1 where that question does not arise."""
    if task != "classification" or fm.y is None or len(fm.spec.classes) != 2:
        return 1
    return bad_classes(list(fm.spec.classes), fm.y, fm.spec.target)[0]


def _select(
    fm: FeatureMatrix, task: str, train: Arr, n_classes: int, seed: int
) -> list[dict[str, Any]]:
    assert fm.y is not None
    inner = _plan(fm, train, task, seed).folds[0]
    tr, va = train[inner[0]], train[inner[1]]
    primary = M.PRIMARY[task]
    fn = M.metric_fns(task, n_classes, defect_code(fm, task))[primary]
    out = []
    for family, params in candidates(task, len(tr), seed):
        model = make_model(task, family, params, seed, len(tr)).fit(fm.X[tr], fm.y[tr])
        score = fn(fm.y[va], predict(model, fm.X[va], task, n_classes))
        out.append({"family": family, "params": params, primary: score})
    sign = 1 if M.HIGHER_IS_BETTER[primary] else -1
    return sorted(out, key=lambda c: -sign * c[primary])


def train(fm: FeatureMatrix, task: str, plan: SplitPlan, seed: int = SEED) -> Trained:
    """Search on the first fold's training rows, evaluate on every test fold, refit on all rows."""
    assert fm.y is not None
    n_classes = len(fm.spec.classes) if task == "classification" else 0
    search = _select(fm, task, plan.folds[0][0], n_classes, seed)
    family, params = search[0]["family"], search[0]["params"]
    models, idx, preds, bases, names = [], [], [], [], []
    for tr, te in plan.folds:
        model = make_model(task, family, params, seed, len(tr)).fit(fm.X[tr], fm.y[tr])
        models.append(model)
        idx.append(te)
        preds.append(predict(model, fm.X[te], task, n_classes))
        name, base = baseline(fm, task, tr, te, n_classes)
        bases.append(base)
        names.append(name)
    test_idx = np.concatenate(idx)
    pred, base = np.concatenate(preds), np.concatenate(bases)
    y_test = fm.y[test_idx]
    order = None if fm.time is None else np.argsort(fm.time[test_idx], kind="stable")
    groups = None if fm.groups is None else fm.groups[test_idx]
    metrics = M.evaluate(
        task, y_test, pred, base, n_classes, seed, defect_code(fm, task), groups=groups, order=order
    )
    final = make_model(task, family, params, seed, len(fm.y)).fit(fm.X, fm.y)
    return Trained(
        task,
        family,
        params,
        final,
        models,
        test_idx,
        y_test,
        pred,
        base,
        max(names, key=names.count),  # ties: the first fold's (a set's order follows the hash seed)
        metrics,
        search,
    )
