"""``mfgdata consult assign`` end to end: CSV in, JSON out, re-runs keep accepted pairs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()

EXPERTS = """expert,fields,regions,capacity,conflicts
김전문,AI;데이터분석,경남;부산,2,가나정밀
이박사,품질;데이터분석,서울,1,
박위원,설비보전,경남,1,사아기계
"""
REQUESTS = """company,field,region
가나정밀,데이터분석,경남
다라테크,AI,경남
마바산업,데이터분석,부산
사아기계,설비보전,경남
자차전자,공정최적화,대구
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["consult", "assign", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def files(tmp_path: Path, experts: str = EXPERTS, requests: str = REQUESTS) -> list[str]:
    (tmp_path / "E.csv").write_text(experts, encoding="utf-8")
    (tmp_path / "R.csv").write_text(requests, encoding="utf-8")
    return ["--experts", str(tmp_path / "E.csv"), "--requests", str(tmp_path / "R.csv")]


def test_json_pairs_and_reasons(tmp_path: Path) -> None:
    code, out = run(*files(tmp_path), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    pairs = {p["company"]: (p["expert"], p["score"]) for p in data["pairs"]}
    # 김전문 has a conflict with 가나정밀, so 이박사 (another region: 2 points) takes it
    assert pairs == {
        "가나정밀": ("이박사", 2),
        "다라테크": ("김전문", 3),
        "마바산업": ("김전문", 3),
    }
    reasons = {u["company"]: u["reason"] for u in data["unassigned"]}
    assert reasons == {"사아기계": "conflict_of_interest", "자차전자": "no_expert_in_field"}
    assert data["total_score"] == 8
    assert all(u["reason_ko"] and u["reason_en"] for u in data["unassigned"])


def test_rerun_keeps_accepted_pairs(tmp_path: Path) -> None:
    """A new application arrives; accepted pairs stay, even where moving one would fit better."""
    args = files(tmp_path)
    # accepted earlier: 마바산업 with 이박사 (2 points; 김전문 would give 3)
    (tmp_path / "A.csv").write_text("company,expert\n마바산업,이박사\n", encoding="utf-8")
    code, out = run(*args, "--accepted", str(tmp_path / "A.csv"), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    pairs = {p["company"]: (p["expert"], p["accepted"]) for p in data["pairs"]}
    assert pairs["마바산업"] == ("이박사", True)
    # 이박사 is full, so 가나정밀 (conflicted with 김전문) cannot be served
    assert "가나정밀" in {u["company"] for u in data["unassigned"]}
    # the previous run's JSON works as the accepted file too
    (tmp_path / "prev.json").write_text(out, encoding="utf-8")
    code, again = run(*args, "--accepted", str(tmp_path / "prev.json"), "--format", "json")
    assert code == 0, again
    assert all(p["accepted"] for p in json.loads(again)["pairs"])


def test_table_output(tmp_path: Path) -> None:
    code, out = run(*files(tmp_path))
    assert code == 0, out
    assert "김전문" in out and "미배정 / unassigned" in out


def test_bad_inputs_one_line(tmp_path: Path) -> None:
    code, out = run(*files(tmp_path, experts="expert,fields\n김,AI\n"))
    assert code == 2 and "missing columns: regions, capacity" in out and "Traceback" not in out
    bad_capacity = "expert,fields,regions,capacity,conflicts\n김,AI,경남,두명,\n"
    code, out = run(*files(tmp_path, experts=bad_capacity))
    assert code == 2 and "capacity" in out and "line 2" in out
    twice = REQUESTS + "다라테크,AI,경남\n"
    code, out = run(*files(tmp_path, requests=twice))
    assert code == 2 and "company listed twice: 다라테크" in out
    (tmp_path / "A.csv").write_text("company,expert\n가나정밀,김전문\n", encoding="utf-8")
    code, out = run(*files(tmp_path), "--accepted", str(tmp_path / "A.csv"))
    assert code == 2 and "conflict of interest" in out
    (tmp_path / "E.csv").write_bytes(
        "expert,fields,regions,capacity,conflicts\n김,AI,경남,1,\n".encode("cp949")
    )
    code, out = run("--experts", str(tmp_path / "E.csv"), "--requests", str(tmp_path / "R.csv"))
    assert code == 2 and "UTF-8" in out
