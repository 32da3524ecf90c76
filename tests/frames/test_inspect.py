"""inspect_inputs: detection and a short profile, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.errors import InputError
from mfgdata.frames.inspect import inspect_inputs
from mfgdata.settings import Settings


def test_inspect_cp949(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_bytes(
        "설비명: 사출기 3호기\n시간,온도[°C],상태\n2024-03-01 14:00:00,1.5,OK\n"
        "2024-03-01 14:01:00,Bad,NG\n2024-03-01 14:02:00,3.5,OK\n".encode("cp949")
    )
    home = tmp_path / "home"
    before = sorted(tmp_path.rglob("*"))
    got = inspect_inputs([p], settings=Settings(home=home))
    assert sorted(tmp_path.rglob("*")) == before
    assert got["rows"] == 3
    assert got["inputs"][0] | {} == {
        "name": "a.csv",
        "format": "csv",
        "encoding": "cp949",
        "delimiter": ",",
        "decimal": ".",
        "header_row": 2,
        "sheet": None,
    }
    temp = got["columns"][1]
    assert (temp["name"], temp["unit"], temp["kind"], temp["nulls"]) == ("온도", "°C", "numeric", 1)
    assert (temp["min"], temp["max"]) == (1.5, 3.5)
    assert got["columns"][2]["kind"] == "categorical"  # 상태 does not say which of OK/NG is true


def test_inspect_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        inspect_inputs([tmp_path / "none.csv"], settings=Settings(home=tmp_path))


def test_inspect_names_identical_files(tmp_path: Path) -> None:
    a = tmp_path / "1월.csv"
    a.write_bytes("시간,값\n2024-01-01 00:00:00,1.5\n".encode("cp949"))
    b = tmp_path / "2월.csv"
    b.write_bytes(a.read_bytes())
    got = inspect_inputs([a, b], settings=Settings(home=tmp_path / "home"))
    assert got["rows"] == 1
    assert got["inputs"][1] == {"name": "2월.csv", "duplicate_of": "1월.csv"}


@pytest.mark.parametrize(
    "title",
    [
        "Injection line 3 export,,,",  # a spreadsheet's title line keeps the table's width
        "사출기 3호기 생산 기록,,,",
        "Injection line 3 export,,,\n,,,",  # and a blank line of separators under it
    ],
)
def test_title_line_with_trailing_commas_is_not_the_header(tmp_path: Path, title: str) -> None:
    """A title line padded with commas to the table's width was taken for the header: the time
    column was named after the title and the real header became a junk value in every column."""
    rows = "".join(
        f"2026-01-01 00:00:{s:02d},{200 + s % 7}.5,50.{s % 9},{'NG' if s % 11 == 0 else 'OK'}\n"
        for s in range(40)
    )
    p = tmp_path / "a.csv"
    p.write_text(f"{title}\ntime,temp_C,pressure_bar,status\n{rows}", encoding="utf-8")
    got = inspect_inputs([p], settings=Settings(home=tmp_path / "home"))
    assert [c["raw_name"] for c in got["columns"]] == ["time", "temp_C", "pressure_bar", "status"]
    assert got["inputs"][0]["header_row"] == title.count("\n") + 2
    assert got["rows"] == 40
    assert all(c["nulls"] == 0 for c in got["columns"])
