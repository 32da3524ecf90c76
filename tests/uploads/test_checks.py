"""The upload checks as a library: JSON nesting measured without recursion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.frames.guard import check_input
from mfgdata.frames.limits import LimitExceeded, Limits
from mfgdata.uploads.checks import json_depth, sniff

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


@given(json_values)
def test_json_depth_matches_the_parsed_structure(value: object) -> None:
    assert json_depth(json.dumps(value).encode()) == _depth(value)


def test_deep_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b'{"a": 1}\n' * 3 + b"[" * 5000 + b"]" * 5000 + b"\n")
    with pytest.raises(LimitExceeded) as info:  # the build's own check, which uploads call
        check_input(path, Limits(max_nesting=64), fmt="jsonl")
    assert info.value.where.line == 4 and info.value.status_code == 422
    assert "limit 64" in info.value.en


def test_sniff_does_not_recurse_on_a_deep_first_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    data = b'{"a": ' * 5000 + b"1" + b"}" * 5000
    path.write_bytes(data)
    assert sniff(data, path, "deep.jsonl", max_depth=64) == "jsonl"
