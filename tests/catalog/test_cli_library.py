"""The library commands through Typer, wired as in cli/app.py (SQLite under MFGDATA_HOME)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from mfgdata.cli import db as db_cmd
from mfgdata.cli import library as library_cmd
from mfgdata.db.engine import dispose_engines, session_scope
from mfgdata.db.tables import AuditLog, User

app = typer.Typer()
app.add_typer(db_cmd.db_app, name="db")
app.add_typer(library_cmd.users_app, name="users")
app.command("register")(library_cmd.register)
app.command("publish")(library_cmd.publish)
app.command("search")(library_cmd.search)
runner = CliRunner()


def test_db_register_publish_search_users(mfgdata_home: Path, product_dir: Path) -> None:
    try:
        up = runner.invoke(app, ["db", "upgrade"])
        assert up.exit_code == 0, up.output
        assert "0009" in up.output and (mfgdata_home / "mfgdata.db").is_file()

        reg = runner.invoke(app, ["register", str(product_dir), "--org", "Acme"])
        assert reg.exit_code == 0, reg.output
        assert "injection-line-1" in reg.output and "draft" in reg.output
        assert (mfgdata_home / "objects/products/injection-line-1/1/manifest.json").is_file()

        pub = runner.invoke(app, ["publish", "injection-line-1"])
        assert pub.exit_code == 0, pub.output
        assert "published" in pub.output

        found = runner.invoke(app, ["search", "사출", "-f", "process_family=injection_molding"])
        assert found.exit_code == 0, found.output
        assert "injection-line-1" in found.output and "injection_molding 1" in found.output
        none = runner.invoke(app, ["search", "용접"])
        assert "results: 0" in none.output

        bad = runner.invoke(app, ["search", "x", "-f", "colour=red"])
        assert bad.exit_code == 2 and "NAME=VALUE" in bad.output

        made = runner.invoke(
            app,
            [
                "users",
                "create",
                "--email",
                "Kim@Acme.kr",
                "--org",
                "Acme",
                "--role",
                "admin",
                "--password-stdin",
            ],
            input="a long enough password\n",
        )
        assert made.exit_code == 0, made.output
        with session_scope() as s:
            user = s.query(User).one()
            assert user.email == "kim@acme.kr" and "long enough" not in user.password_hash
            actions = {a.action for a in s.query(AuditLog)}
            assert {
                "product.register",
                "product.verify",
                "product.publish",
                "user.create",
            } <= actions
        no_stdin = runner.invoke(
            app, ["users", "create", "--email", "x@acme.kr", "--org", "Acme", "--role", "member"]
        )
        assert no_stdin.exit_code == 2

        tampered = product_dir / "report.html"
        tampered.write_text("changed", encoding="utf-8")
        refused = runner.invoke(app, ["register", str(product_dir), "--org", "Acme"])
        assert refused.exit_code == 2 and "manifest" in refused.output
    finally:
        dispose_engines()
