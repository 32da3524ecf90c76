"""The CLI's console and its one error boundary: one clear line, a non-zero exit, no traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from mfgdata.errors import MfgDataError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

#: exit code for a user-facing error (bad input, bad recipe, existing output ...)
EXIT_USER_ERROR = 2


def fail(error: MfgDataError) -> typer.Exit:
    """One line, never wrapped; the message is plain text (units like ``[bar]`` are not markup)."""
    line = Text("오류 / error: ", style="bold red") + Text(error.message())
    err_console.print(line, soft_wrap=True, highlight=False)
    return typer.Exit(EXIT_USER_ERROR)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn MfgDataError into one line on stderr and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except MfgDataError as e:
            raise fail(e) from None

    return wrapper
