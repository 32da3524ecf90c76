"""Orders under a licence: price from pricing.json with 10 % VAT, licence acceptance, seller
approval (or none), the grant that follows, the invoice document, and refusals in ko/en."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog import access
from mfgdata.catalog.errors import OrderError, WorkflowError
from mfgdata.catalog.invoice import FONT_ENV
from mfgdata.catalog.licences import LICENCES, licence_text
from mfgdata.catalog.orders import (
    decide_order,
    invoice_html,
    invoice_pdf_bytes,
    list_orders,
    place_order,
)
from mfgdata.catalog.register import register_product, version_folder
from mfgdata.catalog.workflow import publish, verify
from mfgdata.db.tables import AuditLog, User
from mfgdata.errors import ConfigError


@pytest.fixture
def shop(db_session: Session, product_dir: Path) -> dict[str, object]:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, licence="commercial")
    db_session.commit()
    pricing = json.loads((version_folder(v) / "pricing.json").read_text(encoding="utf-8"))
    return {"owner": owner, "buyer": buyer, "version": v, "pricing": pricing}


def test_download_order_needs_the_licence_and_the_sellers_approval(
    db_session: Session, shop: dict[str, object]
) -> None:
    owner, buyer, v = shop["owner"], shop["buyer"], shop["version"]
    assert isinstance(owner, User) and isinstance(buyer, User)
    pricing = shop["pricing"]
    assert isinstance(pricing, dict)
    assert v.product.licence == "commercial"  # chosen at publish time  # type: ignore[attr-defined]
    with pytest.raises(OrderError) as refused:
        place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=False)
    assert "라이선스" in refused.value.ko and "licence" in refused.value.en
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    db_session.commit()
    price = Decimal(str(pricing["price_krw"]))
    assert (order.price_krw, order.vat_krw) == (price, (price / 10).to_integral_value())
    assert order.total_krw == order.price_krw + order.vat_krw
    assert order.status == "pending" and order.licence == "commercial"
    assert order.licence_sha256 == LICENCES["commercial"].sha256
    assert order.terms["licence"]["title_en"] == LICENCES["commercial"].title_en
    assert not access.has_grant(session=db_session, org_id=buyer.org_id, product_id=v.product_id)  # type: ignore[attr-defined]
    # ordering the same thing again returns the open order
    again = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    assert again.id == order.id
    with pytest.raises(PermissionDenied):
        decide_order(session=db_session, order=order, actor=buyer, approve=True)
    decide_order(session=db_session, order=order, actor=owner, approve=True)
    db_session.commit()
    assert order.status == "approved" and order.grant_id is not None
    assert access.has_grant(session=db_session, org_id=buyer.org_id, product_id=v.product_id)  # type: ignore[attr-defined]
    with pytest.raises(WorkflowError):
        decide_order(session=db_session, order=order, actor=owner, approve=False)
    assert [o.id for o in list_orders(session=db_session, user=buyer)] == [order.id]
    assert [o.id for o in list_orders(session=db_session, user=owner, side="seller")] == [order.id]
    actions = db_session.scalars(select(AuditLog.action).where(AuditLog.action.like("order.%")))
    assert sorted(actions) == ["order.approve", "order.place"]


def test_invoice_and_api_plan_terms(db_session: Session, shop: dict[str, object]) -> None:
    buyer, v, pricing = shop["buyer"], shop["version"], shop["pricing"]
    assert isinstance(buyer, User) and isinstance(pricing, dict)
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    html = invoice_html(order, db_session)
    assert f"{int(order.total_krw):,}" in html and "부가가치세" in html and "VAT" in html
    assert "Acme" in html and "Buyer Co" in html and "commercial" in html
    plan = place_order(session=db_session, buyer=buyer, version=v, plan="api", accept=True)
    assert plan.price_krw == 0 and plan.id != order.id  # metered: billed by the statement
    assert plan.terms["api"]["tiers"] == pricing["api"]["tiers"]
    assert plan.terms["api"]["call_fee_krw"] == pricing["api"]["call_fee_krw"]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_pdf_renders_korean_and_the_amounts(
    db_session: Session, shop: dict[str, object]
) -> None:
    buyer, v = shop["buyer"], shop["version"]
    assert isinstance(buyer, User)
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    db_session.commit()
    data = invoice_pdf_bytes(order, db_session)
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data  # the TrueType font is embedded
    text = _pdf_text(data)
    for word in ("청구서", "공급가액", "부가가치세", "합계", "판매자", "상업적 이용 라이선스"):
        assert word in text, (word, text)
    assert f"₩{int(order.price_krw):,} KRW" in text and f"₩{int(order.vat_krw):,} KRW" in text
    assert f"₩{int(order.total_krw):,} KRW" in text and "VAT (10 %)" in text
    assert "Acme" in text and "Buyer Co" in text and "UTC" in text
    assert "판매자 승인 대기 / awaiting the seller's approval" in text
    api = place_order(session=db_session, buyer=buyer, version=v, plan="api", accept=True)
    api_text = _pdf_text(invoice_pdf_bytes(api, db_session))
    assert "Open API 요금" in api_text and "월별 사용 명세서" in api_text


def test_invoice_pdf_without_a_korean_font_fails_clearly(
    db_session: Session, shop: dict[str, object], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    buyer, v = shop["buyer"], shop["version"]
    assert isinstance(buyer, User)
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(ConfigError) as err:
        invoice_pdf_bytes(order, db_session)
    assert "한글 글꼴" in err.value.ko and "fonts-nanum" in err.value.en
    assert "\n" not in err.value.message()


def test_licence_texts_are_bilingual() -> None:
    for code, lic in LICENCES.items():
        text = licence_text(code)
        assert lic.text_ko in text and lic.text_en in text and len(lic.sha256) == 64


def test_no_approval_needed_grants_at_once(db_session: Session, product_dir: Path) -> None:
    owner = make_user(db_session, org="Acme")
    buyer = make_user(db_session, org="Buyer Co", kind="buyer", role="buyer")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    verify(session=db_session, version=v, actor=owner)
    publish(session=db_session, version=v, actor=owner, approval_required=False)
    order = place_order(session=db_session, buyer=buyer, version=v, plan="download", accept=True)
    assert order.status == "approved" and order.grant_id is not None
    with pytest.raises(WorkflowError):  # a seller does not buy its own product
        place_order(session=db_session, buyer=owner, version=v, plan="download", accept=True)
    with pytest.raises(OrderError):
        place_order(session=db_session, buyer=buyer, version=v, plan="rent", accept=True)
