"""Budget checks on an application's budget table, by the call's budget rules (data).

Amounts are whole KRW; shares are compared exactly (``Decimal``), never as floats. Every breach
is a :class:`Reason` in ko/en; :func:`ensure_budget` raises them all at once as a BudgetError.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from mfgdata.programs.errors import ProgramError
from mfgdata.programs.models import (
    CallTemplate,
    Frozen,
    FullBudget,
    GrantBudget,
    MatchingBudget,
    Reason,
)

KRW = Annotated[int, Field(ge=0)]


class BudgetError(ProgramError):
    code = "budget_error"


class BudgetPlan(Frozen):
    """One application's budget table for one track of the call.

    ``government`` is the grant (national money for the regional center, per year); ``cash`` and
    ``in_kind`` are the applicant's own share (for the regional center: local government and
    private matching, in-kind meaning labour and computing).
    """

    track: str
    government: KRW
    cash: KRW = 0
    in_kind: KRW = 0
    applying_alone: bool = False


def _won(n: int | Decimal) -> str:
    return f"{int(n):,}"


def _r(code: str, ko: str, en: str) -> Reason:
    return Reason(code=code, ko=ko, en=en)


def _over_cap(code: str, what: tuple[str, str], amount: int, cap: int) -> Reason | None:
    if amount <= cap:
        return None
    return _r(
        code,
        f"{what[0]} {_won(amount)}원이 한도 {_won(cap)}원을 넘습니다",
        f"{what[1]} {_won(amount)} KRW exceeds the cap of {_won(cap)} KRW",
    )


def _share(
    code: str, what: tuple[str, str, str, str], part: int, whole: int, limit: Decimal, *, most: bool
) -> Reason | None:
    """``part`` must be at most (``most``) or at least ``limit`` × ``whole``."""
    bound = limit * Decimal(whole)
    if (Decimal(part) <= bound) if most else (Decimal(part) >= bound):
        return None
    ko_op, en_op = ("를 넘습니다", "above") if most else (" 미만입니다", "below")
    return _r(
        code,
        f"{what[0]} {_won(part)}원이 {what[2]}의 {limit:.0%}{ko_op}",
        f"{what[1]} {_won(part)} KRW is {en_op} {limit:.0%} of {what[3]}",
    )


GOV = ("정부지원금", "government grant", "총사업비", "the total")
COMPANY = ("기업부담금", "company share", "총사업비", "the total")
CASH = ("현금 부담", "cash", "기업부담금", "the company share")
IN_KIND = ("현물 부담", "in-kind", "기업부담금", "the company share")
MATCH_IN_KIND = ("현물(인건비·컴퓨팅)", "in-kind (labour, computing)", "대응자금", "the matching")


def _grant(rule: GrantBudget, p: BudgetPlan) -> list[Reason | None]:
    total, company = p.government + p.cash + p.in_kind, p.cash + p.in_kind
    out = [
        _over_cap("government_cap", (GOV[0], GOV[1]), p.government, rule.max_government),
        _share("government_share", GOV, p.government, total, rule.max_government_share, most=True),
        _share("company_share", COMPANY, company, total, rule.min_company_share, most=False),
        _share("cash_share", CASH, p.cash, company, rule.min_cash_share_of_company, most=False),
    ]
    if p.applying_alone and not rule.in_kind_when_alone and p.in_kind:
        out.append(
            _r(
                "in_kind_alone",
                "단독 신청 기업은 현물 부담을 할 수 없습니다",
                "a company applying alone cannot contribute in kind",
            )
        )
    else:
        limit = rule.max_in_kind_share_of_company
        out.append(_share("in_kind_share", IN_KIND, p.in_kind, company, limit, most=True))
        out.append(_over_cap("in_kind_cap", (IN_KIND[0], IN_KIND[1]), p.in_kind, rule.max_in_kind))
    return out


def _matching(rule: MatchingBudget, p: BudgetPlan) -> list[Reason | None]:
    matching = p.cash + p.in_kind
    out = [
        _over_cap(
            "national_cap", ("국비(연간)", "national funding a year"), p.government,
            rule.max_national_per_year,
        ),
        _share(
            "in_kind_share", MATCH_IN_KIND, p.in_kind, matching,
            rule.max_in_kind_share_of_matching, most=True,
        ),
    ]  # fmt: skip
    if matching < rule.min_matching:
        out.append(
            _r(
                "matching_min",
                f"지방비·민간 대응자금 {_won(matching)}원이 최소 {_won(rule.min_matching)}원에"
                " 못 미칩니다",
                f"local and private matching {_won(matching)} KRW is below"
                f" {_won(rule.min_matching)} KRW",
            )
        )
    return out


def budget_reasons(template: CallTemplate, plan: BudgetPlan) -> list[Reason]:
    """Every rule of the plan's track that the plan breaks; empty means the table is fine."""
    rule = next((b for b in template.budget if b.track == plan.track), None)
    if rule is None:
        tracks = ", ".join(b.track for b in template.budget) or "-"
        raise BudgetError(
            f"이 공고에 없는 예산 유형입니다: {plan.track} (유형: {tracks})",
            f"unknown budget track '{plan.track}' for {template.name} (tracks: {tracks})",
        )
    if plan.government + plan.cash + plan.in_kind == 0:
        return [_r("empty", "사업비가 0원입니다", "the budget is zero")]
    if isinstance(rule, GrantBudget):
        found = _grant(rule, plan)
    elif isinstance(rule, FullBudget):
        found = [
            _over_cap("government_cap", ("지원금", "funding"), plan.government, rule.max_government)
        ]
    else:
        found = _matching(rule, plan)
    return [r for r in found if r is not None]


def ensure_budget(template: CallTemplate, plan: BudgetPlan) -> None:
    """Raise one :class:`BudgetError` listing every breach (ko; en)."""
    reasons = budget_reasons(template, plan)
    if reasons:
        raise BudgetError("; ".join(r.ko for r in reasons), "; ".join(r.en for r in reasons))
