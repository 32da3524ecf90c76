"""Inputs named by a URI (issue 19): kept as given, read as Hadoop reads them; the Polars
engine reads ``file://`` URIs and refuses other schemes by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.errors import InputError
from mfgdata.frames.uris import as_input, is_uri, local_inputs, uri_name
from mfgdata.pipeline.context import build_options


def test_a_uri_keeps_its_double_slash_and_a_path_stays_a_path() -> None:
    opts = build_options(["hdfs://nn:8020/센서/a b.csv", "data/x.csv", Path("y.csv")], "out")
    assert opts.inputs == ("hdfs://nn:8020/센서/a b.csv", Path("data/x.csv"), Path("y.csv"))
    assert not is_uri(Path("file:/x.csv")) and not is_uri("C:\\data\\x.csv")
    assert as_input("C:/data/x.csv") == Path("C:/data/x.csv")
    assert uri_name("s3a://bucket/raw/2024/a%20b.csv") == "a%20b.csv"  # literal, as Hadoop


def test_polars_reads_file_uris_and_refuses_other_schemes() -> None:
    assert local_inputs(["file:///data/한글 폴더/x y.csv", "file://localhost/a.csv"]) == [
        Path("/data/한글 폴더/x y.csv"),
        Path("/a.csv"),
    ]
    with pytest.raises(InputError) as e:
        local_inputs(["s3a://bucket/x.csv"])
    assert "s3a://bucket/x.csv" in str(e.value) and "--engine spark" in e.value.ko
    with pytest.raises(InputError):
        local_inputs(["file://otherhost/x.csv"])


def test_cli_builds_a_file_uri_like_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "한글 폴더"
    folder.mkdir()
    src = folder / "x y.csv"
    rows = [f"2024-03-01 08:{i // 60:02d}:{i % 60:02d},{20 + i % 7}" for i in range(300)]
    src.write_text("시간,온도\n" + "\n".join(rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    for name, given in (("path", str(src)), ("uri", f"file://{src}")):
        out = tmp_path / name
        res = runner.invoke(app, ["build", given, "--out", str(out), "--product-id", "t"])
        assert res.exit_code == 0, res.output
    a, b = tmp_path / "path", tmp_path / "uri"
    assert (a / "data" / "table.parquet").read_bytes() == (
        b / "data" / "table.parquet"
    ).read_bytes()
    inputs = [json.loads((d / "lineage.json").read_text())["inputs"] for d in (a, b)]
    assert inputs[0] == inputs[1] and inputs[0][0]["name"] == "x y.csv"
