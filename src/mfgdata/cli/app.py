"""The ``mfgdata`` command: one module per command group, this file only wires them.

``mfgdata build`` needs the build's modules, not the web server's, the database's or the
optimiser's: importing every group cost 2.7 CPU-s before any command ran (issue 12). So
:func:`main` wires only the command or group its first argument names; anything else (no
argument, ``--help``, a mistyped name) gets the whole app, whose help and errors list every
command. ``app`` (the whole app, built on first use) is what tests and ``python -m`` use.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

HELP = "제조 데이터 상품화 플랫폼 / Turn raw factory data into manufacturing data products."

#: command name -> (module under mfgdata.cli, function), in the order ``--help`` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "build"),
    "demo": ("build", "demo"),
    "demo-server": ("demo_server", "demo_server"),
    "inspect": ("inspect", "inspect"),
    "verify": ("verify", "verify"),
    "doctor": ("doctor", "doctor"),
    "predict": ("predict", "predict"),
    "serve": ("serve", "serve"),
    "worker": ("worker", "worker"),
    "standardize": ("standardize", "standardize"),
    "register": ("library", "register"),
    "publish": ("library", "publish"),
    "search": ("library", "search"),
    "retire": ("library", "retire"),
    "propose": ("library", "propose"),
    "delete": ("library", "delete"),
    "match": ("match", "match"),
}
#: group name -> (module under mfgdata.cli, its Typer app)
GROUPS: dict[str, tuple[str, str]] = {
    "db": ("db", "db_app"),
    "images": ("images", "images_app"),
    "users": ("library", "users_app"),
    "programs": ("programs", "programs_app"),
    "orders": ("orders", "orders_app"),
    "consult": ("consult", "consult_app"),
    "kamp": ("kamp", "kamp_app"),
    "suppliers": ("suppliers", "suppliers_app"),
    "center": ("center", "center_app"),
    "valuechain": ("valuechain", "valuechain_app"),
}


def _get(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"mfgdata.cli.{module}"), name)


def make_app(only: str | None = None) -> typer.Typer:
    """The app with every command and group, or with only the one named ``only``."""
    new = typer.Typer(
        name="mfgdata",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for name, (module, func) in COMMANDS.items():
        if only in (None, name):
            new.command(name)(_get(module, func))
    for name, (module, group) in GROUPS.items():
        if only in (None, name):
            new.add_typer(_get(module, group), name=name)
    if only is not None:  # one command: still a group, so its name is read as the command's

        @new.callback()
        def _group() -> None:
            pass

    return new


_whole: typer.Typer | None = None


def __getattr__(name: str) -> Any:  # PEP 562: ``app`` is built on first use
    global _whole
    if name == "app":
        if _whole is None:
            _whole = make_app()
        return _whole
    raise AttributeError(name)


def main() -> None:
    first = sys.argv[1] if len(sys.argv) > 1 else None
    known = first in COMMANDS or first in GROUPS
    make_app(first if known else None)()
