from __future__ import annotations

from pathlib import Path

import typer
import yaml
from typer.testing import CliRunner

from mfgdata.cli.standardize import standardize
from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.mapping import entries_from_matches, write_mapping
from mfgdata.semantics.matcher import ColumnInfo, match_columns

app = typer.Typer()
app.command()(standardize)
runner = CliRunner()
D = load_dictionary()


def product(tmp_path: Path) -> Path:
    folder = tmp_path / "press-2026"
    infos = [ColumnInfo("사출압력", unit="bar"), ColumnInfo("PS1", unit="bar"), ColumnInfo("비고")]
    write_mapping(folder / "semantics.yaml", entries_from_matches(match_columns(infos, D)), D)
    return folder


def read(path: Path) -> dict[str, dict[str, object]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {c["column"]: c for c in doc["columns"]}


def test_yes_accepts_the_proposal_next_to_the_product(tmp_path: Path) -> None:
    folder = product(tmp_path)
    r = runner.invoke(app, [str(folder), "--yes"])
    assert r.exit_code == 0, r.output
    out = read(tmp_path / "press-2026.semantics.yaml")
    assert out["사출압력"]["property"] == "urn:mfgdata:property:injection-pressure"
    assert out["사출압력"]["accepted_by"] == "auto"
    again = runner.invoke(app, [str(folder), "--yes"])
    assert again.exit_code == 2  # never overwrites without --force


def test_interactive_keep_pick_and_unmap(tmp_path: Path) -> None:
    folder = product(tmp_path)
    target = tmp_path / "accepted.yaml"
    r = runner.invoke(app, [str(folder), "--out", str(target)], input="\n-\n비고\n-\n")
    assert r.exit_code == 0, r.output
    out = read(target)
    assert out["사출압력"]["property"] == "urn:mfgdata:property:injection-pressure"
    assert out["사출압력"]["accepted_by"] != "auto"
    assert out["PS1"]["property"] is None
    assert out["비고"]["property"] is None  # '비고' is not an id: asked again, then '-'


def test_mapping_file_is_validated_and_nothing_written_on_error(tmp_path: Path) -> None:
    folder = product(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "columns:\n- column: PS1\n  property: '0112/2///61987#ABA927#005'\n"
        "  unit: {original: bar}\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.yaml"
    r = runner.invoke(app, [str(folder), "--mapping", str(bad), "--out", str(target)])
    assert r.exit_code == 2
    assert "PS1" in r.output
    assert not target.exists()
    good = tmp_path / "good.yaml"
    good.write_text(
        "columns:\n- column: PS1\n  property: '0112/2///61987#ABN616#001'\n"
        "  unit: {original: bar}\n  accepted_by: kim\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, [str(folder), "--mapping", str(good), "--out", str(target)])
    assert r.exit_code == 0, r.output
    assert read(target)["PS1"]["accepted_by"] == "kim"


def test_missing_proposal_is_a_product_error(tmp_path: Path) -> None:
    r = runner.invoke(app, [str(tmp_path), "--yes"])
    assert r.exit_code == 2
