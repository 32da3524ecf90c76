"""Header name/unit splitting and number parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.frames.detect import sniff_text
from mfgdata.frames.headers import split_header, split_headers, unique_names
from mfgdata.frames.infer import parse_number


@pytest.mark.parametrize(
    ("raw", "name", "unit"),
    [
        ("온도[°C]", "온도", "°C"),
        ("Temp (degC)", "Temp", "degC"),
        ("압력(bar)", "압력", "bar"),
        ("속도 [mm/s]", "속도", "mm/s"),
        ("유량 (m3/h)", "유량", "m3/h"),
        ("습도（%RH）", "습도", "%RH"),
        ("생산수량(개)", "생산수량", "개"),
        ("Sensor (backup)", "Sensor (backup)", None),
        ("  설비  상태 ", "설비 상태", None),
        ("\ufeff시간", "시간", None),
    ],
)
def test_split_header(raw: str, name: str, unit: str | None) -> None:
    assert split_header(raw) == (name, unit)


def test_units_row_and_duplicates() -> None:
    got = split_headers(["온도", "온도", "압력(bar)", ""], ["[°C]", "°C", "psi", None])
    assert got == [
        ("온도", "온도", "°C"),
        ("온도_2", "온도", "°C"),
        ("압력", "압력(bar)", "bar"),
        ("column_4", "", None),
    ]


_names = st.text(
    alphabet=st.sampled_from(list("가나다라온도압력속도abcxyz_ 123")), min_size=1, max_size=12
).filter(lambda s: s.strip() and s.strip(" _-") == s.strip())
_units = st.sampled_from(["°C", "bar", "mm/s", "kWh", "%", "m3/h", "rpm", "kPa", "개"])


@given(_names, _units, st.sampled_from(["[{}]", "({})", " [{}]", " ({})"]))
def test_split_roundtrip(name: str, unit: str, wrap: str) -> None:
    clean = " ".join(name.split())
    assert split_header(clean + wrap.format(unit)) == (clean, unit)


@given(st.lists(st.sampled_from(["a", "b", "온도", ""]), max_size=12))
def test_unique_names_are_unique(names: list[str]) -> None:
    out = unique_names(names)
    assert len(out) == len(set(out)) == len(names)


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda f: round(f, 3)))
def test_parse_number_thousands(value: float) -> None:
    assert parse_number(f"{value:,.3f}") == pytest.approx(value)
    swapped = f"{value:,.3f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_number(swapped, decimal=",") == pytest.approx(value)
    assert parse_number(f"  {value:.3f} ") == pytest.approx(value)


@pytest.mark.parametrize("junk", ["Bad", "#N/A", "-", "1.2.3", "12a", "", "  ", "1,23,4.5", "e5"])
def test_parse_number_rejects(junk: str) -> None:
    assert parse_number(junk) is None


@pytest.mark.parametrize(
    "first_row",
    ["2024-01-01 00:00:00,Inp OutRange", "2024.01.01 00:00,Bad", "2024-01-01T00:00:00+09:00,---"],
)
def test_a_status_text_on_the_first_data_row_is_data_not_the_header(first_row: str) -> None:
    """A one-tag historian export whose first reading is a status text (bibmon's refinery tags
    hold "Inp OutRange" and "Bad"): the header stays 시간,태그34 and the row is data. It used to
    be taken as the header (its cell under the number column is text), so every column was
    renamed after the first reading."""
    lines = ["시간,태그34", first_row] + [
        f"2024-01-01 00:00:{i:02d},{50 + i / 10}" for i in range(1, 40)
    ]
    d = sniff_text(Path("t.csv"), "\n".join(lines) + "\n", "utf-8", 100)
    assert d.header == ["시간", "태그34"]
    assert d.header_line == 0 and d.data_line == 1
    assert d.sample[0] == first_row.split(",")
