"""Value approach (수익접근법, DCF): the model's measured uplift times declared unit economics.

CF = u × Q × v                      (uplift × units a year × KRW per unit at full uplift)
V  = Σ_{t=1..T} CF / (1 + r)^t      (value to one buyer, discounted)
P_value = s × V                     (the seller's share, like a royalty rate)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mfgdata.pricing.approach import Approach, cents, num, won
from mfgdata.pricing.inputs import PricingInputs

FORMULA = "P_value = s × Σ_{t=1..T} (u × Q × v) / (1 + r)^t"


def _not_applicable(ko: str, en: str, details: dict[str, Any]) -> Approach:
    return Approach(
        name="value",
        applicable=False,
        formula=FORMULA,
        reason_ko=ko,
        reason_en=en,
        details=details,
    )


def uplift_of(model_data: Mapping[str, Any] | None) -> tuple[float | None, dict[str, Any]]:
    """The uplift ``u`` (``model_data["uplift"]["value"]``, a fraction) and the record shown."""
    if not model_data or not isinstance(model_data.get("uplift"), Mapping):
        return None, {}
    record = {str(k): v for k, v in model_data["uplift"].items()}
    value = record.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, record
    return float(value), record


def value_price(inputs: PricingInputs, model_data: Mapping[str, Any] | None) -> Approach:
    """The seller's share of the discounted value of the model's uplift, or not applicable."""
    u, record = uplift_of(model_data)
    if u is None:
        return _not_applicable(
            "측정된 모델 개선 효과(uplift)가 없습니다 (모델 단계가 실행되지 않음)",
            "no measured model uplift (the model step did not run or reported none)",
            {"uplift": record},
        )
    vi = inputs.value
    if vi.units_per_year is None or vi.value_per_unit_krw is None:
        return _not_applicable(
            "단위 경제성(value.units_per_year, value.value_per_unit_krw)이 선언되지 않았습니다",
            "unit economics not declared (value.units_per_year, value.value_per_unit_krw)",
            {"uplift": record},
        )
    if u <= 0:
        return _not_applicable(
            f"모델 개선 효과가 0 이하입니다 (u = {num(u)})",
            f"the model's uplift is not positive (u = {num(u)})",
            {"uplift": record},
        )
    q, v, t_years, r, s = (
        vi.units_per_year,
        vi.value_per_unit_krw,
        vi.years,
        vi.discount_rate,
        vi.seller_share,
    )
    cash_flow = u * q * v
    annuity = sum(1 / (1 + r) ** t for t in range(1, t_years + 1))
    present = cash_flow * annuity
    price = cents(s * present)
    substituted = (
        f"CF = {num(u)} × {won(q)} × {won(v)} = {won(cents(cash_flow))}; "
        f"Σ_{{t=1..{t_years}}} 1/(1 + {num(r)})^t = {num(annuity)}; "
        f"P_value = {num(s)} × {won(cents(cash_flow))} × {num(annuity)} = {won(price)}"
    )
    return Approach(
        name="value",
        applicable=True,
        formula=FORMULA,
        substituted=substituted,
        price_krw=price,
        details={
            "uplift": record,
            "u": u,
            "units_per_year": q,
            "value_per_unit_krw": v,
            "years": t_years,
            "discount_rate": r,
            "seller_share": s,
            "cash_flow_krw": cents(cash_flow),
            "annuity_factor": annuity,
            "present_value_krw": cents(present),
        },
    )
