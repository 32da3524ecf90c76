"""``mfgdata predict`` reads what ``build`` reads (issue 11, item 5): a CP949 export with title
lines and junk, workbooks with several sheets and ``--sheet``, the product's zone; the recipe and
the standardize units are applied by predict, and the recipe's flags live in data/flags.parquet,
not in the product table, so no caller ever supplies them."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.pipeline.manifest import read_manifest, sha256_file
from modeling.plantfiles import SPIKE_ROW, plant_csv, plant_workbook

runner = CliRunner()


def _build(args: list[str]) -> None:
    result = runner.invoke(app, ["build", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the product built from a CP949 export with a spike, that raw export)."""
    tmp = tmp_path_factory.mktemp("plant")
    raw = plant_csv(tmp / "사출_2024-03.csv", spike=True)
    out = tmp / "product"
    _build([str(raw), "--out", str(out), "--target", "불량여부", "--id-column", "설비ID"])
    return out, raw


@pytest.fixture(scope="module")
def book_product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A product built from the sheet '측정데이터' of a workbook whose first sheet is a note."""
    tmp = tmp_path_factory.mktemp("book")
    book = plant_workbook(tmp / "검사.xlsx", {"측정데이터": (300, 3)}, readme=True)
    out = tmp / "product"
    _build([str(book), "--out", str(out), "--target", "불량여부", "--id-column", "설비ID"])
    assert (
        json.loads((out / "lineage.json").read_text("utf-8"))["inputs"][0]["sheet"] == "측정데이터"
    )
    return out


def _predict(product: Path, *args: str) -> tuple[int, str, pl.DataFrame | None]:
    out = product.parent / "scored.parquet"
    out.unlink(missing_ok=True)
    result = runner.invoke(app, ["predict", str(product), *args, "--out", str(out)])
    frame = pl.read_parquet(out) if result.exit_code == 0 else None
    return result.exit_code, result.output, frame


def test_cp949_export_with_title_lines_and_junk_is_scored(
    plant: tuple[Path, Path], tmp_path: Path
) -> None:
    product, _ = plant
    new = plant_csv(tmp_path / "사출_2024-04.csv", n=120, seed=7)
    code, output, scored = _predict(product, "--input", str(new))
    assert code == 0, output
    assert scored is not None and scored.height == 120
    assert scored["input_row"].to_list() == list(range(120))
    assert "Traceback" not in output and "사출압력 2" in output  # the two 'Bad' values, nulled
    assert not [c for c in scored.columns if c.endswith("__outlier")]
    assert scored["일시"].dtype == pl.Datetime("us", "Asia/Seoul")  # the product's zone
    truth = pl.Series([int(abs(t - 210) > 4) for t in scored["금형온도"]])
    agree = scored["predicted_class"].cast(pl.String) == truth.cast(pl.Boolean).cast(pl.String)
    assert agree.mean() > 0.9  # type: ignore[operator]


def test_the_training_file_fed_back_gives_the_product_values(plant: tuple[Path, Path]) -> None:
    """Recipe and standardize units applied by predict: the scored rows hold the product
    table's values (pressure converted bar → MPa by standardize), row for row."""
    product, raw = plant
    code, output, scored = _predict(product, "--input", str(raw))
    assert code == 0, output
    table = pl.read_parquet(product / "data" / "table.parquet")
    assert scored is not None and scored.height == table.height
    for col in ("금형온도", "사출압력", "사이클타임"):
        assert scored[col].to_list() == pytest.approx(table[col].to_list(), nan_ok=True), col
    assert table["사출압력"].median() < 10  # MPa, not bar  # type: ignore[operator]


def test_several_files_after_input_and_a_time_zone(
    plant: tuple[Path, Path], tmp_path: Path
) -> None:
    product, _ = plant
    a = plant_csv(tmp_path / "a.csv", n=30, seed=8)
    b = plant_csv(tmp_path / "b.csv", n=20, seed=9)
    code, output, scored = _predict(product, "--input", str(a), str(b), "--timezone", "UTC")
    assert code == 0, output
    assert scored is not None and scored.height == 50
    assert scored["source_file"].unique().sort().to_list() == ["a.csv", "b.csv"]
    assert scored["일시"].dtype == pl.Datetime("us", "UTC")
    assert scored["일시"][0].hour == 8  # wall clock 08:00 read in UTC, not Seoul


def test_workbook_the_builds_sheet_by_default(book_product: Path, tmp_path: Path) -> None:
    book = plant_workbook(tmp_path / "새검사.xlsx", {"측정데이터": (40, 11)}, readme=True)
    code, output, scored = _predict(book_product, "--input", str(book))
    assert code == 0, output
    assert scored is not None and scored.height == 40


