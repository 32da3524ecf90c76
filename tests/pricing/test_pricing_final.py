"""The final rule: max(cost, market) × grade × licence × access, value cap, rounding, VAT."""

from __future__ import annotations

import pytest

from mfgdata.pricing.approach import Approach
from mfgdata.pricing.final import final_price, round_krw, vat_of
from mfgdata.pricing.inputs import PricingError, PricingInputs


def approach(name: str, price: float | None) -> Approach:
    return Approach(name=name, applicable=price is not None, formula="", price_krw=price)


COST = approach("cost", 523_200.0)
NO_MARKET = approach("market", None)
NO_VALUE = approach("value", None)


def test_cost_only_grade_licence() -> None:
    inputs = PricingInputs(licence="commercial")
    result = final_price(inputs, cost=COST, market=NO_MARKET, value=NO_VALUE, grade="B")
    # 523,200 × 0.85 × 1.5 × 1.0 = 667,080 → 667,000; VAT 66,700
    assert result.base_from == "cost"
    assert result.multiplied_krw == 667_080.0
    assert (result.price_krw, result.vat_krw, result.total_krw) == (667_000, 66_700, 733_700)
    assert result.lines[-1] == "VAT = ⌊667,000 × 0.1⌋ = 66,700; total = 733,700"


def test_market_wins_when_higher_and_access_mode() -> None:
    inputs = PricingInputs(access_mode="open-api")
    result = final_price(
        inputs, cost=COST, market=approach("market", 600_000.0), value=NO_VALUE, grade="A"
    )
    assert result.base_from == "market"
    assert result.base_krw == 600_000.0
    assert result.price_krw == 720_000  # 600,000 × 1 × 1 × 1.2
    assert result.vat_krw == 72_000


def test_market_lower_than_cost_is_ignored() -> None:
    result = final_price(
        PricingInputs(), cost=COST, market=approach("market", 1.0), value=NO_VALUE, grade="A"
    )
    assert result.base_from == "cost"
    assert result.price_krw == 523_000


@pytest.mark.parametrize(
    ("cap_on", "expected", "capped"), [(True, 400_000, True), (False, 523_000, False)]
)
def test_value_caps_the_price(cap_on: bool, expected: int, capped: bool) -> None:
    inputs = PricingInputs(value_cap=cap_on)
    result = final_price(
        inputs, cost=COST, market=NO_MARKET, value=approach("value", 400_000.0), grade="A"
    )
    assert result.price_krw == expected
    assert result.capped is capped
    assert result.below_cost is capped


def test_value_above_price_does_not_raise_it() -> None:
    result = final_price(
        PricingInputs(), cost=COST, market=NO_MARKET, value=approach("value", 9e9), grade="A"
    )
    assert result.price_krw == 523_000
    assert not result.capped


def test_unrated_uses_its_multiplier() -> None:
    result = final_price(
        PricingInputs(), cost=COST, market=NO_MARKET, value=NO_VALUE, grade="unrated"
    )
    assert result.grade_multiplier == 0.7
    assert result.price_krw == 366_000  # 523,200 × 0.7 = 366,240


def test_unknown_grade_is_a_clear_error() -> None:
    with pytest.raises(PricingError, match="grade_multipliers") as info:
        final_price(PricingInputs(), cost=COST, market=NO_MARKET, value=NO_VALUE, grade="Platinum")
    assert "Platinum" in info.value.ko and "Platinum" in info.value.en


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (1_499.99, 1_000, 1_000),
        (1_500.0, 1_000, 2_000),
        (0.4, 1_000, 1_000),
        (0.0, 1_000, 0),
        (12_345.5, 1, 12_346),
        (12_345.49, 10, 12_350),
    ],
)
def test_rounding(amount: float, unit: int, expected: int) -> None:
    assert round_krw(amount, unit) == expected


@pytest.mark.parametrize(
    ("price", "rate", "expected"), [(1_234_567, 0.1, 123_456), (1_000, 0.1, 100), (9, 0.1, 0)]
)
def test_vat_cuts_fractions_of_a_won(price: int, rate: float, expected: int) -> None:
    assert vat_of(price, rate) == expected
