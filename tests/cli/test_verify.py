"""``mfgdata verify`` through Typer's CliRunner (on a small app holding the command)."""

from __future__ import annotations

from pathlib import Path

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


def test_verify_bad_contract_exits_2(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    bad = tmp_path / "c.yaml"
    bad.write_text("kind: [", encoding="utf-8")
    res = CliRunner().invoke(app, ["verify", str(root), "--contract", str(bad)])
    assert res.exit_code == 2
