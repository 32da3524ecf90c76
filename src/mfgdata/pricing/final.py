"""The final price rule (catalog §4.3), rounding to KRW and VAT shown separately.

P_base = max(P_cost, P_market)            (P_market only when comparables exist)
P      = P_base × G(grade) × L(licence) × A(access mode)
P      = min(P, P_value)                  (when the value approach applies and the cap is on)
price  = P rounded half-up to the rounding unit (never 0 when P > 0)
VAT    = ⌊price × vat_rate⌋ (원 미만 절사), total = price + VAT
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from mfgdata.pricing.approach import Approach, cents, num, won
from mfgdata.pricing.inputs import PricingError, PricingInputs

RULE_EN = (
    "P = min(max(P_cost, P_market) × G(grade) × L(licence) × A(access), P_value), "
    "rounded half-up to the rounding unit; VAT = ⌊P × VAT rate⌋ shown separately"
)
RULE_KO = (
    "P = min(max(원가법 가격, 시장법 가격) × 등급 계수 × 라이선스 계수 × 제공방식 계수, "
    "가치법 가격), 반올림 단위로 반올림; 부가가치세 = ⌊P × 세율⌋ 별도 표시"
)


@dataclass(frozen=True)
class FinalPrice:
    """The rule applied: every factor, the cap, the rounding and VAT, with the numbers."""

    base_krw: float
    base_from: str
    grade: str
    grade_multiplier: float
    licence: str
    licence_multiplier: float
    access_mode: str
    access_multiplier: float
    multiplied_krw: float
    value_cap_krw: float | None
    capped: bool
    below_cost: bool
    rounding_unit_krw: int
    price_krw: int
    vat_rate: float
    vat_krw: int
    total_krw: int
    lines: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lines"] = list(self.lines)
        d["rule_en"] = RULE_EN
        d["rule_ko"] = RULE_KO
        return d


def round_krw(amount: float, unit: int) -> int:
    """Half-up to a multiple of ``unit``; a positive amount never rounds to 0."""
    d = Decimal(repr(amount)) / unit
    rounded = int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * unit
    return unit if rounded == 0 and amount > 0 else rounded


def vat_of(price: int, rate: float) -> int:
    """VAT in whole won, fractions of a won cut off (원 미만 절사)."""
    return int((Decimal(price) * Decimal(repr(rate))).quantize(Decimal(1), rounding=ROUND_FLOOR))


def final_price(
    inputs: PricingInputs,
    *,
    cost: Approach,
    market: Approach,
    value: Approach,
    grade: str,
    access_mode: str | None = None,
) -> FinalPrice:
    """Apply the rule; ``access_mode`` None means the one in ``inputs``."""
    if grade not in inputs.grade_multipliers:
        raise PricingError(
            f"품질 등급 '{grade}' 의 가격 계수가 grade_multipliers 에 없습니다",
            f"quality grade '{grade}' has no multiplier in grade_multipliers",
            column="grade_multipliers",
        )
    mode = access_mode or inputs.access_mode
    if cost.price_krw is None:
        raise ValueError("the cost approach always gives a price")
    base, base_from = cost.price_krw, "cost"
    if market.applicable and market.price_krw is not None and market.price_krw > base:
        base, base_from = market.price_krw, "market"
    g = inputs.grade_multipliers[grade]
    lic = inputs.licence_multipliers[inputs.licence]
    acc = inputs.access_multipliers[mode]
    multiplied = cents(base * g * lic * acc)
    market_text = won(market.price_krw) if market.price_krw is not None else "n/a"
    lines = [
        f"P_base = max({won(cost.price_krw)}, {market_text}) = {won(base)} ({base_from})",
        f"P = {won(base)} × {num(g)} ({grade}) × {num(lic)} ({inputs.licence}) × {num(acc)} "
        f"({mode}) = {won(multiplied)}",
    ]
    cap = value.price_krw if value.applicable and inputs.value_cap else None
    capped = cap is not None and cap < multiplied
    amount = multiplied
    if cap is not None:
        amount = min(multiplied, cap)
        lines.append(f"P = min({won(multiplied)}, {won(cap)}) = {won(amount)}")
    unit = inputs.rounding_unit_krw
    price = round_krw(amount, unit)
    vat = vat_of(price, inputs.vat_rate)
    lines += [
        f"price = round_half_up({won(amount)} / {unit:,}) × {unit:,} = {price:,}",
        f"VAT = ⌊{price:,} × {num(inputs.vat_rate)}⌋ = {vat:,}; total = {price + vat:,}",
    ]
    return FinalPrice(
        base_krw=base,
        base_from=base_from,
        grade=grade,
        grade_multiplier=g,
        licence=inputs.licence,
        licence_multiplier=lic,
        access_mode=mode,
        access_multiplier=acc,
        multiplied_krw=multiplied,
        value_cap_krw=cap,
        capped=capped,
        below_cost=amount < cost.price_krw,
        rounding_unit_krw=unit,
        price_krw=price,
        vat_rate=inputs.vat_rate,
        vat_krw=vat,
        total_krw=price + vat,
        lines=tuple(lines),
    )
