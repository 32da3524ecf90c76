"""Orders: a buyer orders a product version for download or an API plan under its licence.

No payment gateway: an order is a binding record. It stores, as quoted when placed,

- the price before VAT from the registered copy's ``pricing.json`` (``price_krw`` for a download;
  an API plan is metered, so 0 up front and the per-call price list in the terms, billed by the
  monthly statement), the VAT (⌊price × rate⌋, rate from ``pricing.json``, default 10 %) and total;
- the licence code and the SHA-256 of the bilingual licence text the buyer accepted;
- its status: ``pending`` until the seller decides when the product requires approval, else
  ``approved`` at once. Approval creates the grant that download and the Open API check.

Every step is audited (``order.place``, ``order.approve``, ``order.deny``). Functions flush; the
caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.catalog.errors import NotFound, OrderError, WorkflowError
from mfgdata.catalog.invoice import invoice_pdf, render_invoice
from mfgdata.catalog.licences import get_licence
from mfgdata.catalog.register import version_folder
from mfgdata.db.tables import ORDER_PLANS, Grant, Order, ProductVersion, User, utcnow
from mfgdata.settings import Settings

DEFAULT_VAT_RATE = Decimal("0.10")
OPEN = ("pending", "approved")


def _pricing(version: ProductVersion, settings: Settings | None) -> dict[str, Any]:
    path = version_folder(version, settings) / "pricing.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise OrderError(
            "이 제품에는 가격표(pricing.json)가 없어 주문할 수 없습니다",
            "this product has no price list (pricing.json) and cannot be ordered",
        ) from e
    return doc if isinstance(doc, dict) else {}


def quote(
    version: ProductVersion, plan: str, settings: Settings | None = None
) -> tuple[Decimal, Decimal, dict[str, Any]]:
    """(price before VAT, VAT rate, terms) of ``plan`` from the version's pricing.json."""
    if plan not in ORDER_PLANS:
        raise OrderError(
            f"알 수 없는 요금제입니다: {plan} (가능: {', '.join(ORDER_PLANS)})",
            f"unknown plan {plan!r} (allowed: {', '.join(ORDER_PLANS)})",
        )
    doc = _pricing(version, settings)
    final = doc.get("final") if isinstance(doc.get("final"), dict) else {}
    rate = Decimal(str((final or {}).get("vat_rate", DEFAULT_VAT_RATE)))
    terms: dict[str, Any] = {"plan": plan, "currency": doc.get("currency", "KRW")}
    if plan == "download":
        if doc.get("price_krw") is None:
            raise OrderError("다운로드 가격이 없습니다", "the price list has no download price")
        terms["price_lines"] = list((final or {}).get("lines", []))
        return Decimal(str(doc["price_krw"])), rate, terms
    api = doc.get("api")
    if not isinstance(api, dict) or not api.get("tiers"):
        raise OrderError(
            "이 제품에는 Open API 요금표가 없습니다", "this product has no Open API price list"
        )
    keys = ("call_fee_krw", "tiers", "cap_krw", "price_formula", "billing_ko", "billing_en")
    terms["api"] = {k: api[k] for k in keys if k in api}
    return Decimal(0), rate, terms


def _vat(price: Decimal, rate: Decimal) -> Decimal:
    return (price * rate).quantize(Decimal(1), rounding=ROUND_FLOOR)


def _grant(session: Session, order: Order, actor: User | None) -> Grant:
    grant = Grant(
        product_id=order.product_id,
        org_id=order.buyer_org_id,
        granted_by_id=actor.id if actor else None,
    )
    session.add(grant)
    session.flush()
    order.grant_id = grant.id
    return grant


