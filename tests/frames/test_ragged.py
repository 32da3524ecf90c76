"""Short rows: counted from raw bytes (FieldCounter) or natively per line, named by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.frames.ragged import FieldCounter, find_bad_line, has_short_lines
from mfgdata.frames.sources import open_csv


def feed(counter: FieldCounter, data: bytes, chunk: int) -> None:
    for i in range(0, len(data), chunk):
        block = bytearray(data[i : i + chunk])
        counter(block, len(block))


@pytest.mark.parametrize(
    ("text", "skip", "proved"),
    [
        (b"a,b,c\n1,2,3\n4,5,\n", 1, True),
        (b"a,b,c\r\n1,2,3\r\n,,\r\n", 1, True),
        (b"a,b,c\n1,2,3\n4,5,", 1, True),  # no final newline
        (b"a,b,c\n1,2,3\n4,5\n", 1, False),  # short row
        (b"a,b,c\n1,2,3\n7,8", 1, False),  # cut
        (b"a,b,c\n1,2,3\n\n4,5,6\n", 1, False),  # a blank line: not proved (checked per line)
        (b'a,b,c\n1,"2,5",3\n', 1, False),  # quotes: not proved
        (b'"x","y","z"\nmeta\na,b,c\n1,2,3\n', 3, True),  # quotes only in the preamble
    ],
)
@pytest.mark.parametrize("chunk", [2, 5, 1 << 20])
def test_field_counter(text: bytes, skip: int, proved: bool, chunk: int) -> None:
    counter = FieldCounter(",", skip, 3)
    feed(counter, text, chunk)
    assert counter.no_short_rows() is proved


@given(
    st.lists(st.integers(min_value=1, max_value=3), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=64),
)
def test_field_counter_agrees_with_rows(widths: list[int], chunk: int) -> None:
    """Rows longer than the header never get here (Polars refuses them), so at most 3."""
    body = "".join(",".join(str(i) for i in range(w)) + "\n" for w in widths)
    counter = FieldCounter(",", 1, 3)
    feed(counter, b"a,b,c\n" + body.encode(), chunk)
    assert counter.no_short_rows() is all(w == 3 for w in widths)


@pytest.mark.parametrize(
    ("text", "short", "bad"),
    [
        ("a,b,c\n1,2,3\n4,5,\n", False, None),
        ("a,b,c\n1,2,3\n4,5\n6,7,8\n", True, (3, "2 fields, expected 3")),
        ('a,b,c\n1,"x,y",3\n4,5,\n', True, None),  # quotes: the Python reader decides
        ('a,b,c\n1,"x,y"\n4,5,6\n', True, (2, "2 fields, expected 3")),
        ("a,b,c\n1,2,3\n\n4,5,6\n", False, None),  # blank lines are skipped
    ],
)
def test_short_lines_and_bad_line(
    tmp_path: Path, text: str, short: bool, bad: tuple[int, str] | None
) -> None:
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    src = open_csv(p, tmp_path, 100)
    assert has_short_lines(src) is short
    assert find_bad_line(src) == bad
