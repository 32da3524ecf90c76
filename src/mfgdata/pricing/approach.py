"""The record every pricing approach returns, and KRW formatting shared by the approaches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Approach:
    """One approach: its formula in symbols and with the numbers substituted, and its result.

    ``price_krw`` is None when the approach is not applicable; ``reason_ko``/``reason_en`` say why.
    """

    name: str
    applicable: bool
    formula: str
    substituted: str = ""
    price_krw: float | None = None
    reason_ko: str = ""
    reason_en: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "applicable": self.applicable,
            "formula": self.formula,
            "substituted": self.substituted,
            "price_krw": self.price_krw,
            "reason_ko": self.reason_ko,
            "reason_en": self.reason_en,
            "details": dict(self.details),
        }


def cents(x: float) -> float:
    """``x`` rounded half-up to 0.01 KRW: intermediate results are kept at this precision."""
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def won(x: float | Decimal) -> str:
    """KRW for people: thousands separators, decimals only when there are any (up to 4)."""
    d = Decimal(repr(x)) if isinstance(x, float) else x
    text = f"{d:,.4f}".rstrip("0").rstrip(".")
    return text


def num(x: float) -> str:
    """A plain factor or ratio, up to 6 significant digits."""
    return f"{x:.6g}"
