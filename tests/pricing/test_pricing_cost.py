"""Cost approach: exact prices for given inputs."""

from __future__ import annotations

import pytest

from mfgdata.pricing.cost import cost_price
from mfgdata.pricing.inputs import CostInputs, PricingInputs


@pytest.mark.parametrize(
    ("costs", "sales", "margin", "expected"),
    [
        ({}, 10, 0.2, 523_200.0),  # defaults: 4,360,000 / 10 × 1.2
        (
            {
                "collection": 1e6,
                "processing": 5e5,
                "labelling": 0,
                "qa": 3e5,
                "storage": 1e5,
                "serving": 1e5,
            },
            4,
            0.25,
            625_000.0,
        ),
        (
            {"collection": 1000, "processing": 0, "qa": 0, "storage": 0, "serving": 0},
            3,
            0.0,
            333.33,
        ),
        ({"collection": 0, "processing": 0, "qa": 0, "storage": 0, "serving": 0}, 1, 1.0, 0.0),
    ],
)
def test_cost_price_exact(
    costs: dict[str, float], sales: int, margin: float, expected: float
) -> None:
    inputs = PricingInputs(costs=CostInputs(**costs), expected_sales=sales, margin=margin)
    result = cost_price(inputs)
    assert result.applicable
    assert result.price_krw == expected
    assert result.details["expected_sales"] == sales
    assert len(result.details["items"]) == 6


def test_cost_substituted_shows_every_number() -> None:
    inputs = PricingInputs(
        costs=CostInputs(
            collection=1e6, processing=5e5, labelling=2e5, qa=3e5, storage=1e5, serving=1e5
        ),
        expected_sales=4,
        margin=0.25,
    )
    result = cost_price(inputs)
    assert result.price_krw == 687_500.0
    assert result.substituted == (
        "(1,000,000 + 500,000 + 200,000 + 300,000 + 100,000 + 100,000) / 4 × (1 + 0.25)"
        " = 2,200,000 / 4 × 1.25 = 687,500"
    )
    assert result.details["total_cost_krw"] == 2_200_000
