"""Target leaks: features that are the answer, not an input available before the run.

Two kinds, both decided on the training rows only (the test rows never choose the features):

- **explains alone**: one feature by itself explains the target nearly perfectly. Regression: its
  single-feature R² (the best of the linear r², the rank r² and an out-of-fold depth-limited tree)
  is at least ``LEAK_R2``; classification: its out-of-fold single-feature balanced accuracy is at
  least ``LEAK_BALANCED_ACCURACY``. An honest strong driver (R² 0.7) stays.
  Classification, one exception: a many-valued reading (more than ``CODE_VALUES`` distinct
  values) that splits the classes at a threshold is the shape of a label *defined* by a rule on a
  process reading (``NG`` when temp > 70) as much as of a leak (a dimension measured after the
  process against its tolerance). The data cannot tell them apart, so such a column is kept and
  listed as a suspect (``excluded: false``) for a person to decide (``--exclude``). A few-valued
  column that gives the class (a defect code, a judgement flag) is left out.
- **an outcome**: the semantics layer maps the column to a property measured after the process
  (a quality test result such as compressive strength, conversion or molecular weight;
  ``Property.outcome``). A sibling output of the same run is not an input to predict another.

Each excluded feature is listed in metrics.json (``leaks``) and in the model card, ko/en.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import balanced_accuracy_score  # type: ignore[import-untyped]
from sklearn.model_selection import KFold, cross_val_predict  # type: ignore[import-untyped]
from sklearn.tree import (  # type: ignore[import-untyped]
    DecisionTreeClassifier,
    DecisionTreeRegressor,
)

from mfgdata.semantics.dictionary import load_dictionary

#: Regression: a single feature with R² at or above this explains the target nearly perfectly.
LEAK_R2 = 0.98
#: Classification: a single feature with balanced accuracy at or above this gives the answer.
LEAK_BALANCED_ACCURACY = 0.99
#: The single-feature tree: shallow (at most 2**depth bins), out-of-fold, seeded.
TREE_DEPTH = 5
FOLDS = 3
MIN_ROWS = 12
#: Classification: a column with at most this many distinct values (or 2 per class) is a code.
CODE_VALUES = 4


@dataclass(frozen=True)
class Leak:
    feature: str
    measure: str  # "r2" | "balanced_accuracy" | "outcome"
    score: float | None
    reason_ko: str
    reason_en: str
    #: False: a suspect kept in the model and listed for a person to decide.
    excluded: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r2(y: NDArray[np.float64], pred: NDArray[np.float64]) -> float:
    ss = float(((y - y.mean()) ** 2).sum())
    return 1.0 - float(((y - pred) ** 2).sum()) / ss if ss > 0 else 0.0


def _rank(a: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.argsort(np.argsort(a, kind="stable"), kind="stable").astype(np.float64)


def single_feature_score(
    x: NDArray[np.float64], y: NDArray[Any], classification: bool, seed: int = 0
) -> float | None:
    """How well ``x`` alone gives ``y`` (R² or balanced accuracy); None if too few rows."""
    ok = np.isfinite(x) & (np.isfinite(y) if not classification else True)
    x, y = x[ok], y[ok]
    if len(x) < MIN_ROWS or x.std() == 0 or len(np.unique(y)) < 2:
        return None
    folds = KFold(FOLDS, shuffle=True, random_state=seed)
    if classification:
        tree = DecisionTreeClassifier(max_depth=TREE_DEPTH, random_state=seed)
        pred = cross_val_predict(tree, x[:, None], y, cv=folds)
        return float(balanced_accuracy_score(y, pred))
    y = y.astype(np.float64)
    r = float(np.corrcoef(x, y)[0, 1])
    rho = float(np.corrcoef(_rank(x), _rank(y))[0, 1])
    tree = DecisionTreeRegressor(max_depth=TREE_DEPTH, random_state=seed)
    cv = _r2(y, cross_val_predict(tree, x[:, None], y, cv=folds))
    return max(r * r, rho * rho, cv)


def find_leaks(
    X: NDArray[np.float64],
    y: NDArray[Any],
    names: Sequence[str],
    *,
    classification: bool,
    train: NDArray[np.int64],
    outcomes: Iterable[str] = (),
    seed: int = 0,
) -> list[Leak]:
    """The features to leave out, judged on the rows ``train`` only."""
    out: list[Leak] = []
    outcome = set(outcomes)
    limit = LEAK_BALANCED_ACCURACY if classification else LEAK_R2
    measure = "balanced_accuracy" if classification else "r2"
    for j, name in enumerate(names):
        if name in outcome or name.split("__")[0] in outcome:  # and its flags (Mn__outlier)
            out.append(
                Leak(
                    name,
                    "outcome",
                    None,
                    "공정 뒤에 측정하는 품질 결과입니다 (같은 실행의 다른 출력): 입력이 아닙니다",
                    "a quality result measured after the process (another output of the same "
                    "run): not an input",
                )
            )
            continue
        score = single_feature_score(X[train, j], y[train], classification, seed)
        if score is None or score < limit:
            continue
        n_codes = max(CODE_VALUES, 2 * len(np.unique(y[train])))
        code = not classification or len(np.unique(X[train, j])) <= n_codes
        if code:
            out.append(
                Leak(
                    name,
                    measure,
                    round(score, 4),
                    f"이 열 하나로 목표를 거의 완전히 설명합니다 ({measure} {score:.3f} ≥ "
                    f"{limit}): 목표에서 나온 값으로 봅니다",
                    f"this column alone explains the target nearly perfectly ({measure} "
                    f"{score:.3f} >= {limit}): taken as derived from the target",
                )
            )
        else:
            out.append(
                Leak(
                    name,
                    measure,
                    round(score, 4),
                    f"이 열의 한 기준값으로 등급이 거의 완전히 갈립니다 ({measure} {score:.3f}): "
                    "공정 뒤에 측정한 값이면 --exclude 로 빼십시오",
                    f"one threshold on this column nearly gives the class ({measure} "
                    f"{score:.3f}): if it is measured after the process, leave it out with "
                    "--exclude",
                    excluded=False,
                )
            )
    return out


def outcome_columns(
    standardized: Mapping[str, Any], extensions: Sequence[Path | None] = ()
) -> set[str]:
    """Columns the standardize step (``standardized``: its data) mapped to a property measured
    after the process (``Property.outcome``), with the build's dictionary extensions."""
    dictionary = load_dictionary([p for p in extensions if p is not None])
    outcome = {p.id for p in dictionary.properties.values() if p.outcome}
    columns: Iterable[Mapping[str, Any]] = standardized.get("columns") or []
    return {str(c["name"]) for c in columns if c.get("property") in outcome}
