"""The ``mfgdata`` command: one module per command group, this file only wires them."""

from __future__ import annotations

import typer

from mfgdata.cli import build as build_cmd
from mfgdata.cli import center as center_cmd
from mfgdata.cli import consult as consult_cmd
from mfgdata.cli import db as db_cmd
from mfgdata.cli import demo_server as demo_server_cmd
from mfgdata.cli import doctor as doctor_cmd
from mfgdata.cli import images as images_cmd
from mfgdata.cli import inspect as inspect_cmd
from mfgdata.cli import kamp as kamp_cmd
from mfgdata.cli import library as library_cmd
from mfgdata.cli import match as match_cmd
from mfgdata.cli import orders as orders_cmd
from mfgdata.cli import predict as predict_cmd
from mfgdata.cli import programs as programs_cmd
from mfgdata.cli import serve as serve_cmd
from mfgdata.cli import standardize as standardize_cmd
from mfgdata.cli import suppliers as suppliers_cmd
from mfgdata.cli import valuechain as valuechain_cmd
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
app.command("demo-server")(demo_server_cmd.demo_server)
app.command("inspect")(inspect_cmd.inspect)
app.command("verify")(verify_cmd.verify)
app.command("doctor")(doctor_cmd.doctor)
app.command("predict")(predict_cmd.predict)
app.command("serve")(serve_cmd.serve)
app.command("worker")(worker_cmd.worker)
app.command("standardize")(standardize_cmd.standardize)
app.command("register")(library_cmd.register)
app.command("publish")(library_cmd.publish)
app.command("search")(library_cmd.search)
app.command("retire")(library_cmd.retire)
app.command("propose")(library_cmd.propose)
app.command("delete")(library_cmd.delete)
app.command("match")(match_cmd.match)
app.add_typer(db_cmd.db_app, name="db")
app.add_typer(images_cmd.images_app, name="images")
app.add_typer(library_cmd.users_app, name="users")
app.add_typer(programs_cmd.programs_app, name="programs")
app.add_typer(orders_cmd.orders_app, name="orders")
app.add_typer(consult_cmd.consult_app, name="consult")
app.add_typer(kamp_cmd.kamp_app, name="kamp")
app.add_typer(suppliers_cmd.suppliers_app, name="suppliers")
app.add_typer(center_cmd.center_app, name="center")
app.add_typer(valuechain_cmd.valuechain_app, name="valuechain")


def main() -> None:
    app()
