"""Orders and licences in the Open API (thin over ``catalog.orders`` and ``catalog.licences``).

- ``GET /api/v1/licences``: the standard licences (ko/en text, SHA-256 to accept);
- ``POST /api/v1/orders``: order a version (download or API plan) accepting its licence;
- ``GET /api/v1/orders`` (``?side=seller`` for the seller's view), ``GET /api/v1/orders/{id}``;
- ``POST /api/v1/orders/{id}/approve`` and ``/deny``: the seller's decision;
- ``GET /api/v1/orders/{id}/invoice``: the invoice document (HTML), ``/invoice.pdf`` as PDF;
- ``GET /api/v1/statements/{YYYY-MM}?side=buyer|seller&format=json|xlsx``: the monthly statement.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, get_settings_dep, json_response, pdf_response
from mfgdata.api.metering import write_pending
from mfgdata.catalog import orders
from mfgdata.catalog.licences import LICENCES, get_licence, licence_body
from mfgdata.catalog.statements import (
    Statement,
    monthly_statement,
    parse_month,
    statement_xlsx,
)
from mfgdata.db.repositories.products import get_version
from mfgdata.db.tables import Order

router = APIRouter(prefix="/api/v1", tags=["orders / 주문"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LicenceOut(BaseModel):
    code: str
    title_ko: str
    title_en: str
    text_ko: str
    text_en: str
    url: str
    sha256: str = Field(description="send as licence_sha256 when ordering / 주문 시 동의 확인용")


class OrderIn(BaseModel):
    product_id: Annotated[str, Field(min_length=1, max_length=100)]
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    plan: Literal["download", "api"] = "download"
    accept_licence: bool = Field(description="라이선스 동의 / I accept the product's licence")
    licence_sha256: Annotated[str | None, Field(max_length=64)] = None


class OrderOut(BaseModel):
    id: int
    product_id: str
    version: int
    plan: str
    status: str
    licence: str
    licence_sha256: str
    licence_accepted_at: datetime
    currency: str
    price_krw: Decimal = Field(description="공급가액 / price before VAT")
    vat_rate: Decimal
    vat_krw: Decimal
    total_krw: Decimal
    terms: dict[str, Any]
    buyer_org_id: int
    seller_org_id: int
    created: datetime
    decided_at: datetime | None
    invoice: str


def _out(order: Order) -> OrderOut:
    return OrderOut(
        id=order.id,
        product_id=order.product_id,
        version=order.version,
        plan=order.plan,
        status=order.status,
        licence=order.licence,
        licence_sha256=order.licence_sha256,
        licence_accepted_at=order.licence_accepted_at,
        currency=order.currency,
        price_krw=order.price_krw,
        vat_rate=order.vat_rate,
        vat_krw=order.vat_krw,
        total_krw=order.total_krw,
        terms=order.terms,
        buyer_org_id=order.buyer_org_id,
        seller_org_id=order.seller_org_id,
        created=order.created,
        decided_at=order.decided_at,
        invoice=f"/api/v1/orders/{order.id}/invoice",
    )


def _licence(code: str) -> LicenceOut:
    lic = get_licence(code)
    return LicenceOut(
        code=lic.code,
        title_ko=lic.title_ko,
        title_en=lic.title_en,
        text_ko=lic.text_ko,
        text_en=lic.text_en,
        url=lic.url,
        sha256=lic.sha256,
    )


@router.get("/licences", summary="표준 라이선스 / Standard licences (ko/en)")
def list_licences() -> list[LicenceOut]:
    return [_licence(code) for code in LICENCES]


@router.get(
    "/licences/{code}.txt",
    summary="라이선스 본문 / Licence text",
    response_class=HTMLResponse,
)
def licence_text(code: str) -> HTMLResponse:
    body = licence_body(get_licence(code))
    return HTMLResponse(body, media_type="text/plain; charset=utf-8")


@router.post("/orders", status_code=201, summary="주문 / Order a product version")
def place(body: OrderIn, request: Request, actor: ActorDep, session: DbSession) -> OrderOut:
    user = require_user(actor, "api")
    version = get_version(
        session=session, product_id=body.product_id, version=body.version, viewer=user
    )
    order = orders.place_order(
        session=session,
        buyer=user,
        version=version,
        plan=body.plan,
        accept=body.accept_licence,
        licence_sha256=body.licence_sha256,
        settings=get_settings_dep(request),
    )
    session.commit()
    return _out(order)


@router.get("/orders", summary="주문 목록 / My organisation's orders")
def list_mine(
    actor: ActorDep,
    session: DbSession,
    side: Annotated[Literal["buyer", "seller"], Query()] = "buyer",
) -> list[OrderOut]:
    user = require_user(actor, "read")
    return [_out(o) for o in orders.list_orders(session=session, user=user, side=side)]


@router.get("/orders/{order_id}", summary="주문 / One order")
def get_one(order_id: DbInt, actor: ActorDep, session: DbSession) -> OrderOut:
    user = require_user(actor, "read")
    return _out(orders.get_order(session=session, order_id=order_id, user=user))


@router.post("/orders/{order_id}/{decision}", summary="주문 승인·거절 / Approve or deny (seller)")
def decide(
    order_id: DbInt,
    decision: Literal["approve", "deny"],
    actor: ActorDep,
    session: DbSession,
) -> OrderOut:
    user = require_user(actor, "api")
    order = orders.get_order(session=session, order_id=order_id, user=user)
    orders.decide_order(session=session, order=order, actor=user, approve=decision == "approve")
    session.commit()
    return _out(order)


@router.get(
    "/orders/{order_id}/invoice",
    summary="청구서 / Invoice (HTML)",
    response_class=HTMLResponse,
)
def invoice(order_id: DbInt, actor: ActorDep, session: DbSession) -> HTMLResponse:
    user = require_user(actor, "read")
    order = orders.get_order(session=session, order_id=order_id, user=user)
    return HTMLResponse(orders.invoice_html(order, session))


@router.get(
    "/orders/{order_id}/invoice.pdf",
    summary="청구서 PDF / Invoice (PDF, Korean and English)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def invoice_pdf(order_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    user = require_user(actor, "read")
    order = orders.get_order(session=session, order_id=order_id, user=user)
    return pdf_response(orders.invoice_pdf_bytes(order, session), f"invoice-{order.id:06d}.pdf")


class StatementLineOut(BaseModel):
    product_id: str
    plan: str
    counterparty: str
    token: str
    calls: int
    rows: int
    bytes: int
    amount_krw: Decimal
    order_id: int | None


class StatementOut(BaseModel):
    organisation: str
    side: str
    month: str
    lines: list[StatementLineOut]
    subtotal_krw: Decimal
    vat_krw: Decimal
    total_krw: Decimal


def statement_out(st: Statement) -> StatementOut:
    return StatementOut(
        organisation=st.org_name,
        side=st.side,
        month=f"{st.month:%Y-%m}",
        lines=[StatementLineOut(**vars(line)) for line in st.lines],
        subtotal_krw=st.subtotal_krw,
        vat_krw=st.vat_krw,
        total_krw=st.total_krw,
    )


@router.get(
    "/statements/{month}",
    summary="월별 명세서 / Monthly statement (JSON or XLSX)",
    response_model=StatementOut,
    responses={200: {"content": {XLSX: {}}}},
)
def statement(
    month: Annotated[str, Path(max_length=7)],
    request: Request,
    actor: ActorDep,
    session: DbSession,
    side: Annotated[Literal["buyer", "seller"], Query()] = "buyer",
    format: Annotated[Literal["json", "xlsx"], Query()] = "json",
) -> Response:
    user = require_user(actor, "read")
    write_pending(request.app)  # the calls this server answered and has not written yet
    st = monthly_statement(session=session, org_id=user.org_id, side=side, month=parse_month(month))
    if format == "xlsx":
        name = f"statement-{side}-{month}.xlsx"
        return Response(
            statement_xlsx(st),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    return json_response(statement_out(st).model_dump(mode="json"))
