"""``mfgdata build`` end to end: the demo, reproducibility, and every bad input of issue #2."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.samples import demo_files

runner = CliRunner()

PRODUCT_FILES = [
    "manifest.json",
    "datapackage.json",
    "data/table.parquet",
    "data/table.csv",
    "recipe.yaml",
    "lineage.json",
    "profile.json",
    "report.html",
]
DEMO_ARGS = [
    *("--time-column", "일시", "--id-column", "설비ID", "--target", "불량여부"),
    *("--product-id", "line2-injection"),
]


def build(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["build", *map(str, args)])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_product(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "product"
    code, output = build(*demo_files(), "--out", out, *DEMO_ARGS)
    assert code == 0, output
    return out


def test_demo_product_has_every_file(demo_product: Path) -> None:
    for rel in PRODUCT_FILES:
        assert (demo_product / rel).is_file(), rel


def test_rebuild_with_written_recipe_is_byte_identical(demo_product: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    code, output = build(
        *demo_files(), "--out", again, "--recipe", demo_product / "recipe.yaml", *DEMO_ARGS
    )
    assert code == 0, output
    for rel in ("data/table.parquet", "data/table.csv", "datapackage.json"):
        assert (again / rel).read_bytes() == (demo_product / rel).read_bytes(), rel


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


GOOD_CSV = b"time,temp\n2024-01-01 00:00:00,1.5\n2024-01-01 00:00:01,1.6\n"


@pytest.mark.parametrize(
    ("name", "content", "must_mention"),
    [
        ("missing.csv", None, ["missing.csv"]),
        ("empty.csv", b"", ["empty.csv"]),
        ("binary.csv", bytes(range(256)) * 40, ["binary.csv"]),
        ("truncated.csv", b'a,b,c\n1,2,3\n4,"unterminated,6\n', ["truncated.csv"]),
        ("ragged.csv", b"a,b,c\n1,2,3\n4,5,6,7,8\n9,10,11\n", ["ragged.csv", "3"]),
        ("broken.xlsx", b"PK\x03\x04 this is not really a zip", ["broken.xlsx"]),
        ("text.xlsx", b"just text", ["text.xlsx"]),
    ],
)
def test_bad_input_gives_one_clear_line(
    tmp_path: Path, name: str, content: bytes | None, must_mention: list[str]
) -> None:
    src = tmp_path / name
    if content is not None:
        _write(src, content)
    code, output = build(src, "--out", tmp_path / "out")
    assert code == 2, output
    assert "Traceback" not in output
    assert "오류 / error:" in output
    for text in must_mention:
        assert text in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("recipe", "must_mention"),
    [
        ("version: 1\nsteps:\n  - op: drop\n    columns: [no_such_column]\n", ["no_such_column"]),
        ("version: 1\nsteps: [\n  - op: drop\n", ["recipe.yaml"]),
    ],
)
def test_bad_recipe_gives_one_clear_line(
    tmp_path: Path, recipe: str, must_mention: list[str]
) -> None:
    src = _write(tmp_path / "ok.csv", GOOD_CSV)
    recipe_path = tmp_path / "recipe.yaml"
    recipe_path.write_text(recipe, encoding="utf-8")
    code, output = build(src, "--out", tmp_path / "out", "--recipe", recipe_path)
    assert code == 2, output
    assert "Traceback" not in output
    for text in must_mention:
        assert text in output
    assert not (tmp_path / "out").exists()


def test_existing_output_folder_is_kept(tmp_path: Path) -> None:
    src = _write(tmp_path / "ok.csv", GOOD_CSV)
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("earlier product")
    code, output = build(src, "--out", out)
    assert code == 2
    assert "already exists" in output and "이미" in output
    assert (out / "earlier.txt").read_text() == "earlier product"


def test_good_xlsx_builds(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "설비1"
    ws.append(["일시", "온도[℃]"])
    for i in range(5):
        ws.append([f"2024-03-01 00:00:0{i}", 20.0 + i])
    path = tmp_path / "plant.xlsx"
    wb.save(path)
    assert zipfile.is_zipfile(path)
    code, output = build(path, "--out", tmp_path / "out")
    assert code == 0, output
    assert (tmp_path / "out" / "data" / "table.parquet").is_file()


def test_error_line_is_not_wrapped_and_units_are_not_markup(tmp_path: Path) -> None:
    src = _write(tmp_path / ("긴_이름_" * 8 + "[bar].csv"), b"")
    code, output = build(src, "--out", tmp_path / "out")
    assert code == 2
    error_lines = [line for line in output.splitlines() if "오류 / error:" in line]
    assert len(error_lines) == 1 and src.name in error_lines[0]


def test_column_options_take_the_raw_header_with_its_unit(tmp_path: Path) -> None:
    rows = "".join(
        f"2024-03-01 08:{i // 60:02d}:{i % 60:02d},M{i % 2},{60 + (i % 7) * 0.5},{20 + i % 5}\n"
        for i in range(300)
    )
    src = _write(
        tmp_path / "raw.csv", ("일시,설비 번호(-),금형온도[°C],압력[bar]\n" + rows).encode()
    )
    out = tmp_path / "product"
    code, output = build(
        src, "--out", out, "--id-column", "설비 번호(-)", "--target", "금형온도[°C]"
    )
    assert code == 0, output
    profile = json.loads((out / "profile.json").read_text(encoding="utf-8"))
    assert profile["target"] == "금형온도"
    assert profile["entities"]["count"] == 2  # the id column was found under its cleaned name
    model = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert model["target"] == "금형온도"


def test_contract_carries_the_price(demo_product: Path) -> None:
    from mfgdata.quality.contract import parse_contract

    pricing = json.loads((demo_product / "pricing.json").read_text(encoding="utf-8"))
    contract = parse_contract((demo_product / "contract.yaml").read_text(encoding="utf-8"))
    assert pricing["price_krw"] > 0
    assert contract.price == {
        "priceAmount": pricing["price_krw"],
        "priceCurrency": "KRW",
        "priceUnit": "dataset",
    }
    assert runner.invoke(app, ["verify", str(demo_product)]).exit_code == 0
