"""A call (공고) as data: pydantic models for the template files in ``templates/``.

The engine reads these; nothing about a particular call is written in code. A template is
checked when it is loaded: weights add up to 100, the tie-break order names known categories,
the cut-off lies within the scale.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Aggregation(StrEnum):
    """How the evaluators' totals become one score."""

    MEAN = "mean"  # arithmetic mean
    TRIMMED_MEAN = "trimmed_mean"  # drop one highest and one lowest, then the mean


class Category(Frozen):
    name: str  # the call's own Korean name, used in score sheets
    en: str
    weight: Annotated[int, Field(gt=0, le=100)]


class Evaluation(Frozen):
    panel_size: Annotated[int, Field(ge=1)]
    aggregation: Aggregation
    cutoff: Decimal
    cutoff_applies_to: Literal["score", "final"] = "score"
    tie_break: tuple[str, ...]
    appeals: Annotated[int, Field(ge=0)] = 1


class BonusItem(Frozen):
    id: str
    ko: str
    en: str
    points: Annotated[Decimal, Field(gt=0)]


class SiteCheckItem(Frozen):
    id: str
    ko: str
    en: str


class DocumentRule(Frozen):
    id: str
    ko: str
    en: str
    valid_months: Annotated[
        int, Field(ge=1, le=12)
    ]  # issued within this many months of the deadline
    #: consortium roles that must hand it in (lead company, participants, demand companies)
    roles: tuple[Literal["lead", "participant", "demand"], ...] = ("lead", "participant")


class GrantBudget(Frozen):
    """Government grant with a company share split into cash and in-kind."""

    kind: Literal["grant"]
    track: str
    ko: str
    en: str
    max_government: int
    max_government_share: Decimal
    min_company_share: Decimal
    min_cash_share_of_company: Decimal
    max_in_kind_share_of_company: Decimal
    max_in_kind: int
    in_kind_when_alone: bool = False


class FullBudget(Frozen):
    """Fully funded, up to a ceiling (consulting)."""

    kind: Literal["full"]
    track: str
    ko: str
    en: str
    max_government: int


class MatchingBudget(Frozen):
    """National money per year with local government + private matching."""

    kind: Literal["matching"]
    track: str
    ko: str
    en: str
    max_national_per_year: int
    min_matching: int
    max_in_kind_share_of_matching: Decimal


BudgetRule = Annotated[GrantBudget | FullBudget | MatchingBudget, Field(discriminator="kind")]

ExclusionId = Literal[
    "business_suspended_or_closed",
    "tax_arrears",
    "capital_impairment",
    "restricted_industry",
    "sanctioned",
    "bankruptcy_or_rehabilitation",
    "adverse_audit_opinion",
]


class Deadline(Frozen):
    time: dt.time
    timezone: str = "Asia/Seoul"

    def on(self, day: dt.date) -> dt.datetime:
        """The closing instant on ``day`` (aware, in the call's time zone)."""
        return dt.datetime.combine(day, self.time, tzinfo=ZoneInfo(self.timezone))


class CallTemplate(Frozen):
    name: str
    title_ko: str
    title_en: str
    categories: tuple[Category, ...]
    evaluation: Evaluation
    bonus_items: tuple[BonusItem, ...] = ()
    site_check_items: tuple[SiteCheckItem, ...] = ()
    exclusions: tuple[ExclusionId, ...]
    capital_impairment_exempt_years: int = 7
    documents: tuple[DocumentRule, ...] = ()
    budget: tuple[BudgetRule, ...] = ()
    deadline: Deadline

    @model_validator(mode="after")
    def _consistent(self) -> CallTemplate:
        names = [c.name for c in self.categories]
        if len(set(names)) != len(names):
            raise ValueError("category names repeat")
        if sum(c.weight for c in self.categories) != 100:
            raise ValueError("category weights must add up to 100")
        unknown = [n for n in self.evaluation.tie_break if n not in names]
        if unknown:
            raise ValueError(f"tie_break names unknown categories: {unknown}")
        if not Decimal(0) < self.evaluation.cutoff <= Decimal(100):
            raise ValueError("cutoff must lie in (0, 100]")
        if (
            self.evaluation.aggregation is Aggregation.TRIMMED_MEAN
            and self.evaluation.panel_size < 3
        ):
            raise ValueError("a trimmed mean needs a panel of at least 3")
        for group in (self.bonus_items, self.site_check_items, self.documents, self.budget):
            keys = [getattr(x, "id", None) or getattr(x, "track", None) for x in group]
            if len(set(keys)) != len(keys):
                raise ValueError(f"ids repeat: {keys}")
        return self

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)


class Reason(Frozen):
    """Why an application fails a rule: a stable code and the user-facing text in ko/en."""

    code: str
    ko: str
    en: str

    def __str__(self) -> str:
        return f"{self.ko} / {self.en}"
