"""Units: header unit parsing and conversion factors with pint, traps handled.

- ECLASS ``1/min`` (and ``rpm``) is revolutions per minute: pint ``revolution / minute``, so
  rpm -> 1/min is 1:1 (pint's plain ``1/min`` would give a factor 2*pi).
- Temperatures are affine (°C -> K adds 273.15): conversion is ``value * scale + offset``.
- Factors are rounded to 12 significant digits so that bar -> MPa is exactly 0.1.
- Normal/standard volume flows (Nm³/h, Sm³/h, kscmh, SCFM) are volumes at reference conditions:
  they convert only to a unit with the same reference (kscmh -> Sm³/h), never to an actual volume
  flow (L/min, m³/h) nor across references (that needs the gas state, which a header never gives).
- Headers write units as phrases: ``(kg in a m^3 mixture)`` is kg/m³, ``(MPa, megapascals)`` is
  MPa (``unit_phrase``). One symbol can name two units (``g``: gram, or standard gravity on a
  vibration): ``readings`` lists both and the matcher keeps the one the property's kind needs.

pint is imported by the first ``registry()`` call: a table whose headers name no unit never pays
for it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from mfgdata.semantics.dictionary import Dictionary, UnitDef, nfkc
from mfgdata.semantics.errors import UnitError

_BRACKETS = re.compile(r"[\[(（{<]\s*([^\])）}>]*?)\s*[\])）}>]")
_LEADING_PER = re.compile(r"^(?:in|unit|단위)\s*[:=]?\s*", re.IGNORECASE)
#: ``kg in a m^3 mixture``, ``kg per m3``, ``g per 1 L of solution``: numerator per denominator.
_PER_PHRASE = re.compile(
    r"^(?P<num>\S+)\s+(?:in|per)\s+(?:(?:a|an|one|1|each)\s+)?(?P<den>\S+)(?:\s+[A-Za-z]+){0,3}$",
    re.IGNORECASE,
)
#: ``MPa, megapascals``, ``°C - celsius``: a unit symbol followed by its spelled-out name.
_GLOSSED = re.compile(r"^(?P<unit>[^,;]+?)\s*(?:[,;]|\s-\s)\s*[A-Za-z ]+$")


@lru_cache(maxsize=1)
def registry() -> Any:
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("kscmh = 1000 * meter ** 3 / hour")
    return ureg


def _pint_unit(expr: str) -> Any:
    return registry().parse_units(expr)


def find_unit(text: str, dictionary: Dictionary) -> UnitDef | None:
    """The known unit spelled ``text`` (exact, then case-insensitive, then as a phrase such as
    ``kg in a m^3 mixture``), or None."""
    t = _LEADING_PER.sub("", nfkc(text)).strip()
    if not t:
        return None
    found = _find_symbol(t, dictionary)
    if found is not None:
        return found
    phrase = unit_phrase(t)
    return _find_symbol(phrase, dictionary) if phrase else None


def unit_phrase(text: str) -> str | None:
    """The unit symbol a header phrase spells: ``kg in a m^3 mixture`` -> ``kg/m^3``,
    ``MPa, megapascals`` -> ``MPa``; None when ``text`` is no such phrase."""
    m = _PER_PHRASE.match(text)
    if m is not None:
        return f"{m['num']}/{m['den']}"
    g = _GLOSSED.match(text)
    return g["unit"].strip() if g is not None else None


def readings(unit: UnitDef, dictionary: Dictionary) -> tuple[UnitDef, ...]:
    """``unit`` and the other units written with one of its symbols (``g``: the gram, and
    standard gravity, whose ``also`` lists ``g``), ``unit`` first."""
    others = tuple(
        u
        for u in dictionary.units.values()
        if u.key != unit.key and any(a in u.also for a in unit.aliases)
    )
    return (unit, *others)


def _find_symbol(t: str, dictionary: Dictionary) -> UnitDef | None:
    for unit in dictionary.units.values():
        if t in unit.aliases:
            return unit
    low = t.lower()
    hits = [u for u in dictionary.units.values() if low in (a.lower() for a in u.aliases)]
    return hits[0] if len(hits) == 1 else None


def parse_unit(text: str, dictionary: Dictionary, *, column: str | None = None) -> UnitDef:
    """``text`` as a unit: a dictionary unit, else any unit pint knows; else ``UnitError``."""
    known = find_unit(text, dictionary)
    if known is not None:
        return known
    t = nfkc(text)
    try:
        _pint_unit(t)
    except Exception as e:  # pint raises several unrelated exception types
        raise UnitError(
            f"알 수 없는 단위입니다: '{text}'",
            f"unknown unit: '{text}'",
            column=column,
        ) from e
    return UnitDef(key=t, pint=t, irdi=None, source="pint", aliases=(t,))


def compatible(src: UnitDef, dst: UnitDef) -> bool:
    """Same kind of quantity: same dimension, and both or neither at reference conditions."""
    if (src.reference is None) != (dst.reference is None):
        return False
    a = _dimension(src.pint)
    return a is not None and a == _dimension(dst.pint)


@lru_cache(maxsize=512)
def _dimension(expr: str) -> Any:
    """The dimensionality (a hashable pint container; its text order is not canonical)."""
    try:
        return _pint_unit(expr).dimensionality
    except Exception:  # pint raises several unrelated exception types
        return None


def target_unit(
    src: UnitDef | None, canonical: str | None, dictionary: Dictionary
) -> UnitDef | None:
    """The unit a column in ``src`` is stored in once mapped to a property whose canonical unit
    is ``canonical``: the canonical one when ``src`` converts to it, else the unit of the same
    reference conditions (kscmh -> Sm³/h when the property is in Nm³/h), else ``src`` itself."""
    canon = dictionary.units.get(canonical) if canonical else None
    if src is None or canon is None:
        return canon or src
    if src.reference == canon.reference or src.reference is None or canon.reference is None:
        return canon  # same reference, or another kind: ``conversion`` then refuses it
    family = dictionary.units.get(src.family) if src.family else None
    return family if family is not None and family.reference == src.reference else src


def _round(x: float) -> float:
    return float(f"{x:.12g}")


def conversion(src: UnitDef, dst: UnitDef, *, column: str | None = None) -> tuple[float, float]:
    """(scale, offset): ``dst = src * scale + offset``; ``UnitError`` if impossible."""
    if src.key == dst.key:
        return 1.0, 0.0
    if src.reference != dst.reference:
        ref_a = src.reference or "실제 상태 / actual conditions"
        ref_b = dst.reference or "실제 상태 / actual conditions"
        raise UnitError(
            f"단위 '{src.key}'({ref_a})을(를) '{dst.key}'({ref_b})(으)로 바꿀 수 없습니다: "
            "기준 상태(표준/노멀) 체적은 같은 기준 상태의 단위로만 바뀝니다",
            f"unit '{src.key}' ({ref_a}) cannot be converted to '{dst.key}' ({ref_b}): a "
            "normal/standard volume converts only to a unit with the same reference conditions",
            column=column,
        )
    ureg = registry()
    try:
        a, b = _pint_unit(src.pint), _pint_unit(dst.pint)
        offset = ureg.Quantity(0.0, a).to(b).magnitude
        scale = ureg.Quantity(1.0, a).to(b).magnitude - offset
    except Exception as e:
        raise UnitError(
            f"단위 '{src.key}'을(를) '{dst.key}'(으)로 변환할 수 없습니다",
            f"unit '{src.key}' cannot be converted to '{dst.key}'",
            column=column,
        ) from e
    return _round(float(scale)), _round(float(offset))


def split_header(header: str, dictionary: Dictionary) -> tuple[str, str | None]:
    """Split a raw header into (name, unit text): ``금형온도[℃]``, ``Inj_Press (bar)``,
    ``Temp_C``, ``speed rpm``. Bracket contents that are not units stay in the name."""
    text = nfkc(header)
    for m in reversed(list(_BRACKETS.finditer(text))):
        inner = m.group(1)
        if inner and find_unit(inner, dictionary) is not None:
            name = (text[: m.start()] + " " + text[m.end() :]).strip()
            return name, inner
    parts = re.split(r"[\s_]+", text)
    for n in (2, 1):  # a trailing unit word: "Temp Deg C", "Temp_C", "speed rpm"
        if len(parts) > n:
            last = " ".join(parts[-n:])
            if find_unit(last, dictionary) is not None and (
                len(last) > 1 or last in {"C", "V", "A", "K", "%"}
            ):
                return " ".join(parts[:-n]), last
    return text, None
