"""Which class is the 'bad' outcome: by name, and by majority for booleans."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mfgdata.modeling.fit import fit_model
from mfgdata.modeling.metrics import average_precision, metric_fns
from mfgdata.modeling.tasks import bad_classes
from modeling.synthetic import defect_frame


@pytest.mark.parametrize(
    ("classes", "y", "bad"),
    [
        (["NG", "OK"], [1, 1, 1, 0], [0]),  # OK is normal by name
        (["false", "true"], [1, 1, 1, 0], [0]),  # OK/NG read as booleans: OK=true, the majority
        (["false", "true"], [0, 0, 0, 1], [1]),  # a defect flag: true is the rare class
        (["0", "1", "2"], [0, 1, 2, 0], [1, 2]),
    ],
)
def test_bad_classes(classes: list[str], y: list[int], bad: list[int]) -> None:
    assert bad_classes(classes, np.array(y)) == bad


def test_pr_auc_scores_the_class_asked_for() -> None:
    y = np.array([0, 1, 1, 1, 1, 1, 0, 1])
    p1 = np.array([0.65, 0.9, 0.6, 0.8, 0.4, 0.7, 0.2, 0.5])  # one defect ranks among the good
    proba = np.column_stack([1 - p1, p1])
    defect = metric_fns("classification", 2, positive=0)["pr_auc"](y, proba)
    assert defect == pytest.approx(average_precision((y == 0).astype(np.int64), proba[:, 0]))
    assert defect != pytest.approx(metric_fns("classification", 2)["pr_auc"](y, proba))


def test_model_pr_auc_is_about_the_defect_class() -> None:
    frame = defect_frame(n=1500).with_columns(
        result=pl.when(pl.col("temp") > 90).then(pl.lit("NG")).otherwise(pl.lit("OK"))
    )
    fitted = fit_model(frame.lazy(), "result", time="time")
    metrics = fitted.data["metrics"]
    assert fitted.data["basis"]["bad_classes"] == ["NG"]
    # a constant score's average precision is the share of the scored class: NG is rare (1/6)
    assert metrics["baseline"]["pr_auc"]["value"] < 0.3
    assert metrics["model"]["pr_auc"]["value"] > 0.9
