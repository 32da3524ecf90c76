"""KAMP bundle: the citation in KAMP's exact format, the guidebook's sections from the product's
own files, checksums, and refusals (tampered product, existing output, missing provider)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.errors import ConfigError
from mfgdata.kamp.citation import kamp_citation

runner = CliRunner()
SECTIONS = (
    "## 1. 분석 배경 / Background",
    "## 2. 데이터 설명 / Data description",
    "## 3. 데이터 전처리 / Preprocessing",
    "## 4. 분석 / Analysis",
    "## 5. 분석 결과 / Results",
    "## 6. 활용 방안 / How to use",
)


@pytest.mark.parametrize(
    ("participants", "expected"),
    [
        (
            ("UNIST", "이피엘코리아"),
            "중소벤처기업부, Korea AI Manufacturing Platform(KAMP), 사출성형기 AI 데이터셋,"
            " KAIST(UNIST, 이피엘코리아), 2020.12.14, www.kamp-ai.kr",
        ),
        (
            (),
            "중소벤처기업부, Korea AI Manufacturing Platform(KAMP), 사출성형기 AI 데이터셋,"
            " KAIST, 2020.12.14, www.kamp-ai.kr",
        ),
    ],
)
def test_citation_format(participants: tuple[str, ...], expected: str) -> None:
    got = kamp_citation(
        dataset="사출성형기 AI 데이터셋",
        provider="KAIST",
        participants=participants,
        day=dt.date(2020, 12, 14),
    )
    assert got == expected


def test_citation_needs_provider() -> None:
    with pytest.raises(ConfigError, match="provider"):
        kamp_citation(dataset="x", provider=" ", day=dt.date(2020, 1, 1))


def bundle(product: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["kamp", "bundle", str(product), "--out", str(out), "--provider", "경남센터", *extra],
        env={"COLUMNS": "200"},
    )
    return result.exit_code, result.output


def test_bundle_from_a_built_product(product_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "bg.txt").write_text("사출 불량을 줄이려는 과제입니다.", encoding="utf-8")
    out = tmp_path / "kamp"
    code, output = bundle(
        product_dir,
        out,
        "--participant",
        "가람정공, 몰드에이아이",
        "--date",
        "2026-11-30",
        "--background",
        str(tmp_path / "bg.txt"),
    )
    assert code == 0, output
    citation = (out / "citation.txt").read_text(encoding="utf-8").strip()
    assert citation == (
        "중소벤처기업부, Korea AI Manufacturing Platform(KAMP), 사출성형 공정 데이터,"
        " 경남센터(가람정공, 몰드에이아이), 2026.11.30, www.kamp-ai.kr"
    )
    guide = (out / "guidebook.md").read_text(encoding="utf-8")
    positions = [guide.index(s) for s in SECTIONS]
    assert positions == sorted(positions)  # KAMP's order
    assert "사출 불량을 줄이려는 과제입니다." in guide
    assert "| 온도 | 온도[℃] | number | ℃ |" in guide  # from datapackage.json, with the unit
    assert "- 행 수 / rows: 300 행 / rows" in guide  # from profile.json
    assert "**이상값 처리 / outliers**" in guide  # from recipe.yaml
    quality = json.loads((product_dir / "quality.json").read_text(encoding="utf-8"))
    assert f"품질 등급 / quality grade: {quality['grade']}" in guide
    assert "(작성 필요" in guide  # the how-to-use text was not given: marked, not invented
    meta = json.loads((out / "kamp.json").read_text(encoding="utf-8"))
    assert meta["participants"] == ["가람정공", "몰드에이아이"] and meta["date"] == "2026-11-30"
    # checksums of every file
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert (out / "data" / "table.parquet").read_bytes() == (
        product_dir / "data" / "table.parquet"
    ).read_bytes()
    # the output exists now: refused, nothing overwritten
    code, output = bundle(product_dir, out)
    assert code == 2 and "exists" in output


def test_tampered_product_is_refused(product_dir: Path, tmp_path: Path) -> None:
    with (product_dir / "data" / "table.csv").open("a", encoding="utf-8") as f:
        f.write("tampered\n")
    code, output = bundle(product_dir, tmp_path / "kamp")
    assert code == 2 and "does not match the manifest: data/table.csv" in output
    assert not (tmp_path / "kamp").exists()
    code, output = bundle(tmp_path, tmp_path / "k2")
    assert code == 2 and "not a product folder" in output


def test_bad_date_one_line(product_dir: Path, tmp_path: Path) -> None:
    code, output = bundle(product_dir, tmp_path / "k", "--date", "30/11/2026")
    assert code == 2 and "YYYY-MM-DD" in output and "Traceback" not in output
