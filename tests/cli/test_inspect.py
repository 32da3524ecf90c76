"""``mfgdata inspect``: detection results on the demo file, and nothing written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.samples import demo_files

runner = CliRunner()


def test_inspect_demo_file_shows_detection_and_junk(mfgdata_home: Path) -> None:
    result = runner.invoke(app, ["inspect", str(demo_files()[0])], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "cp949" in out
    assert "헤더 행 / header row" in out and " 4 " in out
    assert "시간 열 / time column: 일시" in out
    assert "잡음 값 / junk values 보압: 2 (Bad, #N/A)" in out
    assert "℃" in out and "bar" in out
    assert list(mfgdata_home.iterdir()) == []  # no blob, no product


def test_inspect_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["inspect", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.output and "Traceback" not in result.output
