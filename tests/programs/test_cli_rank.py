"""``mfgdata programs rank`` end to end: CSV in, JSON or a table out, one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from tests.programs.sheets import PRODUCT, REGIONAL

runner = CliRunner()


def write_scores(path: Path, panels: dict[str, list[tuple[str | int, ...]]], call: str) -> Path:
    template = REGIONAL if call == "regional" else PRODUCT
    lines = ["applicant,evaluator,category,score"]
    for applicant, sheets in panels.items():
        for i, scores in enumerate(sheets, start=1):
            for c, s in zip(template.categories, scores, strict=True):
                lines.append(f"{applicant},위원{i},{c.name},{s}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rank(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["programs", "rank", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_productization_end_to_end_json(tmp_path: Path) -> None:
    scores = write_scores(
        tmp_path / "scores.csv",
        {
            "(주)가나정밀": [(15, 22, 23, 15)] * 5,  # 75
            "다라테크": [(15, 22, 21, 15)] * 5,  # 73 + 3
            "마바산업": [(18, 27, 27, 18)] * 5,  # 90 but 부 on the site check
            "사아기계": [(12, 18, 18, 11)] * 4 + [(12, 18, 18, 12)],  # 59.20
        },
        "product",
    )
    bonus = tmp_path / "bonus.csv"
    bonus.write_text("applicant,item\n다라테크,데이터 라이브러리 거래 실적\n", encoding="utf-8")
    site = tmp_path / "site.csv"
    site_lines = ["applicant,item,result"]
    for a in ("(주)가나정밀", "다라테크", "마바산업"):
        for item in ("existence", "data_holding", "capacity"):
            result = "부" if (a, item) == ("마바산업", "capacity") else "적"
            site_lines.append(f"{a},{item},{result}")
    site.write_text("\n".join(site_lines) + "\n", encoding="utf-8")
    code, out = rank(
        "--template", "data-productization-2025", "--scores", str(scores),
        "--bonus", str(bonus), "--site-check", str(site), "--format", "json",
    )  # fmt: skip
    assert code == 0, out
    rows = json.loads(out)
    got = [
        (r["applicant"], r["score"], r["bonus"], r["final"], r["rank"], r["selected"]) for r in rows
    ]
    assert got == [
        ("다라테크", "73.00", "3.00", "76.00", 1, True),
        ("(주)가나정밀", "75.00", "0.00", "75.00", 2, True),
        ("마바산업", "90.00", "0.00", "90.00", None, False),
        ("사아기계", "59.20", "0.00", "59.20", None, False),
    ]
    assert "수행 인력·설비 확보 여부" in rows[2]["reason"]
    assert "cut-off" in rows[3]["reason"]


def test_regional_end_to_end_table(tmp_path: Path) -> None:
    scores = write_scores(
        tmp_path / "s.csv",
        {"A": [(30, 25, 15, 10)] * 6, "B": [(28, 27, 15, 10)] * 6},
        "regional",
    )
    code, out = rank("--template", "regional-ai-center-2025", "--scores", str(scores))
    assert code == 0, out
    assert "80.00" in out and "선정" in out
    assert out.index("│ A ") < out.index("│ B ")


@pytest.mark.parametrize(
    ("content", "encoding", "expected"),
    [
        (
            "applicant,evaluator,category,score\nA,E1,기술성,10\n",
            "utf-8",
            "unknown category '기술성'",
        ),
        ("applicant,evaluator,category,score\nA,E1,정책부합성,열\n", "utf-8", "not a number: '열'"),
        ("applicant,evaluator,category,score\nA,E1,정책부합성,10\n", "cp949", "CP949"),
        ("applicant,evaluator,score\nA,E1,10\n", "utf-8", "missing columns: category"),
        ("applicant,evaluator,category,score\nA,E1,정책부합성,31\n", "utf-8", "outside 0–30"),
    ],
)
def test_bad_scores_file_is_one_line_and_exit_2(
    tmp_path: Path, content: str, encoding: str, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content.encode(encoding))
    code, out = rank("--template", "regional-ai-center-2025", "--scores", str(path))
    assert code == 2
    assert expected in out and "오류 / error" in out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1
    assert "bad.csv" in out


def test_missing_evaluator_score_is_refused(tmp_path: Path) -> None:
    scores = write_scores(tmp_path / "s.csv", {"A": [(30, 25, 15, 10)] * 6}, "regional")
    lines = scores.read_text(encoding="utf-8").splitlines()
    scores.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # 위원6 lacks 성과확산
    code, out = rank("--template", "regional-ai-center-2025", "--scores", str(scores))
    assert code == 2
    assert "missing score: A / 위원6 / 성과확산" in out and "평가 점수가 없습니다" in out


def test_unknown_template_lists_the_built_in_ones(tmp_path: Path) -> None:
    scores = write_scores(tmp_path / "s.csv", {"A": [(30, 25, 15, 10)] * 6}, "regional")
    code, out = rank("--template", "nope", "--scores", str(scores))
    assert code == 2
    assert "regional-ai-center-2025" in out and "data-productization-2025" in out


def test_bonus_on_a_call_without_bonus_items(tmp_path: Path) -> None:
    scores = write_scores(tmp_path / "s.csv", {"A": [(30, 25, 15, 10)] * 6}, "regional")
    bonus = tmp_path / "b.csv"
    bonus.write_text("applicant,item\nA,trading_record\n", encoding="utf-8")
    code, out = rank(
        "--template", "regional-ai-center-2025", "--scores", str(scores), "--bonus", str(bonus)
    )
    assert code == 2 and "unknown bonus item 'trading_record'" in out


def test_site_check_result_must_be_jeok_or_bu(tmp_path: Path) -> None:
    scores = write_scores(tmp_path / "s.csv", {"A": [(15, 22, 23, 15)] * 5}, "product")
    site = tmp_path / "site.csv"
    site.write_text("applicant,item,result\nA,사업장 실재 여부,보류\n", encoding="utf-8")
    code, out = rank(
        "--template", "data-productization-2025", "--scores", str(scores), "--site-check", str(site)
    )
    assert code == 2
    assert "적 또는 부" in out and "site.csv" in out and "line 2" in out


def test_templates_command_lists_both_calls() -> None:
    result = runner.invoke(app, ["programs", "templates"])
    assert result.exit_code == 0
    assert "regional-ai-center-2025" in result.output and "제조 데이터 상품화" in result.output


def test_decomposed_hangul_from_macos_matches_the_call(tmp_path: Path) -> None:
    import unicodedata

    scores = write_scores(tmp_path / "s.csv", {"A": [(30, 25, 15, 10)] * 6}, "regional")
    nfd = unicodedata.normalize("NFD", scores.read_text(encoding="utf-8"))
    assert "정책부합성" not in nfd  # the bytes really differ
    scores.write_text(nfd, encoding="utf-8")
    code, out = rank(
        "--template", "regional-ai-center-2025", "--scores", str(scores), "--format", "json"
    )
    assert code == 0, out
    assert json.loads(out)[0]["score"] == "80.00"


def test_applicant_past_the_cut_off_without_site_results_waits(tmp_path: Path) -> None:
    scores = write_scores(
        tmp_path / "s.csv", {"A": [(15, 22, 23, 15)] * 5, "B": [(15, 22, 22, 15)] * 5}, "product"
    )
    site = tmp_path / "site.csv"
    rows = [f"A,{i},적" for i in ("existence", "data_holding", "capacity")]
    site.write_text("applicant,item,result\n" + "\n".join(rows) + "\n", encoding="utf-8")
    args = ["--scores", str(scores), "--site-check", str(site), "--format", "json"]
    code, out = rank("--template", "data-productization-2025", *args)
    assert code == 0, out
    a, b = json.loads(out)
    assert (a["applicant"], a["selected"], a["rank"]) == ("A", True, 1)
    assert (b["applicant"], b["selected"], b["rank"]) == ("B", False, None)
    assert "site check" in b["reason"]
    site.write_text(site.read_text(encoding="utf-8") + "A,capacity,부\n", encoding="utf-8")
    code, out = rank("--template", "data-productization-2025", *args)
    assert code == 2 and "the same site-check item twice" in out and "line 5" in out
