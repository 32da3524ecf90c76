"""Requirement review: exclusion rules with reasons, document windows and the 17:00 deadline."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mfgdata.programs.dates import DeadlinePassed, ensure_on_time, is_on_time, months_before
from mfgdata.programs.eligibility import CompanyFacts, document_reasons, exclusion_reasons
from mfgdata.programs.errors import ProgramError
from tests.programs.sheets import PRODUCT, REGIONAL

DEADLINE = dt.date(2025, 3, 31)
SEOUL = ZoneInfo("Asia/Seoul")


def company(**facts: object) -> CompanyFacts:
    return CompanyFacts.model_validate(
        {"name": "(주)가나정밀", "founded": dt.date(2010, 5, 1), **facts}
    )


def test_a_clean_company_is_eligible_for_both_calls() -> None:
    assert exclusion_reasons(REGIONAL, company(), DEADLINE) == []
    assert exclusion_reasons(PRODUCT, company(audit_opinion="qualified"), DEADLINE) == []


@pytest.mark.parametrize(
    ("founded", "excluded"),
    [
        (dt.date(2018, 4, 1), False),  # 6 years 364 days before the deadline: exempt
        (dt.date(2018, 3, 31), True),  # exactly 7 years: no longer < 7
        (dt.date(2010, 5, 1), True),
    ],
)
def test_capital_impairment_exception_for_young_companies(founded: dt.date, excluded: bool) -> None:
    reasons = exclusion_reasons(
        PRODUCT, company(founded=founded, capital_impairment="complete"), DEADLINE
    )
    assert [r.code for r in reasons] == (["capital_impairment"] if excluded else [])
    if excluded:
        assert "완전 자본잠식" in reasons[0].ko and "capital impairment" in reasons[0].en


def test_partial_impairment_is_not_an_exclusion() -> None:
    assert exclusion_reasons(PRODUCT, company(capital_impairment="partial"), DEADLINE) == []


def test_productization_adds_bankruptcy_and_audit_opinion() -> None:
    bad = company(rehabilitation_filing=True, audit_opinion="disclaimer", tax_arrears=True)
    assert [r.code for r in exclusion_reasons(PRODUCT, bad, DEADLINE)] == [
        "tax_arrears",
        "bankruptcy_or_rehabilitation",
        "adverse_audit_opinion",
    ]
    assert [r.code for r in exclusion_reasons(REGIONAL, bad, DEADLINE)] == ["tax_arrears"]
    (r,) = exclusion_reasons(PRODUCT, company(business_status="closed"), DEADLINE)
    assert str(r) == "폐업 중인 사업자 / business closed"


def test_document_windows() -> None:
    assert months_before(DEADLINE, 1) == dt.date(2025, 2, 28)
    issued = {
        "business_registration": dt.date(2025, 2, 28),  # first valid day
        "national_tax_clearance": dt.date(2025, 2, 27),  # one day too old
        "corporate_register": dt.date(2024, 12, 31),  # 3 months: first valid day
        "local_tax_clearance": dt.date(2025, 4, 1),  # after the deadline
    }
    reasons = document_reasons(PRODUCT, issued, DEADLINE)
    assert [r.code for r in reasons] == [
        "stale:national_tax_clearance",
        "stale:local_tax_clearance",
    ]
    assert "국세 납세증명서" in reasons[0].ko and "2025-02-28" in reasons[0].en
    missing = document_reasons(REGIONAL, {}, DEADLINE)
    assert [r.code for r in missing][:1] == ["missing:business_registration"]


@pytest.mark.parametrize(
    ("submitted", "on_time"),
    [
        (dt.datetime(2025, 3, 31, 16, 59, 59, 999999, tzinfo=SEOUL), True),
        (dt.datetime(2025, 3, 31, 17, 0, 0, tzinfo=SEOUL), False),  # 17:00:00 is late
        (dt.datetime(2025, 3, 31, 7, 59, 59, tzinfo=dt.UTC), True),
        (dt.datetime(2025, 3, 31, 8, 0, 0, tzinfo=dt.UTC), False),  # = 17:00 in Seoul
    ],
)
def test_deadline_at_five_pm_seoul(submitted: dt.datetime, on_time: bool) -> None:
    assert is_on_time(PRODUCT, DEADLINE, submitted) is on_time


def test_late_and_naive_submissions_are_refused_with_reasons() -> None:
    with pytest.raises(DeadlinePassed) as e:
        ensure_on_time(REGIONAL, DEADLINE, dt.datetime(2025, 3, 31, 8, 0, tzinfo=dt.UTC))
    assert "2025-03-31 17:00:00" in e.value.en and e.value.status_code == 409
    with pytest.raises(ProgramError, match="no time zone"):
        is_on_time(REGIONAL, DEADLINE, dt.datetime(2025, 3, 31, 16, 0))
