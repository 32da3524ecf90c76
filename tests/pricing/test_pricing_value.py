"""Value approach: with a measured model uplift and declared unit economics, and without."""

from __future__ import annotations

from typing import Any

import pytest

from mfgdata.pricing.inputs import PricingInputs, ValueInputs
from mfgdata.pricing.value import value_price

ECONOMICS = ValueInputs(units_per_year=100_000, value_per_unit_krw=5_000)


def test_value_with_uplift_exact() -> None:
    inputs = PricingInputs(value=ECONOMICS)
    result = value_price(inputs, {"uplift": {"value": 0.1, "metric": "defect_rate"}})
    assert result.applicable
    # CF = 0.1 × 100,000 × 5,000 = 50,000,000; annuity(10 %, 3 y) = 2.486852; × share 0.25
    assert result.details["cash_flow_krw"] == 50_000_000.0
    assert result.details["annuity_factor"] == pytest.approx(1 / 1.1 + 1 / 1.21 + 1 / 1.331)
    assert result.details["present_value_krw"] == 124_342_599.55
    assert result.price_krw == 31_085_649.89
    assert result.details["uplift"]["metric"] == "defect_rate"


def test_value_horizon_and_rate() -> None:
    inputs = PricingInputs(
        value=ValueInputs(
            units_per_year=1_000,
            value_per_unit_krw=1_000,
            years=2,
            discount_rate=0.0,
            seller_share=0.5,
        )
    )
    result = value_price(inputs, {"uplift": {"value": 0.5}})
    assert result.price_krw == 500_000.0  # 0.5 × (0.5 × 1,000 × 1,000) × 2 years


@pytest.mark.parametrize(
    ("model_data", "economics", "reason"),
    [
        (None, ECONOMICS, "no usable model (no model was trained)"),
        ({}, ECONOMICS, "no usable model (no model was trained)"),
        ({"skipped": True, "reason_en": "only 12 rows"}, ECONOMICS, "no model was trained"),
        ({"metrics": {"r2": 0.9}}, ECONOMICS, "does not beat its baseline"),
        ({"uplift": {"value": "big"}}, ECONOMICS, "does not beat its baseline"),
        ({"uplift": {"value": 0.1}}, ValueInputs(), "unit economics not declared"),
        ({"uplift": {"value": -0.02}}, ECONOMICS, "does not beat its baseline"),
        (
            {"uplift": {"value": 0.1}, "usable": True, "usable_reason": {"ko": "좋음"}},
            ValueInputs(),
            "unit economics not declared",
        ),
    ],
)
def test_value_not_applicable(
    model_data: dict[str, Any] | None, economics: ValueInputs, reason: str
) -> None:
    result = value_price(PricingInputs(value=economics), model_data)
    assert not result.applicable
    assert result.price_krw is None
    assert reason in result.reason_en
    assert result.reason_ko


# what the model step reports today: uplift.relative and .significant (no "value"), maybe "usable"
RELATIVE = {"metric": "rmse", "model": 20.0, "baseline": 40.0, "relative": 0.5}


@pytest.mark.parametrize(
    ("model_data", "applicable", "reason"),
    [
        # no "usable" field: usable only if it beats its baseline (interval excludes 0)
        ({"metrics": {}, "uplift": {**RELATIVE, "significant": True}}, True, ""),
        (
            {"metrics": {}, "uplift": {**RELATIVE, "significant": False}},
            False,
            "does not beat its baseline significantly",
        ),
        # "usable" from the model step wins, with its reason
        (
            {
                "metrics": {},
                "uplift": {**RELATIVE, "significant": True},
                "usable": False,
                "usable_reason": {"ko": "구간이 0을 포함", "en": "interval includes 0"},
            },
            False,
            "no usable model (interval includes 0)",
        ),
        ({"metrics": {}, "uplift": RELATIVE, "usable": True}, True, ""),
    ],
)
def test_value_reads_the_model_step(
    model_data: dict[str, Any], applicable: bool, reason: str
) -> None:
    inputs = PricingInputs(
        value=ValueInputs(
            units_per_year=1_000, value_per_unit_krw=1_000, years=1, discount_rate=0, seller_share=1
        )
    )
    result = value_price(inputs, model_data)
    assert result.applicable is applicable
    assert reason in result.reason_en
    if applicable:
        assert result.details["u"] == 0.5  # relative uplift of the primary metric
        assert result.price_krw == 500_000.0  # 0.5 × 1,000 × 1,000 × 1 year
        assert result.details["usable"] is True


def test_relative_uplift_is_kept_to_one() -> None:
    data = {"uplift": {"relative": 3.0, "significant": True}, "usable": True}
    result = value_price(PricingInputs(value=ECONOMICS), data)
    assert result.details["u"] == 1.0
