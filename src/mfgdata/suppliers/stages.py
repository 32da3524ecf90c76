"""The stages of a match, with the day each was reached, so the KPI dashboard can count them.

proposed (제안) → introduced (소개) → meeting (미팅) → PoC (실증) → contract (계약).
A match moves forward only; it may skip a stage (a contract without a PoC), never go back, never
repeat one, and a stage's day is never before the previous stage's day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from mfgdata.suppliers.errors import StageError, SupplierError


class Stage(StrEnum):
    PROPOSED = "proposed"
    INTRODUCED = "introduced"
    MEETING = "meeting"
    POC = "poc"
    CONTRACT = "contract"

    @property
    def order(self) -> int:
        return list(Stage).index(self)

    @property
    def ko(self) -> str:
        return LABELS[self][0]

    @property
    def en(self) -> str:
        return LABELS[self][1]


LABELS = {
    Stage.PROPOSED: ("제안", "proposed"),
    Stage.INTRODUCED: ("소개", "introduced"),
    Stage.MEETING: ("미팅", "meeting"),
    Stage.POC: ("실증(PoC)", "PoC"),
    Stage.CONTRACT: ("계약", "contract"),
}


def parse_stage(text: str) -> Stage:
    value = text.strip().lower()
    for s in Stage:
        if value in (s.value, s.ko.lower(), s.en.lower()):
            return s
    names = ", ".join(s.value for s in Stage)
    raise SupplierError(
        f"알 수 없는 단계입니다: {text} (가능: {names})", f"unknown stage: {text} ({names})"
    )


@dataclass(frozen=True)
class StageHistory:
    """The days a match reached each stage (the first one is always ``proposed``)."""

    days: tuple[tuple[Stage, dt.date], ...] = field(default_factory=tuple)

    @classmethod
    def proposed(cls, on: dt.date) -> StageHistory:
        return cls(((Stage.PROPOSED, on),))

    @property
    def current(self) -> Stage:
        return self.days[-1][0]

    def reached(self, stage: Stage) -> bool:
        """True once the match is at ``stage`` or later (a skipped stage counts as passed)."""
        return self.current.order >= stage.order

    def advance(self, stage: Stage, on: dt.date) -> StageHistory:
        current, last_day = self.days[-1]
        if stage.order <= current.order:
            raise StageError(
                f"단계는 앞으로만 갑니다: 지금 '{current.ko}', 요청 '{stage.ko}'",
                f"stages only move forward: now '{current.en}', asked '{stage.en}'",
            )
        if on < last_day:
            raise StageError(
                f"'{stage.ko}' 날짜 {on.isoformat()}가 '{current.ko}' 날짜"
                f" {last_day.isoformat()}보다 이릅니다",
                f"the {stage.en} day {on.isoformat()} is before the {current.en} day"
                f" {last_day.isoformat()}",
            )
        return replace(self, days=(*self.days, (stage, on)))

    def to_dict(self) -> dict[str, str]:
        return {s.value: d.isoformat() for s, d in self.days}
