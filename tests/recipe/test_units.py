"""Unit conversion: the rpm trap, offset temperatures, pressure, unknown units."""

from __future__ import annotations

import pytest

from mfgdata.errors import RecipeError
from mfgdata.recipe import units


@pytest.mark.parametrize(
    ("src", "dst", "scale", "offset"),
    [
        ("rpm", "1/min", 1.0, 0.0),  # not 2π
        ("1/min", "rpm", 1.0, 0.0),
        ("min⁻¹", "r/min", 1.0, 0.0),
        ("rpm", "Hz", 1 / 60, 0.0),  # revolutions per second
        ("rpm", "rad/s", 0.10471975512, 0.0),  # a real angle: 2π/60
        ("degC", "K", 1.0, 273.15),
        ("°C", "K", 1.0, 273.15),
        ("℃", "degF", 1.8, 32.0),
        ("K", "degC", 1.0, -273.15),
        ("delta_degC", "K", 1.0, 0.0),  # a difference: no offset
        ("bar", "MPa", 0.1, 0.0),
        ("kgf/cm²", "MPa", 0.0980665, 0.0),
        ("㎫", "kPa", 1000.0, 0.0),
        ("㎜", "m", 0.001, 0.0),
        ("L/min", "m³/h", 0.06, 0.0),
        ("%", "dimensionless", 0.01, 0.0),
    ],
)
def test_linear(src: str, dst: str, scale: float, offset: float) -> None:
    got = units.linear(src, dst, "col")
    assert got == pytest.approx((scale, offset), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(("src", "dst"), [("furlongz", "m"), ("bar", "blorp"), ("", "m")])
def test_unknown_unit_names_the_column(src: str, dst: str) -> None:
    with pytest.raises(RecipeError) as info:
        units.linear(src, dst, "압력")
    assert info.value.where.column == "압력"
    assert "압력" in info.value.en and "압력" in info.value.ko


def test_incompatible_dimensions() -> None:
    with pytest.raises(RecipeError, match="different dimensions"):
        units.linear("bar", "K", "압력")


def test_same_unit() -> None:
    assert units.same_unit("℃", "degC", "t")
    assert not units.same_unit("degC", "K", "t")
    assert not units.same_unit("nonsense", "K", "t")


@pytest.mark.parametrize(
    ("src", "dst", "scale"),
    [
        ("kscmh", "Sm3/h", 1000.0),  # thousand standard m³/h, same reference conditions
        ("Nm3/min", "Nm³/h", 60.0),
        ("Sm³/h", "kscmh", 0.001),
    ],
)
def test_standard_volume_flow_converts_within_its_reference(
    src: str, dst: str, scale: float
) -> None:
    assert units.linear(src, dst, "유량") == pytest.approx((scale, 0.0))


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        ("kscmh", "L/min"),  # standard -> actual: needs the gas state, never done
        ("Nm3/h", "m³/h"),
        ("SCFM", "L/min"),
        ("L/min", "Nm3/h"),
        ("Nm3/h", "Sm3/h"),  # 0 °C vs 15 °C reference: not a unit change
    ],
)
def test_standard_volume_flow_never_becomes_another_kind(src: str, dst: str) -> None:
    with pytest.raises(RecipeError) as info:
        units.linear(src, dst, "유량")
    assert info.value.where.column == "유량"
    assert "reference conditions" in info.value.en and "기준 상태" in info.value.ko
