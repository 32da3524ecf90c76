"""Suppliers, solutions and demands as data (pydantic, frozen, unknown keys refused).

Facets (problem types, process families, product kinds, regions) are free words compared after
NFC normalisation and case folding, so ``Injection_Molding`` = ``injection_molding``; the staff's
vocabulary lives in the data, not in code. Prices are in KRW (원), without VAT.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def folded(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(v) for v in values if fold(v))


def no_control(value: Any) -> Any:
    """Refuse NUL and other control characters in any text (a database cannot store NUL)."""
    if isinstance(value, str):
        if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
            raise ValueError("control characters are not allowed in text")
    elif isinstance(value, list | tuple):
        for v in value:
            no_control(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            no_control(k)
            no_control(v)
    return value


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _text_is_clean(cls, data: Any) -> Any:
        return no_control(data)


Key = Annotated[str, Field(min_length=1, max_length=100)]
Name = Annotated[str, Field(min_length=1, max_length=300)]


class Deployment(StrEnum):
    ON_PREMISE = "on_premise"
    CLOUD = "cloud"


class ReviewStatus(StrEnum):
    """Supplier onboarding: a supplier applies, staff review, only approved ones are matched."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Certification(Frozen):
    name: str  # e.g. "GS 인증 1등급"
    expires: dt.date | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.expires is None or self.expires >= day


class Solution(Frozen):
    id: Key
    name: Name
    description_ko: str = ""
    description_en: str = ""
    keywords: tuple[str, ...] = ()
    problem_types: tuple[str, ...] = ()
    process_families: tuple[str, ...] = ()
    product_kinds: tuple[str, ...] = ()
    deployment: tuple[Deployment, ...] = ()
    price_min_krw: Annotated[int, Field(ge=0)] = 0
    price_max_krw: Annotated[int, Field(ge=0)] | None = None
    certifications: tuple[Certification, ...] = ()
    references: tuple[str, ...] = ()  # linked PoCs and products (ids)

    @model_validator(mode="after")
    def _price_range(self) -> Solution:
        if self.price_max_krw is not None and self.price_max_krw < self.price_min_krw:
            raise ValueError("price_max_krw is below price_min_krw")
        return self

    def text(self) -> str:
        return " ".join((self.name, self.description_ko, self.description_en, *self.keywords))


class Supplier(Frozen):
    id: Key
    name: Name
    regions: tuple[str, ...] = ()  # where they deliver and support
    conflicts: tuple[str, ...] = ()  # companies they must not be proposed to (affiliates ...)
    status: ReviewStatus = ReviewStatus.APPROVED
    solutions: tuple[Solution, ...] = ()

    @model_validator(mode="after")
    def _unique_solutions(self) -> Supplier:
        keys = [s.id for s in self.solutions]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"solution {', '.join(twice)} listed twice")
        return self


class Catalogue(Frozen):
    suppliers: tuple[Supplier, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        seen: set[str] = set()
        for s in self.suppliers:
            if s.id in seen:
                raise ValueError(f"supplier {s.id} listed twice")
            seen.add(s.id)
        return self


class Demand(Frozen):
    """What a manufacturer needs: a typed request, a survey answer or a testbed's problem."""

    company: Annotated[str, Field(min_length=1, max_length=200)]
    title: str = ""
    text: str = ""
    region: str | None = None
    region_required: bool = False
    process_family: str | None = None
    problem_type: str | None = None
    product_kind: str | None = None
    deployment: Deployment | None = None
    budget_krw: Annotated[int, Field(ge=0)] | None = None
    exclude_suppliers: tuple[str, ...] = ()  # the company's own conflicts of interest
    on: dt.date | None = None  # the day certifications are checked on (default: today)
