"""Budget tables against the calls' budget rules: the exact edges pass, one won over fails."""

from __future__ import annotations

import pytest

from mfgdata.programs.budget import BudgetError, BudgetPlan, budget_reasons, ensure_budget
from tests.programs.sheets import PRODUCT, REGIONAL

M = 1_000_000
BN = 1_000_000_000


def codes(template, **plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.code for r in budget_reasons(template, BudgetPlan(**plan))]


def test_productization_the_largest_allowed_table_passes() -> None:
    # 50 M grant = 80 % of 62.5 M; company 12.5 M = 20 %, cash 1.25 M = 10 %, in-kind 11.25 M = 90 %
    plan = dict(track="productization", government=50 * M, cash=1_250_000, in_kind=11_250_000)
    assert codes(PRODUCT, **plan) == []


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (
            dict(government=50 * M + 1, cash=1_250_000, in_kind=11_250_000),
            ["government_cap", "government_share", "company_share"],
        ),
        (dict(government=40 * M, cash=900_000, in_kind=9_100_000), ["cash_share", "in_kind_share"]),
        # 40/49 = 81.6 % of the total: the grant share and the company share both break
        (dict(government=40 * M, cash=9 * M), ["government_share", "company_share"]),
        (dict(government=50 * M, cash=1_500_000, in_kind=11_500_000), ["in_kind_cap"]),
        (
            dict(government=40 * M, cash=5 * M, in_kind=5 * M, applying_alone=True),
            ["in_kind_alone"],
        ),
        (dict(government=40 * M, cash=10 * M, applying_alone=True), []),
    ],
)
def test_productization_breaches(plan: dict, expected: list[str]) -> None:  # type: ignore[type-arg]
    assert codes(PRODUCT, track="productization", **plan) == expected


def test_consulting_is_fully_funded_up_to_five_million() -> None:
    assert codes(PRODUCT, track="consulting", government=5 * M) == []
    assert codes(PRODUCT, track="consulting", government=5 * M + 1) == ["government_cap"]


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (dict(government=2 * BN, cash=1_600 * M, in_kind=400 * M), []),
        (dict(government=2 * BN, cash=1_500 * M, in_kind=500 * M), ["in_kind_share"]),
        (dict(government=2 * BN, cash=1_900 * M), ["matching_min"]),
        (dict(government=2_100 * M, cash=2 * BN), ["national_cap"]),
    ],
)
def test_regional_center_matching(plan: dict, expected: list[str]) -> None:  # type: ignore[type-arg]
    assert codes(REGIONAL, track="center", **plan) == expected


def test_messages_are_ko_en_and_name_the_amounts() -> None:
    plan = BudgetPlan(track="productization", government=60 * M, cash=15 * M)
    with pytest.raises(BudgetError) as e:
        ensure_budget(PRODUCT, plan)
    assert "정부지원금 60,000,000원이 한도 50,000,000원을 넘습니다" in e.value.ko
    assert "government grant 60,000,000 KRW exceeds the cap of 50,000,000 KRW" in e.value.en


def test_unknown_track_and_negative_amounts_are_refused() -> None:
    with pytest.raises(BudgetError, match="unknown budget track 'consulting'"):
        budget_reasons(REGIONAL, BudgetPlan(track="consulting", government=1))
    with pytest.raises(ValueError):
        BudgetPlan(track="productization", government=-1)
