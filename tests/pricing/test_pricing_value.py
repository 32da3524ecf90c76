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
        (None, ECONOMICS, "no measured model uplift"),
        ({}, ECONOMICS, "no measured model uplift"),
        ({"metrics": {"r2": 0.9}}, ECONOMICS, "no measured model uplift"),
        ({"uplift": {"value": "big"}}, ECONOMICS, "no measured model uplift"),
        ({"uplift": {"value": 0.1}}, ValueInputs(), "unit economics not declared"),
        ({"uplift": {"value": -0.02}}, ECONOMICS, "not positive"),
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
