"""Order pages: order a product under its licence, my purchases and sales, the seller's
decision, the invoice document and the monthly statements. Thin over ``catalog.orders`` and
``catalog.statements``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt, get_settings_dep, pdf_response
from mfgdata.api.metering import write_pending
from mfgdata.api.pages.common import PageActor, need_user, redirect, render
from mfgdata.catalog import orders
from mfgdata.catalog.statements import month_start, monthly_statement, next_month, parse_month
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import Organisation, utcnow

router = APIRouter(include_in_schema=False)


@router.post("/products/{product_id}/v/{version}/order")
def order_form(
    product_id: str,
    version: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    plan: Annotated[Literal["download", "api"], Form()] = "download",
    accept: Annotated[str, Form(max_length=10)] = "",
    licence_sha256: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    user = need_user(request, actor)
    row = get_version(session=session, product_id=product_id, version=version, viewer=user)
    orders.place_order(
        session=session,
        buyer=user,
        version=row,
        plan=plan,
        accept=accept == "yes",
        licence_sha256=licence_sha256,
        settings=get_settings_dep(request),
    )
    session.commit()
    return redirect("/orders")


@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    bought = orders.list_orders(session=session, user=user, side="buyer")
    sold = orders.list_orders(session=session, user=user, side="seller")
    ids = {o.buyer_org_id for o in sold} | {o.seller_org_id for o in bought}
    orgs = {o.id: o.name for o in (session.get(Organisation, i) for i in ids) if o}
    return render(request, actor, "orders.html", bought=bought, sold=sold, orgs=orgs)


@router.post("/orders/{order_id}/{decision}")
def decide_form(
    order_id: DbInt,
    decision: Literal["approve", "deny"],
    request: Request,
    actor: PageActor,
    session: DbSession,
) -> Response:
    user = need_user(request, actor)
    order = orders.get_order(session=session, order_id=order_id, user=user)
    orders.decide_order(session=session, order=order, actor=user, approve=decision == "approve")
    session.commit()
    return redirect("/orders")


@router.get("/orders/{order_id}/invoice", response_class=HTMLResponse)
def invoice_page(
    order_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    user = need_user(request, actor)
    order = orders.get_order(session=session, order_id=order_id, user=user)
    return HTMLResponse(orders.invoice_html(order, session))


@router.get("/orders/{order_id}/invoice.pdf")
def invoice_pdf_page(
    order_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    order = orders.get_order(session=session, order_id=order_id, user=user)
    return pdf_response(orders.invoice_pdf_bytes(order, session), f"invoice-{order.id:06d}.pdf")


@router.get("/statements", response_class=HTMLResponse)
def statements_page(
    request: Request,
    actor: PageActor,
    session: DbSession,
    month: Annotated[str | None, Query(max_length=7)] = None,
    side: Annotated[Literal["buyer", "seller"], Query()] = "buyer",
) -> HTMLResponse:
    user = need_user(request, actor)
    write_pending(request.app)
    chosen = parse_month(month) if month else month_start(utcnow())
    st = monthly_statement(session=session, org_id=user.org_id, side=side, month=chosen)
    previous = month_start(chosen - timedelta(days=1))
    return render(
        request,
        actor,
        "statements.html",
        st=st,
        month=f"{st.month:%Y-%m}",
        side=side,
        previous=f"{previous:%Y-%m}",
        following=f"{next_month(st.month):%Y-%m}",
    )
