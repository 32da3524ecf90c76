from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.errors import (
    DuplicateColumnError,
    MappingFileError,
    SemanticsError,
    UnitError,
    UnknownPropertyError,
)
from mfgdata.semantics.mapping import (
    entries_from_matches,
    parse_mapping,
    read_mapping,
    write_mapping,
)
from mfgdata.semantics.matcher import ColumnInfo, match_columns

D = load_dictionary()
TEMP = "0112/2///61987#ABA927#005"


def test_round_trip(tmp_path: Path) -> None:
    entries = entries_from_matches(
        match_columns([ColumnInfo("사출압력", unit="bar"), ColumnInfo("비고")], D)
    )
    path = tmp_path / "m.semantics.yaml"
    write_mapping(path, entries, D)
    back = read_mapping(path, D, columns=["사출압력", "비고"])
    assert [(e.column, e.prop.id if e.prop else None, e.unit_original) for e in back] == [
        ("사출압력", "urn:mfgdata:property:injection-pressure", "bar"),
        ("비고", None, None),
    ]
    assert back[0].unit_canonical == "MPa"
    assert list(tmp_path.iterdir()) == [path]  # no temp file left behind


BAD = [
    ("columns:\n  - column: a\n    property: [\n", MappingFileError, None, 4),
    ("just text\n", MappingFileError, None, None),
    ("columns:\n  - property: x\n", MappingFileError, None, 2),
    (
        f"columns:\n  - column: t1\n    property: '{TEMP}'\n"
        f"  - column: t1\n    property: '{TEMP}'\n",
        DuplicateColumnError,
        "t1",
        4,
    ),
    (
        "columns:\n  - column: t1\n    property: '0173-1#02-QQQ111#001'\n",
        UnknownPropertyError,
        "t1",
        None,
    ),
    (
        f"columns:\n  - column: t1\n    property: '{TEMP}'\n    unit: {{original: bar}}\n",
        UnitError,
        "t1",
        None,
    ),
    (
        f"columns:\n  - column: t1\n    property: '{TEMP}'\n    unit: {{original: 'stream 1'}}\n",
        UnitError,
        "t1",
        None,
    ),
    (f"columns:\n  - column: ghost\n    property: '{TEMP}'\n", MappingFileError, "ghost", 2),
]


@pytest.mark.parametrize(("text", "error", "column", "line"), BAD)
def test_bad_mapping_files(
    text: str, error: type[SemanticsError], column: str | None, line: int | None
) -> None:
    with pytest.raises(error) as e:
        parse_mapping(text, D, file="x.yaml", columns=["t1", "a"])
    assert e.value.where.column == column
    if line is not None:
        assert e.value.where.line == line
    assert e.value.ko and e.value.en


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError):
        read_mapping(tmp_path / "none.yaml", D)
