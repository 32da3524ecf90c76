"""Header shapes that decide what the name can mean before any dictionary lookup.

- Derived flag columns (``온도__outlier``) are never a property.
- Short codes (``xy_000``, ``col_17``, ``XMEAS_7``) name no quantity by themselves.
- ISA-5.1 instrument tags (``TI-101``, ``PDT_205``, ``FIC300``) name their measured variable.
"""

from __future__ import annotations

import re

from mfgdata.semantics.dictionary import nfkc

#: Columns a build derives from another column (flags): never a physical property.
_DERIVED = re.compile(r"__(outlier|outliers|flag|missing|imputed|filled|is_null)$", re.IGNORECASE)
#: A short code that names no quantity by itself: letters then a number (``xy_000``, ``tag17``,
#: ``XMEAS_7``, ``col_17``, ``v1``). Such a header matches only an alias of >= 4 letters
#: (``Temp1``, ``Level_2``) or an ISA-5.1 tag, never a 2-3 letter abbreviation (``ct``, ``ec``).
_CODE = re.compile(r"^[A-Za-z]{1,8}[-_. ]?\d+[A-Za-z]?$")
#: ISA-5.1 instrument tag: measured variable, optional modifier (D differential), readout or
#: function letters (I indicate, T transmit, R record, C control, E element, G gauge), loop
#: number, optional suffix, optional parameter (``.PV`` is the measured value; ``.SP``, ``.OP``
#: ... are not). Switches (S), alarms (A), valves (V) and relays (Y) are not measurements.
_ISA = re.compile(
    r"^(?P<first>[A-Z])(?P<mod>D)?(?P<func>[ITRCEG]{1,3})[-_ ]?(?P<loop>\d{1,5})(?P<suffix>[A-Z]?)"
    r"(?:[._/ -](?P<param>[A-Za-z]{2,4}))?$"
)
_ISA_VALUE_PARAMS = frozenset({"PV", "MEAS", "VAL"})
#: Letter pairs that plants use for something else far more often (EC: electrical conductivity).
_ISA_AMBIGUOUS = frozenset({"EC"})
#: First letter -> the measured quantity (ISA-5.1 table 4.1); F is refined by the unit.
ISA_FIRST = {
    "T": ("0112/2///61987#ABA927#005",),
    "P": ("0112/2///61987#ABN616#001",),
    "F": (
        "0112/2///61987#ABB291#005",
        "0112/2///61987#ABB290#005",
        "0112/2///61987#ABB292#005",
    ),
    "L": ("0112/2///61987#ABH329#002",),
    "S": ("urn:mfgdata:property:rotational-speed",),
    "A": ("urn:mfgdata:property:concentration",),
    "W": ("0112/2///61987#ABH327#001",),
    "V": ("urn:mfgdata:property:vibration-velocity",),
    "E": ("urn:mfgdata:property:voltage",),
    "I": ("urn:mfgdata:property:electric-current",),
    "J": ("0173-1#02-AAZ820#001",),
    "Z": ("urn:mfgdata:property:position",),
}
ISA_DIFFERENTIAL = {"P": "urn:mfgdata:property:differential-pressure"}
ISA_SCORE = 0.8


def is_derived(name: str) -> bool:
    """A flag column the build derived from another one (``온도__outlier``)."""
    return _DERIVED.search(name) is not None


def is_code(name: str) -> bool:
    """A short code that names no quantity by itself (see ``_CODE``)."""
    return _CODE.match(nfkc(name)) is not None


def isa_tag(name: str) -> dict[str, tuple[float, str]]:
    """Property id -> (score, reason) for an ISA-5.1 tag (``TI-101``, ``PDT_205``, ``FIC300``);
    empty for anything else. Several ids when the letter leaves the kind open (flow)."""
    m = _ISA.match(nfkc(name))
    if m is None:
        return {}
    param = (m["param"] or "").upper()
    if param and param not in _ISA_VALUE_PARAMS:
        return {}
    first = m["first"]
    if first == "A" and len(m["loop"]) < 3:
        return {}  # AI_01 / AO_2: PLC analog channels, not analysers
    if first + m["func"] in _ISA_AMBIGUOUS:
        return {}
    if m["mod"]:
        diff = ISA_DIFFERENTIAL.get(first)
        ids: tuple[str, ...] = (diff,) if diff else ()
    else:
        ids = ISA_FIRST.get(first, ())
    why = f"ISA-5.1 tag: '{first}{m['mod'] or ''}' is the measured variable"
    # the first id is the usual reading; the others (mass / standard flow) need the unit
    return {pid: (ISA_SCORE if i == 0 else ISA_SCORE - 0.1, why) for i, pid in enumerate(ids)}
