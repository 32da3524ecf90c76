"""check_input: the limits and checks an upload meets before any build, the same as ingest's."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.cases import BY_NAME
from mfgdata.errors import InputError
from mfgdata.frames.guard import check_input
from mfgdata.frames.limits import LimitExceeded, Limits


@pytest.mark.parametrize(
    ("case", "error", "says"),
    [
        ("wide_10k_columns", LimitExceeded, "10000 columns"),
        ("column_name_100kb", LimitExceeded, "column name 2 is too long"),
        ("xlsx_zip_bomb", LimitExceeded, "zip bomb"),
        ("xlsx_billion_laughs", InputError, "DTD"),
        ("xlsx_path_traversal", InputError, "../../evil.txt"),
        ("jsonl_deep", LimitExceeded, "nested too deep"),
        ("mixed_encodings", InputError, "mixed encodings"),
        ("binary_as_csv", InputError, "binary"),
        ("parquet_truncated", InputError, "parquet"),
    ],
)
def test_refused_before_any_build(tmp_path: Path, case: str, error: type, says: str) -> None:
    [path] = BY_NAME[case].make(tmp_path)
    with pytest.raises(error) as e:
        check_input(path)
    assert says in e.value.message()


@pytest.mark.parametrize("case", ["latin1", "utf16le_no_bom", "xlsx_plain", "jsonl_plain"])
def test_good_files_pass(tmp_path: Path, case: str) -> None:
    [path] = BY_NAME[case].make(tmp_path)
    check_input(path)


def test_limits_come_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mfgdata.settings import get_settings

    monkeypatch.setenv("MFGDATA_MAX_COLUMNS", "2")
    get_settings.cache_clear()
    assert Limits.from_settings().max_columns == 2
    [path] = BY_NAME["latin1"].make(tmp_path)  # three columns
    with pytest.raises(LimitExceeded, match="MFGDATA_MAX_COLUMNS"):
        check_input(path)
