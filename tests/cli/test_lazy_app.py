"""``mfgdata <command>`` wires only that command (issue 12: importing every group cost 2.7 CPU-s
before ``mfgdata build`` started), and says exactly what the whole app says."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import COMMANDS, GROUPS, app, make_app

runner = CliRunner()


@pytest.mark.parametrize("name", [*COMMANDS, *GROUPS])
def test_one_command_app_says_what_the_whole_app_says(name: str) -> None:
    whole = runner.invoke(app, [name, "--help"])
    one = runner.invoke(make_app(name), [name, "--help"])
    assert whole.exit_code == one.exit_code == 0
    assert one.output == whole.output
    assert f"mfgdata {name}" in one.output


def test_the_whole_app_lists_every_command() -> None:
    out = runner.invoke(app, ["--help"]).output
    assert all(name in out for name in [*COMMANDS, *GROUPS])


def test_build_imports_neither_the_server_nor_the_database() -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('sqlalchemy', 'fastapi', 'scipy',"
        " 'alembic', 'uvicorn') if m in sys.modules), file=sys.stderr))\n"
        "sys.argv = ['mfgdata', 'build', '--help']\n"
        "from mfgdata.cli.app import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: mfgdata build" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"
