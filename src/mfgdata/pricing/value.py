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
    """The uplift ``u`` (a fraction) and the record shown.

    ``uplift.value`` when given, else the model step's ``uplift.relative`` (the primary metric's
    relative improvement over the naive baseline), kept to [0, 1]: the share of the loss the
    unit economics describe that the model avoids.
    """
    if not model_data or not isinstance(model_data.get("uplift"), Mapping):
        return None, {}
    record = {str(k): v for k, v in model_data["uplift"].items()}
    value = record.get("value", record.get("relative"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, record
    return min(float(value), 1.0), record


def usable_of(model_data: Mapping[str, Any] | None) -> tuple[bool, str, str]:
    """Whether the model may be priced, with the reason (ko, en).

    ``usable`` from the model step when it reports one; otherwise the model must beat its
    baseline: the uplift's ``significant`` flag (the paired interval excludes 0) when present,
    else a positive uplift.
    """
    if not model_data or model_data.get("skipped"):
        return False, "학습된 모델이 없습니다", "no model was trained"
    usable = model_data.get("usable")
    if isinstance(usable, bool):
        reason = model_data.get("usable_reason")
        ko = en = ""
        if isinstance(reason, Mapping):
            ko, en = str(reason.get("ko", "")), str(reason.get("en", ""))
        elif isinstance(reason, str):
            ko = en = reason
        if usable:
            return (
                True,
                ko or "모델 단계가 사용 가능으로 판정",
                en or "the model step calls it usable",
            )
        return (
            False,
            ko or "모델 단계가 사용 불가로 판정",
            en or "the model step calls it not usable",
        )
    up = model_data.get("uplift")
    if isinstance(up, Mapping) and isinstance(up.get("significant"), bool):
        if up["significant"]:
            return True, "기준 모델보다 유의하게 좋음", "beats its baseline (interval excludes 0)"
        return False, "기준 모델보다 유의하게 좋지 않음", "does not beat its baseline significantly"
    u, _ = uplift_of(model_data)
    if u is not None and u > 0:
        return True, "기준 모델보다 좋음", "beats its baseline"
    return False, "기준 모델보다 좋지 않음", "does not beat its baseline"


def value_price(inputs: PricingInputs, model_data: Mapping[str, Any] | None) -> Approach:
    """The seller's share of the discounted value of the model's uplift, or not applicable."""
    u, record = uplift_of(model_data)
    usable, why_ko, why_en = usable_of(model_data)
    shown = {
        "uplift": record,
        "usable": usable,
        "usable_reason_ko": why_ko,
        "usable_reason_en": why_en,
    }
    if not usable:
        return _not_applicable(
            f"사용 가능한 모델이 없습니다 ({why_ko})",
            f"no usable model ({why_en})",
            shown,
        )
    if u is None:
        return _not_applicable(
            "측정된 모델 개선 효과(uplift)가 없습니다",
            "the model reported no measured uplift",
            shown,
        )
    vi = inputs.value
    if vi.units_per_year is None or vi.value_per_unit_krw is None:
        return _not_applicable(
            "단위 경제성(value.units_per_year, value.value_per_unit_krw)이 선언되지 않았습니다",
            "unit economics not declared (value.units_per_year, value.value_per_unit_krw)",
            shown,
        )
    if u <= 0:
        return _not_applicable(
            f"모델 개선 효과가 0 이하입니다 (u = {num(u)})",
            f"the model's uplift is not positive (u = {num(u)})",
            shown,
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
            **shown,
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
