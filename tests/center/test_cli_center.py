"""``mfgdata center``: KPIs, company import (dry run, then write), a survey's life cycle."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()


def test_kpi_table_json_and_bad_input() -> None:
    before = "pbt=480,apt=420,pri=0.75,pq=500,gq=475,sq=15,rq=10"
    out = runner.invoke(
        app,
        ["center", "kpi", "--before", before, "--after", "pbt=480,apt=450,pri=0.75,pq=560,gq=550"],
    )
    assert out.exit_code == 0, out.output
    assert "74.2 %" in out.output and "+11.7 %p" in out.output
    js = runner.invoke(app, ["center", "kpi", "--before", before, "--format", "json"])
    oee = next(k for k in json.loads(js.output)["before"] if k["id"] == "oee")
    assert oee["value"] == 0.7421875
    bad = runner.invoke(app, ["center", "kpi", "--before", "pbt=480,apt=500,pri=1,pq=1,gq=1"])
    assert bad.exit_code == 2 and "APT" in bad.output and "Traceback" not in bad.output


def test_companies_and_survey_cycle(mfgdata_home: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    csv = tmp_path / "c.csv"
    csv.write_bytes(
        "사업자등록번호,회사명,업종코드,지역,기업규모\n124-81-00998,대구정밀,29,대구,소기업\n".encode(
            "cp949"
        )
    )
    dry = runner.invoke(app, ["center", "companies", "import", str(csv)])
    assert dry.exit_code == 0 and "dry run" in dry.output
    listed = runner.invoke(app, ["center", "companies", "list"])
    assert "대구정밀" not in listed.output
    wrote = runner.invoke(app, ["center", "companies", "import", str(csv), "--write"])
    assert wrote.exit_code == 0 and "1 new" in wrote.output
    assert "대구정밀" in runner.invoke(app, ["center", "companies", "list"]).output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "사업자등록번호,회사명,업종코드,지역,기업규모\n124-81-00997,X,29,대구,소기업\n",
        encoding="utf-8",
    )
    failed = runner.invoke(app, ["center", "companies", "import", str(bad)])
    assert failed.exit_code == 2 and "line 2" in failed.output and "check digit" in failed.output

    made = runner.invoke(app, ["center", "surveys", "create", "--template", "maturity"])
    assert made.exit_code == 0 and made.output.startswith("survey 1")
    assert runner.invoke(app, ["center", "surveys", "open", "1"]).exit_code == 0
    link = runner.invoke(
        app, ["center", "surveys", "link", "1", "--company", "1248100998", "--phase", "before"]
    )
    assert link.exit_code == 0 and "/s/sv_" in link.output
    analysed = runner.invoke(app, ["center", "surveys", "analyse", "1"])
    assert json.loads(analysed.output)["links"] == 1
    out = tmp_path / "r.xlsx"
    assert (
        runner.invoke(app, ["center", "surveys", "export", "1", "--out", str(out)]).exit_code == 0
    )
    assert out.stat().st_size > 0
    remind = runner.invoke(app, ["center", "surveys", "remind", "1"])
    assert (
        remind.exit_code == 0 and "대구정밀" in remind.output and "1 not submitted" in remind.output
    )
    req = runner.invoke(app, ["center", "events", "requirement", "--year", "2026"])
    assert req.exit_code == 0 and "held 0" in req.output and "not met" in req.output
    board = runner.invoke(
        app, ["center", "dashboard", "--year", "2099", "--out", str(tmp_path / "d.xlsx")]
    )
    assert board.exit_code == 0 and (tmp_path / "d.xlsx").stat().st_size > 0
    missing = runner.invoke(app, ["center", "surveys", "open", "99"])
    assert missing.exit_code == 2 and "no such survey" in missing.output
