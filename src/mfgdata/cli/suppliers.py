"""``mfgdata suppliers``: the suppliers stored in the database (a thin shell)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade
from mfgdata.db.repositories import suppliers as repo
from mfgdata.suppliers.files import read_catalogue

suppliers_app = typer.Typer(
    help="공급기업·솔루션 / Suppliers and their solutions (database)",
    no_args_is_help=True,
    add_completion=False,
)


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@suppliers_app.command("import")
@handle_errors
def import_(
    file: Annotated[Path, typer.Argument(help="공급기업 YAML/JSON/CSV / suppliers file")],
) -> None:
    """파일의 공급기업을 데이터베이스에 넣습니다 (같은 id는 교체) / Import (replace by id)."""
    catalogue = read_catalogue(file)
    upgrade()
    with session_scope() as session:
        rows = repo.import_catalogue(session=session, catalogue=catalogue)
        n = sum(len(r.solutions) for r in rows)
    console.print(f"공급기업 / suppliers: {len(rows)}, 솔루션 / solutions: {n}", highlight=False)


@suppliers_app.command("list")
@handle_errors
def list_(
    status: Annotated[str | None, typer.Option(help="pending | approved | rejected")] = None,
) -> None:
    """공급기업 목록 / The stored suppliers."""
    upgrade()
    table = Table()
    for head in ("id", "이름 / name", "상태 / status", "솔루션 / solutions"):
        table.add_column(head)
    with session_scope() as session:
        for r in repo.list_suppliers(session=session, status=status):
            table.add_row(r.id, r.name, r.status, ", ".join(s.key for s in r.solutions))
    console.print(table)


@suppliers_app.command("review")
@handle_errors
def review(
    supplier_id: Annotated[str, typer.Argument(help="공급기업 id / supplier id")],
    decision: Annotated[Decision, typer.Argument(help="approve | reject")],
) -> None:
    """공급기업 심사 / Approve or reject a supplier."""
    upgrade()
    with session_scope() as session:
        row = repo.review_supplier(
            session=session,
            supplier_id=supplier_id,
            approve=decision is Decision.APPROVE,
            actor=None,
        )
        console.print(f"{row.id}: {row.status}", highlight=False)