def test_workbook_with_several_sheets_and_sheet_option(book_product: Path, tmp_path: Path) -> None:
    book = plant_workbook(tmp_path / "호기별.xlsx", {"1호기": (30, 12), "2호기": (45, 13)})
    code, output, scored = _predict(book_product, "--input", str(book), "--sheet", "1호기")
    assert code == 0, output
    want = pl.read_excel(book, sheet_name="1호기")
    assert scored is not None and scored.height == 30
    assert scored["금형온도"].to_list() == pytest.approx(want["금형온도[℃]"].to_list())
    code, output, scored = _predict(book_product, "--input", str(book))
    assert code == 0, output
    assert scored is not None and scored.height == 45  # the largest table, and it says why
    assert "측정데이터" in output and "--sheet" in output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--sheet", "3호기"], "no sheet named '3호기'"),
        (["--timezone", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_bad_options_are_one_line_exit_2(
    book_product: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    book = plant_workbook(tmp_path / "호기별.xlsx", {"1호기": (30, 12)})
    code, output, _ = _predict(book_product, "--input", str(book), *args)
    assert code == 2 and words in output and "Traceback" not in output


def test_missing_and_unreadable_inputs_are_one_line_exit_2(
    plant: tuple[Path, Path], tmp_path: Path
) -> None:
    product, _ = plant
    code, output, _ = _predict(product, "--input", str(tmp_path / "없음.csv"))
    assert code == 2 and "오류 / error" in output and "Traceback" not in output
    garbage = tmp_path / "broken.xlsx"
    garbage.write_bytes(b"PK\x03\x04 not really a workbook")
    code, output, _ = _predict(product, "--input", str(garbage))
    assert code == 2 and "Excel" in output and "Traceback" not in output
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    code, output, _ = _predict(product, "--input", str(wrong))
    assert code == 2 and "금형온도" in output


def test_flags_live_beside_the_table_and_verify_passes(plant: tuple[Path, Path]) -> None:
    product, _ = plant
    table = pl.read_parquet(product / "data" / "table.parquet")
    csv_header = (product / "data" / "table.csv").read_text("utf-8").splitlines()[0]
    assert not [c for c in table.columns if c.endswith("__outlier")]
    assert "__outlier" not in csv_header
    flags = pl.read_parquet(product / "data" / "flags.parquet")
    assert flags.columns[0] == "row" and flags["row"].to_list() == list(range(table.height))
    assert "금형온도__outlier" in flags.columns
    spiked = flags.filter(pl.col("금형온도__outlier"))["row"].to_list()
    assert SPIKE_ROW in spiked and table["금형온도"][SPIKE_ROW] == 350.0  # the spike's row
    assert len(spiked) < 5
    pkg = json.loads((product / "datapackage.json").read_text("utf-8"))
    (res,) = [r for r in pkg["resources"] if r["name"] == "flags"]
    assert res["path"] == "data/flags.parquet"
    assert res["hash"] == "sha256:" + sha256_file(product / "data" / "flags.parquet")
    assert [f["name"] for f in res["schema"]["fields"]] == flags.columns
    table_fields = [f["name"] for f in pkg["resources"][0]["schema"]["fields"]]
    assert table_fields == table.columns
    assert "data/flags.parquet" in read_manifest(product)["files"]
    spec = json.loads((product / "model" / "features.json").read_text("utf-8"))
    assert not [f for f in spec["features"] if f["source"].endswith("__outlier")]
    verified = runner.invoke(app, ["verify", str(product)])
    assert verified.exit_code == 0, verified.output


def test_a_changed_flags_file_fails_verify(plant: tuple[Path, Path], tmp_path: Path) -> None:
    import shutil

    copy = Path(shutil.copytree(plant[0], tmp_path / "copy"))
    flags = pl.read_parquet(copy / "data" / "flags.parquet")
    flags.with_columns(pl.col("금형온도__outlier").not_()).write_parquet(
        copy / "data" / "flags.parquet"
    )
    verified = runner.invoke(app, ["verify", str(copy)])
    assert verified.exit_code != 0 and "flags.parquet" in verified.output


def test_an_unwritable_output_is_one_line_exit_2(plant: tuple[Path, Path], tmp_path: Path) -> None:
    product, _ = plant
    new = plant_csv(tmp_path / "new.csv", n=10, seed=30)
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    args = ["predict", str(product), "--input", str(new), "--out", str(blocker / "s.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "cannot write the output file" in result.output
