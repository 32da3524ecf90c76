"""Requirement review: a company's facts against the call's exclusion rules and documents.

Which rules apply is data (``exclusions`` in the template); what each rule means is here, once.
Every failure is a :class:`Reason` with ko/en text, so staff and applicants read the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Literal

from mfgdata.programs.dates import months_before, years_before
from mfgdata.programs.models import CallTemplate, ExclusionId, Frozen, Reason


class CompanyFacts(Frozen):
    """What the review needs to know about one applicant company."""

    name: str
    founded: dt.date
    business_status: Literal["active", "suspended", "closed"] = "active"
    tax_arrears: bool = False
    capital_impairment: Literal["none", "partial", "complete"] = "none"
    restricted_industry: bool = False
    sanctioned: bool = False
    bankruptcy_filing: bool = False
    rehabilitation_filing: bool = False
    audit_opinion: Literal["unqualified", "qualified", "adverse", "disclaimer"] | None = None


Check = Callable[[CompanyFacts, CallTemplate, dt.date], Reason | None]


def _r(code: str, ko: str, en: str) -> Reason:
    return Reason(code=code, ko=ko, en=en)


def _closed(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if c.business_status == "active":
        return None
    ko = "휴업" if c.business_status == "suspended" else "폐업"
    return _r("business_suspended_or_closed", f"{ko} 중인 사업자", f"business {c.business_status}")


def _tax(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    return _r("tax_arrears", "국세·지방세 체납", "tax arrears") if c.tax_arrears else None


def _capital(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if c.capital_impairment != "complete":
        return None
    limit = years_before(day, t.capital_impairment_exempt_years)
    if c.founded > limit:  # younger than N years at the deadline: exempt
        return None
    years = t.capital_impairment_exempt_years
    return _r(
        "capital_impairment",
        f"완전 자본잠식 (설립 {years}년 미만 예외에 해당하지 않음: 설립 {c.founded})",
        f"complete capital impairment (not founded within {years} years: founded {c.founded})",
    )


def _restricted(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if not c.restricted_industry:
        return None
    return _r("restricted_industry", "지원 제외 업종", "restricted industry")


def _sanctioned(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if not c.sanctioned:
        return None
    return _r("sanctioned", "참여 제한 (제재) 중", "under a participation sanction")


def _bankruptcy(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if not (c.bankruptcy_filing or c.rehabilitation_filing):
        return None
    return _r(
        "bankruptcy_or_rehabilitation",
        "파산·회생 절차 신청",
        "bankruptcy or rehabilitation filing",
    )


def _audit(c: CompanyFacts, t: CallTemplate, day: dt.date) -> Reason | None:
    if c.audit_opinion not in ("adverse", "disclaimer"):
        return None
    ko = "부적정" if c.audit_opinion == "adverse" else "의견거절"
    return _r("adverse_audit_opinion", f"감사의견 {ko}", f"auditor's {c.audit_opinion} opinion")


CHECKS: dict[ExclusionId, Check] = {
    "business_suspended_or_closed": _closed,
    "tax_arrears": _tax,
    "capital_impairment": _capital,
    "restricted_industry": _restricted,
    "sanctioned": _sanctioned,
    "bankruptcy_or_rehabilitation": _bankruptcy,
    "adverse_audit_opinion": _audit,
}


def exclusion_reasons(
    template: CallTemplate, company: CompanyFacts, deadline_day: dt.date
) -> list[Reason]:
    """The call's exclusion rules this company meets; empty means eligible."""
    found = (CHECKS[rule](company, template, deadline_day) for rule in template.exclusions)
    return [r for r in found if r is not None]


def document_reasons(
    template: CallTemplate, issued: Mapping[str, dt.date], deadline_day: dt.date
) -> list[Reason]:
    """Missing documents and documents issued outside their window before the deadline.

    A document valid for N months must be issued on or after the same day N months before the
    deadline day, and not after the deadline day.
    """
    reasons = []
    for doc in template.documents:
        day = issued.get(doc.id)
        if day is None:
            reasons.append(_r(f"missing:{doc.id}", f"{doc.ko} 미제출", f"{doc.en} missing"))
            continue
        earliest = months_before(deadline_day, doc.valid_months)
        if not earliest <= day <= deadline_day:
            reasons.append(
                _r(
                    f"stale:{doc.id}",
                    f"{doc.ko} 발급일 {day}이(가) 유효 기간({earliest}~{deadline_day}) 밖입니다",
                    f"{doc.en} issued {day}, outside {earliest}..{deadline_day}"
                    f" ({doc.valid_months} month(s) before the deadline)",
                )
            )
    unknown = sorted(set(issued) - {d.id for d in template.documents})
    reasons += [
        _r(f"unknown:{u}", f"이 공고에 없는 서류: {u}", f"not a document of this call: {u}")
        for u in unknown
    ]
    return reasons
