"""A unit keeps its kind: units read from header phrases, and a symbol read as the property needs.

Symptoms from public data: UCI concrete headers ``Cement (component 1)(kg in a m^3 mixture)``
lost their unit (Superplasticizer even became ``%``), and ``진동(g)`` was read as grams.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.matcher import match_header
from mfgdata.semantics.units import conversion, find_unit, parse_unit, split_header

D = load_dictionary()


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("Cement (component 1)(kg in a m^3 mixture)", "Cement (component 1)", "kg/m³"),
        (
            "Superplasticizer (component 5)(kg in a m^3 mixture)",
            "Superplasticizer (component 5)",
            "kg/m³",
        ),
        ("Water  (component 4)(kg in a m^3 mixture)", "Water  (component 4)", "kg/m³"),
        ("binder (kg per m3)", "binder", "kg/m³"),
        ("Age (day)", "Age", "d"),
        ("Concrete compressive strength(MPa, megapascals)", "Concrete compressive strength", "MPa"),
        ("진동(g)", "진동", "g"),  # the symbol; which unit it is depends on the property
        ("Sensor (backup)", "Sensor (backup)", None),  # not a unit: stays in the name
        ("Line (in a hurry)", "Line (in a hurry)", None),
    ],
)
def test_units_read_from_header_phrases(header: str, name: str, unit: str | None) -> None:
    got_name, text = split_header(header, D)
    assert got_name == name
    found = find_unit(text, D) if text else None
    assert (found.key if found else None) == unit


@pytest.mark.parametrize(
    ("header", "prop", "unit"),
    [
        ("진동(g)", "vibration acceleration", "gₙ"),
        ("vibration_x (g)", "vibration acceleration", "gₙ"),
        ("Accel (g)", "vibration acceleration", "gₙ"),
        ("Accel (G)", "vibration acceleration", "gₙ"),
        ("weight (g)", "mass", "g"),  # on a mass, g stays the gram
        ("shot weight [g]", "mass", "g"),
        ("vibration (mm/s)", "vibration velocity", "mm/s"),
        ("Cement (component 1)(kg in a m^3 mixture)", "mass concentration", "kg/m³"),
        ("Fly Ash (component 3)(kg in a m^3 mixture)", "mass concentration", "kg/m³"),
        ("oxygen concentration (%)", "concentration", "%"),  # a fraction stays a fraction
        ("Concrete compressive strength(MPa, megapascals)", "compressive strength", "MPa"),
    ],
)
def test_property_kind_agrees_with_unit(header: str, prop: str, unit: str) -> None:
    m = match_header(header, D)
    assert m.best is not None
    assert m.best.property.name_en == prop
    assert m.unit is not None and m.unit.key == unit
    canon = D.units[m.best.property.unit or ""]
    conversion(m.unit, canon)  # the kind agrees: the unit converts to the property's


def test_standard_gravity_is_9_80665_m_per_s2() -> None:
    assert conversion(parse_unit("gₙ", D), parse_unit("m/s²", D)) == (9.80665, 0.0)
    assert conversion(parse_unit("kg in a m^3 mixture", D), parse_unit("g/cm³", D)) == (
        0.001,
        0.0,
    )


@given(st.text(max_size=40))
def test_reading_a_header_phrase_never_crashes(text: str) -> None:
    found = find_unit(text, D)
    assert found is None or found.key in D.units
