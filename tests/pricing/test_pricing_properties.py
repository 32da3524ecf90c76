"""Prices follow the product: monotone in size and grade, and different for different products.

Each case prices a product from its measured work with the default inputs (the issue: every
product cost ₩523,000 whatever its size), with and without published comparables.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.pricing.cost import cost_price
from mfgdata.pricing.final import final_price
from mfgdata.pricing.inputs import PricingInputs
from mfgdata.pricing.library import Comparable, Lookup
from mfgdata.pricing.market import market_price
from mfgdata.pricing.value import value_price
from mfgdata.pricing.work import Work

DEFAULTS = PricingInputs()
GRADES = ("A", "B", "C", "F")


def work_of(rows: int, columns: int, *, cleaned: float = 0.02, seconds: float = 5.0) -> Work:
    """A build's work where everything scales with the table, as in a real build."""
    cells = rows * columns
    return Work(
        raw_rows=rows,
        raw_columns=columns,
        raw_bytes=cells * 9,
        rows=rows,
        columns=columns,
        rows_removed=0,
        cells_cleaned=int(cells * cleaned),
        columns_standardized=columns // 2,
        models=1,
        model_seconds=seconds,
        step_seconds={"ingest": seconds, "model": seconds},
        sources={},
    )


def catalog(*comps: Comparable) -> Lookup:
    return Lookup(
        database="sqlite:mfgdata.db",
        status="ok",
        process_family="press",
        data_type="timeseries",
        comparables=comps,
    )


def comparable(price: float, rows: int, columns: int, grade: str = "B") -> Comparable:
    return Comparable(
        folder=f"press-{rows}@1",
        title="Press line",
        price_krw=price,
        grade=grade,
        licence="internal-use",
        access_mode="download",
        rows=rows,
        columns=columns,
        created=date(2026, 6, 1),
        source="library",
    )


def price(work: Work, grade: str = "A", lookup: Lookup | None = None) -> int:
    cost = cost_price(DEFAULTS, work)
    market = market_price(DEFAULTS, None, rows=work.rows, columns=work.columns, catalog=lookup)
    value = value_price(DEFAULTS, None)
    return final_price(DEFAULTS, cost=cost, market=market, value=value, grade=grade).price_krw


rows_st = st.integers(min_value=100, max_value=2_000_000)
cols_st = st.integers(min_value=3, max_value=200)


def test_the_issue_products_get_different_prices() -> None:
    """176 × 10 batch table vs 20,631 × 26 run-to-failure set, default inputs."""
    small = price(work_of(176, 10))
    large = price(work_of(20_631, 26))
    assert small != 523_000 and large != 523_000
    assert large > 2 * small


@settings(max_examples=200, deadline=None)
@given(rows=rows_st, columns=cols_st, grow=st.integers(min_value=0, max_value=5_000_000))
def test_monotone_in_rows(rows: int, columns: int, grow: int) -> None:
    assert price(work_of(rows, columns)) <= price(work_of(rows + grow, columns))


@settings(max_examples=200, deadline=None)
@given(rows=rows_st, columns=cols_st, factor=st.integers(min_value=50, max_value=500))
def test_fifty_times_the_rows_costs_more(rows: int, columns: int, factor: int) -> None:
    assert price(work_of(rows * factor, columns)) > price(work_of(rows, columns))


@settings(max_examples=200, deadline=None)
@given(rows=rows_st, columns=st.integers(min_value=2, max_value=20))
def test_fifty_times_the_columns_costs_more(rows: int, columns: int) -> None:
    assert price(work_of(rows, columns * 50)) > price(work_of(rows, columns))


@settings(max_examples=200, deadline=None)
@given(rows=rows_st, columns=cols_st, with_market=st.booleans())
def test_monotone_and_strict_in_grade(rows: int, columns: int, with_market: bool) -> None:
    lookup = catalog(comparable(2_000_000, 50_000, 20)) if with_market else None
    prices = [price(work_of(rows, columns), g, lookup) for g in GRADES]
    assert prices == sorted(prices, reverse=True)
    assert len(set(prices)) == len(GRADES)  # a full grade apart is never the same price


@settings(max_examples=150, deadline=None)
@given(
    rows=rows_st,
    columns=cols_st,
    grow=st.integers(min_value=1, max_value=5_000_000),
    comp_price=st.integers(min_value=10_000, max_value=500_000_000),
    comp_rows=st.integers(min_value=10, max_value=5_000_000),
    comp_grade=st.sampled_from(GRADES),
)
def test_monotone_in_size_with_comparables(
    rows: int, columns: int, grow: int, comp_price: int, comp_rows: int, comp_grade: str
) -> None:
    lookup = catalog(
        comparable(comp_price, comp_rows, 12, comp_grade), comparable(900_000, 3_000, 8)
    )
    small = price(work_of(rows, columns), "B", lookup)
    big = price(work_of(rows + grow, columns), "B", lookup)
    assert small <= big


@settings(max_examples=100, deadline=None)
@given(rows=rows_st, columns=cols_st, more=st.integers(min_value=0, max_value=10**7))
def test_more_cleaning_never_costs_less(rows: int, columns: int, more: int) -> None:
    base = work_of(rows, columns)
    cleaned = replace(base, cells_cleaned=base.cells_cleaned + more)
    assert price(base) <= price(cleaned)
