"""A two-valued label's meaning: by its header and its values, never by majority."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from mfgdata.frames.infer import bool_expr, infer_plan
from mfgdata.frames.labels import defect_class, header_sense, plan_label
from mfgdata.modeling.tasks import bad_classes


@pytest.mark.parametrize(
    ("header", "sense"),
    [
        ("불량여부", "defect"),
        ("불량", "defect"),
        ("NG여부", "defect"),
        ("is_defect", "defect"),
        ("isDefective", "defect"),
        ("Machine failure", "defect"),
        ("reject_flag", "defect"),
        ("scrap", "defect"),
        ("not_ok", "defect"),
        ("이상유무", "defect"),
        ("불합격", "defect"),
        ("비정상", "defect"),
        ("합격여부", "good"),
        ("양품", "good"),
        ("pass", "good"),
        ("is_ok", "good"),
        ("정상여부", "good"),
        ("good_part", "good"),
        ("판정", None),
        ("검사결과", None),
        ("result", None),
        ("label", None),
        ("OK/NG", None),
        ("양불", None),
        ("running", None),  # "ng" inside a word is not NG
        ("token", None),  # nor "ok"
    ],
)
def test_header_sense(header: str, sense: str | None) -> None:
    assert header_sense(header) == sense


@pytest.mark.parametrize(
    ("header", "values", "boolean", "true"),
    [
        ("불량여부", ["OK", "NG"], True, "NG"),
        ("불량여부", ["양품", "불량"], True, "불량"),
        ("defect", ["pass", "fail"], True, "FAIL"),
        ("합격여부", ["OK", "NG"], True, "OK"),
        ("양품여부", ["good", "bad"], True, "GOOD"),
        ("판정", ["OK", "NG"], False, None),
        ("검사결과", ["정상", "이상"], False, None),
        ("result", ["PASS", "FAIL"], False, None),
        ("불량여부", ["Y", "N"], True, "Y"),
        ("label", ["TRUE", "FALSE"], True, "TRUE"),
    ],
)
def test_plan_label(header: str, values: list[str], boolean: bool, true: str | None) -> None:
    plan = plan_label(header, values)
    assert plan is not None and plan.boolean == boolean and plan.true_value == true


def test_majority_never_decides() -> None:
    """OK is 9 of 10 rows: under 불량여부 it is still false."""
    raw = ["OK"] * 9 + ["NG"]
    plan = infer_plan("불량여부", raw)
    out = pl.DataFrame({"v": raw}).select(bool_expr(pl.col("v"), plan)).to_series().to_list()
    assert out == [False] * 9 + [True]


@pytest.mark.parametrize(
    ("header", "classes", "defect"),
    [
        ("불량여부", ["false", "true"], "true"),
        ("합격여부", ["false", "true"], "false"),
        ("판정", ["NG", "OK"], "NG"),
        ("합격여부", ["NG", "OK"], "NG"),  # the values say it, whatever the header
        ("result", ["fail", "pass"], "fail"),
        ("defect", ["0", "1"], "1"),
        ("label", ["false", "true"], None),  # a yes/no under a neutral header: unknown
        ("line", ["A", "B"], None),
    ],
)
def test_defect_class(header: str, classes: list[str], defect: str | None) -> None:
    assert defect_class(header, classes) == defect


def test_model_reads_the_defect_class_from_the_header() -> None:
    """true is the majority (90 %) but the header says it is the defect: the model scores it."""
    y = np.array([1] * 9 + [0])
    assert bad_classes(["false", "true"], y, "불량여부") == [1]
    assert bad_classes(["false", "true"], y, "합격여부") == [0]
    assert bad_classes(["false", "true"], y, None) == [0]  # no meaning: the rare class
