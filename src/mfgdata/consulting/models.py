"""The records of 1:1 consulting: who can advise, who asks, and what the assignment decided."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


def norm(text: str) -> str:
    """Names are compared NFC, stripped; fields and regions also case-folded (``AI`` = ``ai``)."""
    return unicodedata.normalize("NFC", text).strip()


def key(text: str) -> str:
    return norm(text).casefold()


@dataclass(frozen=True)
class Expert:
    """An expert: fields and regions covered, how many companies, whom they may not advise."""

    name: str
    fields: frozenset[str]
    regions: frozenset[str]
    capacity: int
    conflicts: frozenset[str] = field(default_factory=frozenset)

    def covers(self, field_name: str) -> bool:
        return key(field_name) in {key(f) for f in self.fields}

    def serves(self, region: str) -> bool:
        return key(region) in {key(r) for r in self.regions}

    def conflicts_with(self, company: str) -> bool:
        return norm(company) in {norm(c) for c in self.conflicts}


@dataclass(frozen=True)
class ConsultRequest:
    """A company's application: the field it needs advice in and where it is."""

    company: str
    field: str
    region: str


@dataclass(frozen=True)
class Pair:
    company: str
    expert: str
    score: int
    accepted: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "company": self.company,
            "expert": self.expert,
            "score": self.score,
            "accepted": self.accepted,
        }


@dataclass(frozen=True)
class Unassigned:
    company: str
    reason_code: str
    reason_ko: str
    reason_en: str

    def to_dict(self) -> dict[str, object]:
        return {
            "company": self.company,
            "reason": self.reason_code,
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
        }


@dataclass(frozen=True)
class Assignment:
    pairs: tuple[Pair, ...]
    unassigned: tuple[Unassigned, ...]

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.pairs)

    def to_dict(self) -> dict[str, object]:
        return {
            "pairs": [p.to_dict() for p in self.pairs],
            "unassigned": [u.to_dict() for u in self.unassigned],
            "total_score": self.total_score,
            "assigned": len(self.pairs),
        }
