"""The ``mfgdata`` command: one module per command group, this file only wires them."""

from __future__ import annotations

import typer

from mfgdata.cli import build as build_cmd
from mfgdata.cli import inspect as inspect_cmd
from mfgdata.cli import serve as serve_cmd
from mfgdata.cli import standardize as standardize_cmd
from mfgdata.cli import verify as verify_cmd
from mfgdata.cli import worker as worker_cmd

app = typer.Typer(
    name="mfgdata",
    help="제조 데이터 상품화 플랫폼 / Turn raw factory data into manufacturing data products.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("build")(build_cmd.build)
app.command("demo")(build_cmd.demo)
app.command("inspect")(inspect_cmd.inspect)
app.command("verify")(verify_cmd.verify)
app.command("serve")(serve_cmd.serve)
app.command("worker")(worker_cmd.worker)
app.command("standardize")(standardize_cmd.standardize)


def main() -> None:
    app()
