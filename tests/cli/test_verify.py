"""``mfgdata verify`` through Typer's CliRunner (on a small app holding the command)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer
from tests.quality.test_verify import make_product
from typer.testing import CliRunner

from mfgdata.cli.verify import verify

app = typer.Typer()
app.command("verify")(verify)
app.command("noop")(lambda: None)


def test_verify_ok_and_tampered(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    ok = CliRunner().invoke(app, ["verify", str(root)])
    assert ok.exit_code == 0, ok.output
    assert "grade" in ok.output
    (root / "extra.txt").write_text("x")
    bad = CliRunner().invoke(app, ["verify", str(root)])
    assert bad.exit_code == 1
    assert "extra.txt" in bad.output and "unlisted" in bad.output
    assert "registrable: False" in bad.output and "registrable: True" not in bad.output


def test_tampered_folder_is_not_registrable_even_with_a_lenient_contract(tmp_path: Path) -> None:
    """The quality alone would register (required grade F), but the table was changed."""
    root = make_product(tmp_path / "prod")
    lenient = tmp_path / "lenient.yaml"
    text = (root / "contract.yaml").read_text(encoding="utf-8")
    lenient.write_text(text.replace("value: B", "value: F"), encoding="utf-8")
    ok = CliRunner().invoke(app, ["verify", str(root), "--contract", str(lenient)])
    assert ok.exit_code == 0 and "registrable: True" in ok.output, ok.output
    table = root / "data" / "table.parquet"
    pl.read_parquet(table).head(250).write_parquet(table)  # 50 readings quietly dropped
    bad = CliRunner().invoke(app, ["verify", str(root), "--contract", str(lenient)])
    assert bad.exit_code == 1 and "modified" in bad.output
    assert "registrable: False" in bad.output and "registrable: True" not in bad.output


def test_a_damaged_table_is_reported_not_a_crash(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    with (root / "data" / "table.parquet").open("ab") as f:
        f.write(b"\0")
    bad = CliRunner().invoke(app, ["verify", str(root)])
    assert bad.exit_code == 1, bad.output
    assert "unreadable" in bad.output and "registrable: False" in bad.output


def test_verify_bad_contract_exits_2(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    bad = tmp_path / "c.yaml"
    bad.write_text("kind: [", encoding="utf-8")
    res = CliRunner().invoke(app, ["verify", str(root), "--contract", str(bad)])
    assert res.exit_code == 2
