from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.errors import UnitError
from mfgdata.semantics.units import conversion, parse_unit, split_header

D = load_dictionary()


def conv(a: str, b: str) -> tuple[float, float]:
    return conversion(parse_unit(a, D), parse_unit(b, D))


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("rpm", "1/min", (1.0, 0.0)),  # ECLASS 1/min = revolutions per minute, not 2*pi
        ("RPM", "min-1", (1.0, 0.0)),
        ("°C", "K", (1.0, 273.15)),
        ("℃", "°C", (1.0, 0.0)),
        ("K", "°C", (1.0, -273.15)),
        ("bar", "MPa", (0.1, 0.0)),
        ("kgf/cm2", "MPa", (0.0980665, 0.0)),
        ("psi", "MPa", (0.00689475729317, 0.0)),
        ("sec", "s", (1.0, 0.0)),
        ("분", "s", (60.0, 0.0)),
        ("kN", "N", (1000.0, 0.0)),
        ("%", "%", (1.0, 0.0)),
    ],
)
def test_conversion_factors(src: str, dst: str, expected: tuple[float, float]) -> None:
    assert conv(src, dst) == expected


def test_unknown_unit_names_the_column() -> None:
    with pytest.raises(UnitError) as e:
        parse_unit("stream 1", D, column="속도")
    assert e.value.where.column == "속도"
    assert "속도" in str(e.value)


def test_incompatible_units_name_the_column() -> None:
    with pytest.raises(UnitError) as e:
        conversion(parse_unit("bar", D), parse_unit("°C", D), column="p1")
    assert e.value.where.column == "p1"


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("금형온도[℃]", "금형온도", "°C"),
        ("사출압력(bar)", "사출압력", "bar"),
        ("Inj_Press (bar)", "Inj_Press", "bar"),
        ("Temp_C", "Temp", "C"),
        ("Reactor Temperature (Deg C)", "Reactor Temperature", "Deg C"),
        ("A Feed (stream 1) (kscmh)", "A Feed (stream 1)", "kscmh"),
        ("금형온도 고정측", "금형온도 고정측", None),
    ],
)
def test_split_header(header: str, name: str, unit: str | None) -> None:
    assert split_header(header, D) == (name, unit)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_celsius_kelvin_round_trip(v: float) -> None:
    a, b = conv("°C", "K")
    c, d = conv("K", "°C")
    assert (v * a + b) * c + d == pytest.approx(v, abs=1e-6)
