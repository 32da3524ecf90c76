"""``mfgdata doctor``: staging folders that killed builds left behind, listed and cleaned."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.pipeline.staging import Leftover, find_leftovers, remove
from mfgdata.settings import get_settings


def _folders(given: list[Path] | None) -> list[Path]:
    if given:
        return given
    home = get_settings().home
    jobs = sorted(p for p in (home / "jobs").glob("*") if p.is_dir()) if home.is_dir() else []
    return [Path("."), home, *jobs]


def _row(s: Leftover) -> tuple[str, str, str, str]:
    state = "실행 중 / live" if s.live else "남은 것 / stale"
    owner = f"pid {s.pid}" if s.pid else "-"
    return str(s.parent / s.label), state, owner, f"{s.bytes / 1024**2:,.1f} MB"


@handle_errors
def doctor(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(help="살펴볼 폴더 (기본: 현재 폴더와 MFGDATA_HOME) / folders to check"),
    ] = None,
    clean: Annotated[
        bool, typer.Option("--clean", help="죽은 빌드의 것을 지움 / remove the stale ones")
    ] = False,
) -> None:
    """죽은 빌드가 남긴 임시 폴더를 찾고 지웁니다 / Find and clean leftovers of killed builds."""
    found = [s for folder in _folders(folders) for s in find_leftovers(folder.absolute())]
    if not found:
        console.print("남은 임시 폴더 없음 / no staging folders left behind")
        return
    table = Table(title="빌드 임시 폴더 / build staging folders")
    for col in ("folder", "state", "owner", "size"):
        table.add_column(col)
    for s in found:
        table.add_row(*_row(s))
    console.print(table)
    stale = [s for s in found if not s.live]
    if clean:
        for s in stale:
            remove(s)
        console.print(f"지움 / removed: {len(stale)} (실행 중인 빌드는 그대로 / live builds kept)")
    elif stale:
        n = len(stale)
        console.print(f"{n}개는 --clean으로 지울 수 있습니다 / {n} can be removed with --clean")
