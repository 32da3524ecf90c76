"""``mfgdata build`` keeps what the raw files mean: label meaning (issue 10)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()


def build(*args: str | Path) -> None:
    result = runner.invoke(app, ["build", *map(str, args)])
    assert result.exit_code == 0, result.output


def plant_csv(
    path: Path, label: str, good: str = "OK", bad: str = "NG", n: int = 240, day: int = 1
) -> Path:
    """A CP949 export the way an injection line writes it: OK is the large majority, NG comes
    with a hot mould."""
    rng = random.Random(day)
    lines = [f"일시,금형온도[℃],사출압력[bar],{label}"]
    for i in range(n):
        hot = i % 8 == 3
        temp = (78.0 if hot else 60.0) + rng.uniform(-2, 2)
        verdict = bad if hot else good
        lines.append(
            f"2024-03-{day:02d} {i // 60:02d}:{i % 60:02d}:00,{temp:.1f},{rng.randint(1180, 1220)},"
            f"{verdict}"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    return path


def test_defect_header_is_true_on_ng_rows(tmp_path: Path) -> None:
    raw = plant_csv(tmp_path / "사출_불량.csv", "불량여부")
    out = tmp_path / "product"
    build(raw, "--out", out, "--target", "불량여부", "--time-column", "일시")
    verdicts = [
        line.rsplit(",", 1)[1] for line in raw.read_bytes().decode("cp949").splitlines()[1:]
    ]
    ng = [v == "NG" for v in verdicts if v]
    assert sum(ng) == 30 and len(ng) == 240  # the test's own data: NG is the minority

    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table.schema["불량여부"] == pl.Boolean
    assert table["불량여부"].to_list() == ng  # true exactly on the NG rows
    csv = pl.read_csv(out / "data" / "table.csv", infer_schema_length=0)
    assert csv["불량여부"].to_list() == ["true" if x else "false" for x in ng]

    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["basis"]["bad_classes"] == ["true"]  # true = NG: the defect class
    assert metrics["basis"]["bad_raw_values"] == ["NG"]
    lineage = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    assert lineage["inputs"][0]["name"] == raw.name


def test_neutral_header_keeps_the_text_and_says_so(tmp_path: Path) -> None:
    raw = plant_csv(tmp_path / "판정.csv", "판정")
    out = tmp_path / "product"
    build(raw, "--out", out, "--target", "판정", "--time-column", "일시")
    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table.schema["판정"] == pl.String
    assert table["판정"].value_counts().sort("판정").rows() == [("NG", 30), ("OK", 210)]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "label_meaning_unknown" in report
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["basis"]["bad_classes"] == ["NG"]


def test_pass_header_is_true_on_good_rows(tmp_path: Path) -> None:
    raw = plant_csv(tmp_path / "합격.csv", "합격여부", good="합격", bad="불합격")
    out = tmp_path / "product"
    build(raw, "--out", out, "--target", "합격여부", "--time-column", "일시")
    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table["합격여부"].sum() == 210  # true on the good rows
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["basis"]["bad_classes"] == ["false"]
    assert metrics["basis"]["bad_raw_values"] == ["불합격"]


def test_identical_monthly_files_are_counted_once(tmp_path: Path) -> None:
    jan = plant_csv(tmp_path / "사출_202401.csv", "불량여부", n=120)
    feb = tmp_path / "사출_202402.csv"
    feb.write_bytes(jan.read_bytes())  # the February export is January's file again
    mar = plant_csv(tmp_path / "사출_202403.csv", "불량여부", n=96, day=3)
    out = tmp_path / "product"
    build(jan, feb, mar, "--out", out, "--time-column", "일시")
    assert pl.read_parquet(out / "data" / "table.parquet").height == 120 + 96
    lineage = json.loads((out / "lineage.json").read_text(encoding="utf-8"))
    names = [(i["name"], i.get("duplicate_of")) for i in lineage["inputs"]]
    assert names == [(jan.name, None), (feb.name, jan.name), (mar.name, None)]
    assert lineage["inputs"][1]["sha256"] == lineage["inputs"][0]["sha256"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "duplicate_input_file" in report and feb.name in report
