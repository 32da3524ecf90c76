"""Open API price list: monotone, sub-additive, per-row price non-increasing (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.pricing.api_prices import PriceList, Tier, build_price_list, price_examples
from mfgdata.pricing.inputs import ApiInputs

ROWS = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def price_lists(draw: st.DrawFn) -> PriceList:
    bounds = sorted(draw(st.sets(st.integers(1, 2_000_000), max_size=5)))
    rates = sorted(
        draw(
            st.lists(
                st.decimals(0, 100, places=4), min_size=len(bounds) + 1, max_size=len(bounds) + 1
            )
        ),
        reverse=True,
    )
    starts = [0, *bounds]
    ends: list[int | None] = [*bounds, None]
    tiers = tuple(Tier(s, e, r) for s, e, r in zip(starts, ends, rates, strict=True))
    fee = draw(st.decimals(0, 1_000, places=2))
    cap = draw(st.decimals(0, 10**9, places=2))
    return PriceList(call_fee=fee, tiers=tiers, cap=cap)


@st.composite
def built_lists(draw: st.DrawFn) -> PriceList:
    api = ApiInputs(
        call_fee_krw=draw(st.sampled_from([0, 1, 10, 55.5])),
        tier_rows=tuple(sorted(draw(st.sets(st.integers(1, 10**6), min_size=1, max_size=5)))),
        tier_decay=draw(st.floats(0.05, 1.0)),
        significant_digits=draw(st.integers(1, 6)),
    )
    full = draw(st.integers(0, 10**9))
    rows = draw(st.integers(0, 10**7))
    return build_price_list(float(full), rows, api)


ANY_LIST = st.one_of(price_lists(), built_lists())


@settings(max_examples=300, deadline=None)
@given(ANY_LIST, ROWS, ROWS)
def test_monotone_more_rows_never_cheaper(pl: PriceList, a: int, b: int) -> None:
    n, m = sorted((a, b))
    assert pl.price(n) <= pl.price(m)


@settings(max_examples=300, deadline=None)
@given(ANY_LIST, ROWS, ROWS)
def test_subadditive_splitting_never_pays(pl: PriceList, a: int, b: int) -> None:
    assert pl.price(a + b) <= pl.price(a) + pl.price(b)


@settings(max_examples=300, deadline=None)
@given(ANY_LIST, st.integers(1, 5_000_000), st.integers(1, 5_000_000))
def test_per_row_price_non_increasing(pl: PriceList, a: int, b: int) -> None:
    n, m = sorted((a, b))
    # price(n)/n >= price(m)/m, compared exactly by cross-multiplying
    assert pl.price(n) * m >= pl.price(m) * n


def test_calibrated_list_matches_full_price() -> None:
    pl = build_price_list(628_000.0, 50_000, ApiInputs())
    assert pl.call_fee == Decimal(10)
    assert [t.rate for t in pl.tiers] == [
        Decimal("40.52"),
        Decimal("20.26"),
        Decimal("10.13"),
        Decimal("5.064"),
        Decimal("2.532"),
    ]
    assert pl.price(50_000) == Decimal(628_000)  # capped at the full-table price
    assert pl.price(0) == 0
    assert pl.price(1) == Decimal("50.52")
    assert pl.price(1_000) == Decimal("40530.00")
    examples = price_examples(pl, 50_000)
    assert [e["rows"] for e in examples] == [1, 10, 100, 1_000, 10_000, 50_000]
    assert examples[-1]["krw_per_row"] == 12.56


def test_fee_larger_than_full_price() -> None:
    pl = build_price_list(5.0, 100, ApiInputs(call_fee_krw=10))
    assert pl.call_fee == Decimal(5)
    assert pl.price(1) == pl.price(100) == Decimal(5)


@pytest.mark.parametrize(
    "tiers",
    [
        (Tier(0, 10, Decimal(1)), Tier(10, None, Decimal(2))),  # rate rises
        (Tier(0, 10, Decimal(2)), Tier(11, None, Decimal(1))),  # gap
        (Tier(1, None, Decimal(1)),),  # does not start at 0
        (Tier(0, 10, Decimal(1)),),  # bounded last tier
        (Tier(0, None, Decimal(-1)),),  # negative rate
    ],
)
def test_invalid_price_lists_are_rejected(tiers: tuple[Tier, ...]) -> None:
    with pytest.raises(ValueError):
        PriceList(call_fee=Decimal(0), tiers=tiers, cap=Decimal(100))
