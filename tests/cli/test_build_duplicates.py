"""Issue 10, duplicates and verify, end to end: three monthly CP949 exports of one injection line
where February's file starts with the last day of January again (an overlapping export) and
March's re-sent six readings. The product must hold every reading once, the recipe must say what
it removed and why, quality must count the duplicates, and ``mfgdata verify`` must get the build's
score and grade on the untouched folder and never call a tampered folder registrable."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from mfgdata.cli.app import app

runner = CliRunner()
DATA = ["일시", "설비ID", "금형온도", "사출압력", "불량여부"]
OVERLAP, RESENT = 24, 6


def month(m: int, rng: np.random.Generator) -> pl.DataFrame:
    t0 = datetime(2024, m, 1)
    n = (datetime(2024, m + 1, 1) - t0) // timedelta(hours=1)
    temp = np.round(200 + rng.normal(0, 1.5, n), 2).astype(str).tolist()
    for i in rng.choice(n, 3, replace=False):
        temp[int(i)] = "#N/A"  # historian junk in a numeric tag
    return pl.DataFrame(
        {
            "일시": [(t0 + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M") for i in range(n)],
            "설비ID": ["사출기-2"] * n,
            "금형온도": temp,
            "사출압력": np.round(80 + rng.normal(0, 0.8, n), 2),
            "불량여부": ["NG" if rng.random() < 0.08 else "OK" for _ in range(n)],
        }
    )


def write_cp949(df: pl.DataFrame, path: Path) -> Path:
    path.write_bytes(df.write_csv().encode("cp949"))
    return path


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], int]:
    rng = np.random.default_rng(10)
    jan, feb, mar = month(1, rng), month(2, rng), month(3, rng)
    feb = pl.concat([jan.tail(OVERLAP), feb])  # the export overlaps the previous month
    mar = pl.concat([mar.head(400), mar.slice(100, RESENT), mar.slice(400)])  # re-sent rows
    folder = tmp_path_factory.mktemp("raw")
    files = [
        write_cp949(df, folder / f"사출2라인_2024-{m:02d}.csv")
        for m, df in ((1, jan), (2, feb), (3, mar))
    ]
    return files, jan.height + feb.height + mar.height


@pytest.fixture(scope="module")
def product(monthly: tuple[list[Path], int], tmp_path_factory: pytest.TempPathFactory) -> Path:
    files, _ = monthly
    out = tmp_path_factory.mktemp("out") / "product"
    res = runner.invoke(
        app,
        [
            *("build", *map(str, files), "--out", str(out), "--time-column", "일시"),
            *("--id-column", "설비ID", "--product-id", "line2-monthly"),
        ],
    )
    assert res.exit_code == 0, res.output
    return out


def quality(root: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((root / "quality.json").read_text(encoding="utf-8"))


def measure(root: Path, mid: str) -> dict:  # type: ignore[type-arg]
    return next(m for m in quality(root)["measures"] if m["id"] == mid)


def test_table_holds_every_reading_once(product: Path, monthly: tuple[list[Path], int]) -> None:
    _, raw_rows = monthly
    table = pl.read_parquet(product / "data" / "table.parquet")
    assert "source_file" in table.columns  # several files: the build names each row's file
    assert table.select(DATA).is_duplicated().sum() == 0
    assert table.height == raw_rows - OVERLAP - RESENT


def test_recipe_says_what_dedupe_removed_and_why(product: Path) -> None:
    recipe = yaml.safe_load((product / "recipe.yaml").read_text(encoding="utf-8"))
    dedupe = next(s for s in recipe["steps"] if s["op"] == "dedupe")
    note = dedupe["note"]
    assert f"{OVERLAP + RESENT}개" in note and f"removed {OVERLAP + RESENT} exact" in note
    assert "source_file" in note and all(c in note for c in DATA)


def test_quality_counts_the_duplicates_of_the_delivery(product: Path) -> None:
    src = measure(product, "uniqueness.ingest_rows")
    assert src["evidence"]["count"] == OVERLAP + RESENT and src["value"] < 1 and not src["passed"]
    assert src["evidence"]["excluded"] == ["source_file"]
    assert len(src["evidence"]["rows"]) == 20  # bounded sample of the removed rows
    assert measure(product, "uniqueness.rows")["value"] == 1.0  # the delivered table
    codes = [r["code"] for r in quality(product)["grade_reasons"]]
    assert "measure.uniqueness.ingest_rows" in codes


def test_report_shows_the_grade_reasons(product: Path) -> None:
    html = (product / "report.html").read_text(encoding="utf-8")
    assert 'class="grade-reasons"' in html and "원본 행 유일성" in html


def _verified(root: Path) -> tuple[int, str]:
    res = runner.invoke(app, ["verify", str(root)], terminal_width=200)
    return res.exit_code, res.output


def test_verify_gets_the_builds_score_and_grade(product: Path) -> None:
    q = quality(product)
    code, out = _verified(product)
    score = re.search(r"score ([0-9.]+), 등급 / grade ([ABCF])", out)
    assert score is not None, out
    assert float(score.group(1)) == pytest.approx(q["score"], abs=5e-5)
    assert score.group(2) == q["grade"]
    assert f"registrable: {q['registrable']}" in out
    assert code == (0 if q["registrable"] else 1)


def test_verify_reevaluates_exactly_what_the_build_did(product: Path) -> None:
    from mfgdata.quality.verify import verify_product

    rep = verify_product(product)
    q = quality(product)
    assert rep.quality is not None and not rep.tampered
    assert rep.quality.score == q["score"] and rep.quality.grade == q["grade"]
    assert [m.to_dict() for m in rep.quality.measures] == q["measures"]


@pytest.mark.parametrize("change", ["modified", "missing", "unlisted"])
def test_tampered_folder_is_never_registrable(product: Path, tmp_path: Path, change: str) -> None:
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(product, root)
    q = quality(root)
    if change == "modified":
        with (root / "data" / "table.csv").open("a", encoding="utf-8") as f:
            f.write(f"2024-03-31 23:00:00,사출기-2,201.0,80.0,OK,x,{q['rows']}\n")
    elif change == "missing":
        (root / "profile.json").unlink()  # a file every product has
    else:
        (root / "data" / "extra.parquet").write_bytes(b"PAR1")
    # an edited contract under which the quality alone is registrable: only tampering refuses
    contract = (root / "contract.yaml").read_text(encoding="utf-8")
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text(
        contract.replace("registrationGrade\n  value: B", "registrationGrade\n  value: F"),
        encoding="utf-8",
    )
    assert lenient.read_text(encoding="utf-8") != contract
    res = runner.invoke(app, ["verify", str(root), "--contract", str(lenient)], terminal_width=200)
    assert res.exit_code == 1, res.output
    assert "registrable: False" in res.output and "registrable: True" not in res.output
    assert change in res.output