def place_order(
    *,
    session: Session,
    buyer: User,
    version: ProductVersion,
    plan: str,
    accept: bool,
    licence_sha256: str | None = None,
    settings: Settings | None = None,
) -> Order:
    """Order ``version`` under its product's licence; an open order of the same version and plan
    by the buyer's organisation is returned instead of a second one."""
    if version.status != "published":
        raise OrderError(
            "게시된 제품만 주문할 수 있습니다", "only a published product can be ordered"
        )
    if version.product.owner_org_id == buyer.org_id:
        raise WorkflowError(  # a conflict, like an owner requesting access to its own product
            "자기 조직의 제품은 주문할 수 없습니다", "you cannot order your own product"
        )
    lic = get_licence(version.product.licence)
    if not accept:
        raise OrderError(
            f"주문하려면 라이선스({lic.title_ko})에 동의해야 합니다",
            f"accept the licence ({lic.title_en}) to order",
        )
    if licence_sha256 is not None and licence_sha256 != lic.sha256:
        raise OrderError(
            "동의한 라이선스 문구가 현재 문구와 다릅니다. 다시 읽고 동의하세요",
            "the licence text you accepted is not the current one; read it again and accept",
        )
    price, rate, terms = quote(version, plan, settings)
    existing = session.scalars(
        select(Order).where(
            Order.version_id == version.id,
            Order.plan == plan,
            Order.buyer_org_id == buyer.org_id,
            Order.status.in_(OPEN),
        )
    ).first()
    if existing is not None:
        return existing
    vat = _vat(price, rate)
    terms["licence"] = {"code": lic.code, "title_ko": lic.title_ko, "title_en": lic.title_en}
    order = Order(
        product_id=version.product_id,
        version_id=version.id,
        version=version.version,
        buyer_org_id=buyer.org_id,
        buyer_user_id=buyer.id,
        seller_org_id=version.product.owner_org_id,
        plan=plan,
        licence=lic.code,
        licence_sha256=lic.sha256,
        licence_accepted_at=utcnow(),
        currency="KRW",
        price_krw=price,
        vat_rate=rate,
        vat_krw=vat,
        total_krw=price + vat,
        terms=terms,
        status="pending",
    )
    session.add(order)
    session.flush()
    if not version.product.approval_required:
        order.status = "approved"
        order.decided_at = utcnow()
        _grant(session, order, None)
    audit.record(
        session=session,
        action="order.place",
        actor=buyer,
        org_id=buyer.org_id,
        target=f"order:{order.id}",
        detail={"product": order.product_id, "version": order.version, "plan": plan},
    )
    session.flush()
    return order


def decide_order(*, session: Session, order: Order, actor: User | None, approve: bool) -> Order:
    """The seller approves (a grant follows) or denies a pending order (None: the operator)."""
    if actor is not None and not can(actor, "grant.create", order.product):
        raise PermissionDenied(
            "이 주문을 결정할 권한이 없습니다", "not allowed to decide this order"
        )
    if order.status != "pending":
        raise WorkflowError(
            f"이미 처리된 주문입니다 ({order.status})", f"the order is already {order.status}"
        )
    order.status = "approved" if approve else "denied"
    order.decided_by_id = actor.id if actor else None
    order.decided_at = utcnow()
    if approve:
        _grant(session, order, actor)
    audit.record(
        session=session,
        action="order.approve" if approve else "order.deny",
        actor=actor,
        org_id=order.seller_org_id,
        target=f"order:{order.id}",
    )
    session.flush()
    return order


def list_orders(
    *, session: Session, user: User, side: Literal["buyer", "seller"] = "buyer"
) -> Sequence[Order]:
    """The orders of the user's organisation as buyer or as seller, newest first."""
    column = Order.buyer_org_id if side == "buyer" else Order.seller_org_id
    stmt = select(Order).where(column == user.org_id).order_by(Order.id.desc())
    return session.scalars(stmt).all()


def get_order(*, session: Session, order_id: int, user: User) -> Order:
    """An order the user's organisation bought or sold (admins: any); NotFound otherwise."""
    order = session.get(Order, order_id)
    if order is None or (
        user.role != "admin" and user.org_id not in (order.buyer_org_id, order.seller_org_id)
    ):
        raise NotFound(f"주문을 찾을 수 없습니다: {order_id}", f"order not found: {order_id}")
    return order


def invoice_html(order: Order, session: Session) -> str:
    """The order's invoice document (HTML, Korean and English)."""
    return render_invoice(order, session)


def invoice_pdf_bytes(order: Order, session: Session) -> bytes:
    """The order's invoice as a PDF (the same content as the HTML, Korean font embedded)."""
    return invoice_pdf(order, session)
