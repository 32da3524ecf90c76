"""``mfgdata match --demand FILE.json --format json`` end to end, and one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "suppliers.yaml"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["match", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_json_suggestions_with_reasons(tmp_path: Path) -> None:
    demand = {
        "company": "가람정공",
        "text": "사출성형 불량을 줄이고 싶습니다",
        "process_family": "injection_molding",
        "budget_krw": 60000000,
    }
    (tmp_path / "d.json").write_text(json.dumps(demand, ensure_ascii=False), encoding="utf-8")
    code, out = run(
        "--demand", str(tmp_path / "d.json"), "--suppliers", str(DATA), "--format", "json"
    )
    assert code == 0, out
    data = json.loads(out)
    top = data["suggestions"][0]
    assert top["solution_id"] == "mold-temp"
    assert {"사출", "성형"} <= set(top["reasons"]["words"])
    assert {"facet": "process_family", "value": "injection_molding"} in top["reasons"]["facets"]
    assert top["score_unit"].startswith("점")
    code, out = run("--demand", str(tmp_path / "d.json"), "--suppliers", str(DATA))
    assert code == 0 and "몰드에이아이" in out and "제외 / excluded" in out


def test_csv_suppliers(tmp_path: Path) -> None:
    (tmp_path / "s.csv").write_text(
        "supplier_id,supplier,regions,conflicts,solution_id,solution,description_ko,"
        "problem_types,process_families,deployment,price_min_krw\n"
        "a,에이,경남,,a1,사출성형기 금형온도 관리,금형 온도,defect_prediction,injection_molding,"
        "cloud;on_premise,1000000\n"
        "a,에이,경남,,a2,용접 검사,,vision_inspection,welding,cloud,1000000\n",
        encoding="utf-8",
    )
    (tmp_path / "d.json").write_text('{"company": "c", "text": "사출성형"}', encoding="utf-8")
    code, out = run(
        "--demand",
        str(tmp_path / "d.json"),
        "--suppliers",
        str(tmp_path / "s.csv"),
        "--format",
        "json",
    )
    assert code == 0, out
    assert json.loads(out)["suggestions"][0]["solution_id"] == "a1"


def test_bad_inputs_one_line(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text('{"company": "c", "budget_krw": "많이"}', encoding="utf-8")
    code, out = run("--demand", str(tmp_path / "d.json"), "--suppliers", str(DATA))
    assert code == 2 and "demand is not valid (budget_krw)" in out and "Traceback" not in out
    (tmp_path / "d.json").write_text("{not json", encoding="utf-8")
    code, out = run("--demand", str(tmp_path / "d.json"), "--suppliers", str(DATA))
    assert code == 2 and "not a JSON file" in out
    (tmp_path / "d.json").write_text('{"company": "c"}', encoding="utf-8")
    (tmp_path / "s.yaml").write_text("suppliers:\n  - id: a\n    name: A\n    colour: red\n")
    code, out = run("--demand", str(tmp_path / "d.json"), "--suppliers", str(tmp_path / "s.yaml"))
    assert code == 2 and "suppliers list is not valid (suppliers.0.colour)" in out


def test_suppliers_in_the_database(tmp_path: Path) -> None:
    """Import into the home's SQLite, review, then match against the database."""
    result = runner.invoke(app, ["suppliers", "import", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "suppliers: 4" in result.output and "solutions: 5" in result.output
    (tmp_path / "d.json").write_text(
        '{"company": "가람정공", "text": "사출성형 금형", "process_family": "injection_molding"}',
        encoding="utf-8",
    )
    code, out = run("--demand", str(tmp_path / "d.json"), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["suggestions"][0]["solution_id"] == "mold-temp"
    assert ("newco", "not_approved") in {(e["supplier_id"], e["reason"]) for e in data["excluded"]}
    result = runner.invoke(app, ["suppliers", "review", "newco", "approve"])
    assert result.exit_code == 0 and "newco: approved" in result.output
    code, out = run("--demand", str(tmp_path / "d.json"), "--format", "json")
    assert "newco" in {s["supplier_id"] for s in json.loads(out)["suggestions"]}
    result = runner.invoke(app, ["suppliers", "review", "nobody", "approve"])
    assert result.exit_code == 2 and "no such supplier" in result.output
