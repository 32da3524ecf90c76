"""Column headers: split ``온도[°C]`` / ``Temp (degC)`` into a name and a unit; unique names."""

from __future__ import annotations

import re

# name, then a bracketed tail: [..], (..), full-width (..), {..}
_TAIL = re.compile(r"^(?P<name>.*?)\s*[\[(（{]\s*(?P<unit>[^\[\]()（）{}]{1,20}?)\s*[\])）}]\s*$")
_UNIT_CHARS = re.compile(r"[°℃℉%/²³µμΩ·^]|\d")
_GENERIC_UNIT = re.compile(r"^[A-Za-z°℃℉%/0-9²³µμΩ·.^\-* ]{1,12}$")

#: Units written without a telling character (lower-case); anything else needs ° % / digits ...
KNOWN_UNITS = frozenset(
    [
        "kscmh",  # standard volume flows (issue 10): the unit must leave the column name
        "scmh",
        "scfm",
        "bar",
        "mbar",
        "psi",
        "pa",
        "hpa",
        "kpa",
        "mpa",
        "gpa",
        "atm",
        "torr",
        "degc",
        "degf",
        "degk",
        "c",
        "f",
        "k",
        "mm",
        "cm",
        "m",
        "km",
        "um",
        "nm",
        "in",
        "ft",
        "rpm",
        "hz",
        "khz",
        "mhz",
        "v",
        "kv",
        "mv",
        "a",
        "ma",
        "ka",
        "w",
        "kw",
        "mw",
        "kwh",
        "mwh",
        "wh",
        "va",
        "kva",
        "var",
        "j",
        "kj",
        "mj",
        "n",
        "kn",
        "nm",
        "ppm",
        "ppb",
        "rh",
        "kg",
        "g",
        "mg",
        "t",
        "ton",
        "l",
        "ml",
        "lpm",
        "kgf",
        "s",
        "sec",
        "ms",
        "us",
        "min",
        "h",
        "hr",
        "hrs",
        "day",
        "lux",
        "db",
        "dba",
        "ea",
        "pcs",
        "cycle",
        "cycles",
        "deg",
        "rad",
        "mmhg",
        "mmh2o",
        "ohm",
        "kohm",
        "mohm",
        "개",
        "회",
        "분",
        "초",
        "시간",
        "도",
        "일",
        "톤",
        "킬로그램",
        "그램",
        "미터",
        "밀리미터",
        "퍼센트",
        "매",
        "대",
    ]
)


def _strip_brackets(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in "[(（{" and text[-1] in "])）}":
        text = text[1:-1].strip()
    return text


def looks_like_unit(text: str) -> bool:
    """True for strings such as ``°C``, ``mm/s``, ``bar``, ``%RH``, ``m3/h``, ``kWh``, ``개``."""
    t = _strip_brackets(text)
    if not t or len(t) > 12:
        return False
    if t.lower() in KNOWN_UNITS:
        return True
    return bool(_GENERIC_UNIT.match(t)) and bool(_UNIT_CHARS.search(t)) and t.count(" ") <= 1


def split_header(raw: str) -> tuple[str, str | None]:
    """``'온도[°C]'`` → ``('온도', '°C')``; ``'Sensor (backup)'`` stays whole (not a unit)."""
    text = " ".join(str(raw).replace("\ufeff", "").split())
    m = _TAIL.match(text)
    if m and m.group("name").strip() and looks_like_unit(m.group("unit")):
        return m.group("name").strip(" _-"), m.group("unit").strip()
    return text, None


def unit_cell(raw: str | None) -> str | None:
    """A cell of a units row (``[°C]``, ``bar``, ``-``) → unit or None."""
    if raw is None:
        return None
    t = _strip_brackets(str(raw))
    return t if t and t not in {"-", "--", "—"} else None


def unique_names(names: list[str]) -> list[str]:
    """Empty names become ``column_N``; repeated names get ``_2``, ``_3`` ... suffixes."""
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        base = name or f"column_{i + 1}"
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}_{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def split_headers(
    raw: list[str], unit_row: list[str | None] | None = None
) -> list[tuple[str, str, str | None]]:
    """(name, raw_name, unit) per column; a unit in the header wins over the units row."""
    parts = [split_header(r) for r in raw]
    names = unique_names([p[0] for p in parts])
    units = [
        p[1] or (unit_cell(unit_row[i]) if unit_row and i < len(unit_row) else None)
        for i, p in enumerate(parts)
    ]
    return [(names[i], str(raw[i]), units[i]) for i in range(len(raw))]
