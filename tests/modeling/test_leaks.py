"""Target leaks: a copy of the target is left out, an honest strong driver stays (made-up data)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mfgdata.modeling.fit import fit_model
from mfgdata.modeling.leaks import (
    LEAK_BALANCED_ACCURACY,
    LEAK_R2,
    find_leaks,
    single_feature_score,
)

N = 600
RNG = np.random.default_rng(7)
Y = RNG.normal(50, 10, N)
LABEL = (RNG.random(N) < 0.3).astype(np.int64)
U = RNG.uniform(-3, 3, N)


def _driver(y: np.ndarray, r2: float) -> np.ndarray:
    """A column whose linear R² with ``y`` is about ``r2`` (an honest, strong driver)."""
    z = (y - y.mean()) / y.std()
    return z + RNG.normal(0, np.sqrt(1 / r2 - 1), len(y))


def _flip(label: np.ndarray, share: float) -> np.ndarray:
    out = label.copy()
    idx = RNG.choice(len(label), int(share * len(label)), replace=False)
    out[idx] = 1 - out[idx]
    return out


@pytest.mark.parametrize(
    ("what", "x", "y", "classification", "leak"),
    [
        # |r| 0.998: below the old all-rows |r| >= 0.999 rule, a leak all the same
        ("copy + noise", Y + RNG.normal(0, 0.6, N), Y, False, True),
        ("log of the target", np.log(Y - Y.min() + 1), Y, False, True),
        ("target is the column squared", U, U**2, False, True),  # not monotone: the tree
        ("square of the target", (Y - Y.mean()) ** 2, Y - Y.mean(), False, False),  # sign lost
        ("honest driver R² 0.7", _driver(Y, 0.7), Y, False, False),
        ("honest driver R² 0.9", _driver(Y, 0.9), Y, False, False),
        ("noise", RNG.normal(0, 1, N), Y, False, False),
        ("label copy, 0.3 % flipped", _flip(LABEL, 0.003).astype(float), LABEL, True, True),
        ("label driver, 10 % flipped", _flip(LABEL, 0.10).astype(float), LABEL, True, False),
    ],
)
def test_single_feature_leaks(
    what: str, x: np.ndarray, y: np.ndarray, classification: bool, leak: bool
) -> None:
    score = single_feature_score(x, y, classification)
    assert score is not None
    limit = LEAK_BALANCED_ACCURACY if classification else LEAK_R2
    assert (score >= limit) is leak, (what, score)


def test_judged_on_the_training_rows_only() -> None:
    """A column that equals the target on the test rows only is not judged a leak."""
    x = np.where(np.arange(N) < 400, RNG.normal(0, 1, N), Y)
    X = x[:, None]
    names = ["late_copy"]
    train, test = np.arange(400), np.arange(400, N)
    assert find_leaks(X, Y, names, classification=False, train=train) == []
    assert [lk.feature for lk in find_leaks(X, Y, names, classification=False, train=test)] == [
        "late_copy"
    ]


def test_outcome_columns_and_their_flags_are_left_out() -> None:
    X = np.column_stack([RNG.normal(0, 1, N), RNG.normal(0, 1, N), RNG.normal(0, 1, N)])
    leaks = find_leaks(
        X,
        Y,
        ["Mn", "Mn__outlier", "Tin"],
        classification=False,
        train=np.arange(N),
        outcomes={"Mn"},
    )
    assert [(lk.feature, lk.measure) for lk in leaks] == [
        ("Mn", "outcome"),
        ("Mn__outlier", "outcome"),
    ]
    assert "품질 결과" in leaks[0].reason_ko and "after the process" in leaks[0].reason_en


def test_fit_model_leaves_the_leak_out_and_says_why(tmp_path: object) -> None:
    temp = RNG.normal(200, 5, N)
    speed = RNG.normal(30, 3, N)
    strength = 0.8 * temp + 2.0 * speed + RNG.normal(0, 4, N)
    frame = pl.LazyFrame(
        {
            "temp": temp,
            "speed": speed,
            "lab_result": strength + RNG.normal(0, 0.8, N),  # the answer, measured again
            "strength": strength,
        }
    )
    fitted = fit_model(frame, "strength", product="leak-demo")
    data = fitted.data
    assert data["features"] == ["temp", "speed"]
    assert [lk["feature"] for lk in data["leaks"]] == ["lab_result"]
    leak = data["leaks"][0]
    assert leak["measure"] == "r2" and leak["score"] >= LEAK_R2
    assert data["excluded"]["lab_result"].startswith("target leak:")
    assert "lab_result: 이 열 하나로 목표를" in fitted.card
    assert "this column alone explains the target" in fitted.card
    # the honest model is measured on the honest features: clearly better than the baseline
    m = data["metrics"]
    assert m["model"]["mae"]["value"] < 0.7 * m["baseline"]["mae"]["value"]
    assert m["model"]["r2"]["value"] < 0.95  # not the near-perfect fit the copy gave


def test_a_class_code_is_left_out_a_threshold_reading_is_a_suspect() -> None:
    """``NG`` when temp > 70 could be a rule on a process reading or a leak: kept, listed."""
    temp = RNG.uniform(40, 100, N)
    label = (temp > 70).astype(np.int64)
    code = _flip(label, 0.002).astype(float)  # a judgement flag copied from the label
    X = np.column_stack([temp, code, RNG.normal(0, 1, N)])
    leaks = find_leaks(
        X, label, ["temp", "ng_flag", "noise"], classification=True, train=np.arange(N)
    )
    assert [(lk.feature, lk.measure, lk.excluded) for lk in leaks] == [
        ("temp", "balanced_accuracy", False),
        ("ng_flag", "balanced_accuracy", True),
    ]
    assert "--exclude" in leaks[0].reason_en and "--exclude" in leaks[0].reason_ko
