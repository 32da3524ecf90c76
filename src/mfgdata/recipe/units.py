"""Unit conversion for ``convert_unit``: pint, with the industry traps handled.

- ``rpm``, ``1/min``, ``min-1``, ``r/min``, ``U/min`` (ECLASS 0173-1#05-AAA650) are *revolutions*
  per minute: they all map to pint ``revolution / minute``, so ``rpm → 1/min`` is 1:1, never 2π.
  A rotational speed converted to a plain frequency (``Hz``, ``1/s``) counts revolutions, too.
- ``°C``/``℃``/``degC`` and ``°F`` are offset units: absolute temperatures convert with the offset
  (``degC → K`` adds 273.15); ``delta_degC`` is a temperature difference (no offset).
- Normal/standard volume flows (``Nm3/h``, ``Sm3/h``, ``kscmh``, ``SCFM``) are gas volumes at
  reference conditions: they convert only to a unit with the same reference conditions
  (``kscmh → Sm3/h`` is ×1000), never to an actual volume flow (``L/min``, ``m3/h``).

A conversion is linear, ``y = scale * x + offset``, so it runs as a lazy polars expression.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from mfgdata.errors import RecipeError

if TYPE_CHECKING:  # pint is imported by the first registry() call, not by the recipe's import
    import pint

ROTATION = "revolution / minute"
_ALIASES = {
    "rpm": ROTATION,
    "1/min": ROTATION,
    "min-1": ROTATION,
    "min^-1": ROTATION,
    "min⁻¹": ROTATION,
    "r/min": ROTATION,
    "u/min": ROTATION,
    "rev/min": ROTATION,
    "rps": "revolution / second",
    "r/s": "revolution / second",
    "℃": "degC",
    "°c": "degC",
    "degc": "degC",
    "℉": "degF",
    "°f": "degF",
    "degf": "degF",
    "δ°c": "delta_degC",
    "Δ°c": "delta_degC",
    "%rh": "percent",
}
_CHARS = {"㎜": "mm", "㎝": "cm", "㎞": "km", "㎏": "kg", "㎎": "mg", "㎖": "mL", "ℓ": "L",
          "㎠": "cm**2", "㎡": "m**2", "㎥": "m**3", "㎫": "MPa", "㎪": "kPa", "㎩": "Pa",
          "㎾": "kW", "㎽": "mW", "㎸": "kV", "㎃": "mA", "㎐": "Hz", "㎑": "kHz",
          "μ": "u", "µ": "u", "·": "*", "×": "*"}  # fmt: skip


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:  # type: ignore[type-arg]
    """One shared registry (pint's default definitions plus ``kscmh``)."""
    import pint

    ureg: pint.UnitRegistry = pint.UnitRegistry()  # type: ignore[type-arg]
    ureg.define("kscmh = 1000 * meter ** 3 / hour")
    return ureg


def reference(unit: str) -> tuple[str | None, str]:
    """(reference conditions, pint spelling) of a normal/standard volume unit, else (None, unit)."""
    from mfgdata.semantics.dictionary import load_dictionary
    from mfgdata.semantics.units import find_unit

    found = find_unit(unit, load_dictionary())
    if found is not None and found.reference is not None:
        return found.reference, found.pint
    return None, unit


def normalize(unit: str) -> str:
    """A pint-parsable spelling of a unit as written in factory headers and ECLASS."""
    text = unit.strip()
    for src, dst in _CHARS.items():
        text = text.replace(src, dst)
    return _ALIASES.get(text.lower().replace(" ", ""), text)


def parse(unit: str, column: str) -> pint.Unit:
    """The pint unit of ``unit``; unknown → RecipeError naming the column."""
    try:
        return registry().parse_units(normalize(unit))
    except Exception as e:  # pint raises several unrelated exception types
        raise RecipeError(
            f"열 '{column}'의 단위 '{unit}'을(를) 알 수 없습니다",
            f"unknown unit '{unit}' for column '{column}'",
            column=column,
        ) from e


def _is_rotation(u: pint.Unit) -> bool:
    """An angle-based unit (``degree_Celsius`` is not: ``_`` is a word character)."""
    return re.search(r"\b(revolution|turn|radian|degree)\b", str(u)) is not None


def linear(src: str, dst: str, column: str) -> tuple[float, float]:
    """(scale, offset) such that ``value_in_dst = scale * value_in_src + offset``."""
    import pint

    ureg = registry()
    (ref_a, pint_a), (ref_b, pint_b) = reference(src), reference(dst)
    if ref_a != ref_b:
        raise RecipeError(
            f"열 '{column}': '{src}'({ref_a or '실제 상태'})을(를) '{dst}'({ref_b or '실제 상태'})"
            "(으)로 바꿀 수 없습니다: 표준/노멀 체적유량은 같은 기준 상태의 단위로만 바뀝니다",
            f"column '{column}': cannot convert '{src}' ({ref_a or 'actual conditions'}) to "
            f"'{dst}' ({ref_b or 'actual conditions'}): a normal/standard volume flow converts "
            "only to a unit with the same reference conditions",
            column=column,
        )
    src, dst = pint_a, pint_b
    a, b = parse(src, column), parse(dst, column)
    rev = ureg.parse_units("revolution")
    if _is_rotation(a) and not _is_rotation(b) and b.dimensionality == (a / rev).dimensionality:
        b = b * rev  # Hz / 1/s of a rotational speed: revolutions per second
    elif _is_rotation(b) and not _is_rotation(a) and a.dimensionality == (b / rev).dimensionality:
        a = a * rev
    try:
        zero = float(ureg.Quantity(0.0, a).to(b).magnitude)
        one = float(ureg.Quantity(1.0, a).to(b).magnitude)
    except pint.DimensionalityError as e:
        raise RecipeError(
            f"열 '{column}': 단위 '{src}'을(를) '{dst}'(으)로 바꿀 수 없습니다 (차원이 다름)",
            f"column '{column}': cannot convert '{src}' to '{dst}' (different dimensions)",
            column=column,
        ) from e
    scale = one - zero
    if not (math.isfinite(scale) and math.isfinite(zero)) or scale == 0:
        raise RecipeError(
            f"열 '{column}': '{src}' → '{dst}' 변환이 선형이 아닙니다",
            f"column '{column}': '{src}' → '{dst}' is not a linear conversion",
            column=column,
        )
    return round(scale, 12), round(zero, 12)


def same_unit(a: str, b: str, column: str) -> bool:
    """True when ``a`` and ``b`` are the same unit (1:1, no offset)."""
    try:
        return linear(a, b, column) == (1.0, 0.0)
    except RecipeError:
        return False
