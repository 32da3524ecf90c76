"""Order commands (operator view): ``orders list``, ``orders approve|deny``, ``orders invoice``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.catalog.errors import NotFound
from mfgdata.catalog.orders import decide_order, invoice_html, invoice_pdf_bytes
from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import Order, Organisation

orders_app = typer.Typer(help="주문 / Orders", no_args_is_help=True, add_completion=False)


def _order(session: Session, order_id: int) -> Order:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(f"주문을 찾을 수 없습니다: {order_id}", f"order not found: {order_id}")
    return order


@orders_app.command("list")
@handle_errors
def list_orders(
    status: Annotated[str | None, typer.Option(help="pending|approved|denied")] = None,
) -> None:
    """주문 목록 / List orders (newest first)."""
    upgrade()
    with session_scope() as session:
        stmt = select(Order).order_by(Order.id.desc())
        if status:
            stmt = stmt.where(Order.status == status)
        names = {
            int(i): str(n) for i, n in session.execute(select(Organisation.id, Organisation.name))
        }
        table = Table(title="주문 / orders")
        for col in ("id", "product", "plan", "buyer", "seller", "status", "total (KRW)"):
            table.add_column(col)
        for o in session.scalars(stmt):
            table.add_row(
                str(o.id),
                f"{o.product_id}@{o.version}",
                o.plan,
                names.get(o.buyer_org_id, "?"),
                names.get(o.seller_org_id, "?"),
                o.status,
                f"{o.total_krw:,.0f}",
            )
        console.print(table)


@orders_app.command("decide")
@handle_errors
def decide(
    order_id: Annotated[int, typer.Argument(help="주문 번호 / order id")],
    decision: Annotated[Literal["approve", "deny"], typer.Argument(help="approve|deny")],
) -> None:
    """주문을 승인하거나 거절합니다 / Approve or deny a pending order (operator)."""
    upgrade()
    with session_scope() as session:
        order = decide_order(
            session=session,
            order=_order(session, order_id),
            actor=None,
            approve=decision == "approve",
        )
        console.print(f"주문 / order {order.id}: {order.status}", highlight=False)


@orders_app.command("invoice")
@handle_errors
def invoice(
    order_id: Annotated[int, typer.Argument(help="주문 번호 / order id")],
    out: Annotated[Path, typer.Option("--out", help="HTML 또는 .pdf 파일 / HTML or .pdf file")],
) -> None:
    """청구서를 HTML 또는 PDF(.pdf)로 씁니다 / Write the order's invoice as HTML or PDF (.pdf)."""
    upgrade()
    with session_scope() as session:
        order = _order(session, order_id)
        if out.suffix.lower() == ".pdf":
            out.write_bytes(invoice_pdf_bytes(order, session))
        else:
            out.write_text(invoice_html(order, session), encoding="utf-8")
        console.print(f"청구서 / invoice: {out}", highlight=False)
