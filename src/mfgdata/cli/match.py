"""``mfgdata match``: suppliers' solutions for a demand, ranked, with reasons (a thin shell)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.suppliers.files import read_catalogue, read_demand
from mfgdata.suppliers.match import match as match_demand
from mfgdata.suppliers.models import Catalogue


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


def _from_db() -> Catalogue:
    from mfgdata.db.engine import session_scope
    from mfgdata.db.migrate import upgrade
    from mfgdata.db.repositories.suppliers import load_catalogue

    upgrade()
    with session_scope() as session:
        return load_catalogue(session=session)


@handle_errors
def match(
    demand: Annotated[Path, typer.Option(help="수요 JSON / demand JSON file")],
    suppliers: Annotated[
        Path | None,
        typer.Option(help="공급기업 YAML/JSON/CSV (없으면 DB) / suppliers file (default: the DB)"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="제안 수 / suggestions")] = 10,
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """수요에 맞는 공급기업 솔루션을 이유와 함께 제안합니다 / Suggest solutions with reasons."""
    wanted = read_demand(demand)
    catalogue = read_catalogue(suppliers) if suppliers else _from_db()
    result = match_demand(catalogue, wanted, limit=limit)
    if fmt is Format.JSON:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{wanted.company}: {wanted.title}")
    for head in ("공급기업 / supplier", "솔루션 / solution", "점수 / score (점/100)", "이유 / why"):
        table.add_column(head)
    for s in result.suggestions:
        why = [f"{f.facet}={f.value}" for f in s.facets] + [f"'{w}'" for w in s.words]
        table.add_row(s.supplier, s.solution, f"{s.score}", ", ".join(why))
    console.print(table)
    for e in result.excluded:
        what = f"{e.supplier_id}/{e.solution_id}" if e.solution_id else e.supplier_id
        console.print(f"제외 / excluded: {what}: {e.reason_ko} / {e.reason_en}", highlight=False)
