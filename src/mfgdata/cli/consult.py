"""``mfgdata consult``: 1:1 expert consulting from the command line (a thin shell)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.consulting.assign import assign as assign_experts
from mfgdata.consulting.files import read_accepted, read_experts, read_requests

consult_app = typer.Typer(
    help="1:1 전문가 컨설팅 / 1:1 expert consulting",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


@consult_app.command("assign")
@handle_errors
def assign(
    experts: Annotated[Path, typer.Option(help="expert,fields,regions,capacity,conflicts CSV")],
    requests: Annotated[Path, typer.Option(help="company,field,region CSV")],
    accepted: Annotated[
        Path | None,
        typer.Option(help="수락된 배정 / accepted pairs: company,expert CSV or a previous JSON"),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """전문가를 최적으로 배정합니다 / Assign experts optimally under capacities and conflicts."""
    result = assign_experts(
        read_experts(experts),
        read_requests(requests),
        accepted=read_accepted(accepted) if accepted else (),
    )
    if fmt is Format.JSON:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"배정 / assignment: 적합도 합계 / total fit {result.total_score} 점 / points"
    )
    for head in (
        "기업 / company",
        "전문가 / expert",
        "적합도 / fit (점 / points)",
        "수락 / accepted",
    ):
        table.add_column(head)
    for p in result.pairs:
        table.add_row(p.company, p.expert, str(p.score), "예 / yes" if p.accepted else "")
    console.print(table)
    for u in result.unassigned:
        console.print(
            f"미배정 / unassigned: {u.company}: {u.reason_ko} / {u.reason_en}", highlight=False
        )
