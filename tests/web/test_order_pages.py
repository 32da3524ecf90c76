"""Ordering through the pages: the licence is shown, an order without accepting it is refused
(ko/en page), the seller approves on the orders page, the buyer downloads and reads the invoice."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from mfgdata.catalog.licences import LICENCES
from web.world import DRAFT, PUBLISHED, make_world


def _form(client: TestClient, path: str, **data: str) -> tuple[int, str]:
    r = client.post(
        path,
        data={"csrf_token": str(client.cookies.get("mfgdata_csrf")), **data},
        follow_redirects=False,
    )
    return r.status_code, r.text


def test_order_under_the_licence_through_the_pages(tmp_path: Path, built_product: Path) -> None:
    _, clients = make_world(tmp_path, built_product)
    maker, buyer = clients["maker"], clients["buyer"]
    page = f"/products/{PUBLISHED}/v/1"
    html = buyer.get(page).text
    lic = LICENCES["internal-use"]
    assert 'id="order"' in html and 'id="licence-text"' in html
    assert lic.text_ko in unescape(html) and lic.text_en in unescape(html)
    assert 'id="order"' not in maker.get(page).text  # no ordering one's own product
    status, text = _form(buyer, f"{page}/order", plan="download", licence_sha256=lic.sha256)
    assert status == 422 and "라이선스" in text
    status, _ = _form(
        buyer, f"{page}/order", plan="download", accept="yes", licence_sha256=lic.sha256
    )
    assert status == 303
    mine = buyer.get("/orders").text
    oid = re.search(r'data-order="(\d+)"', mine)
    assert oid and "Maker" in mine
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 403
    sales = maker.get("/orders").text
    assert f'id="approve-order-{oid.group(1)}"' in sales
    pending = buyer.get(page).text  # ordered: the order's status, no second request or order
    assert 'id="my-order-status"' in pending and 'id="my-order-waiting"' in pending
    assert 'id="order"' not in pending and 'id="request-access"' not in pending
    assert 'id="my-order-download"' not in pending
    assert _form(buyer, f"/orders/{oid.group(1)}/approve")[0] == 403
    assert _form(maker, f"/orders/{oid.group(1)}/approve")[0] == 303
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 200
    approved = buyer.get(page).text
    assert 'id="my-order-download"' in approved and 'id="my-order-api"' in approved
    assert f"/api/v1/products/{PUBLISHED}/versions/1/rows" in approved
    assert 'id="order"' not in approved and 'id="request-access"' not in approved
    pdf = buyer.get(f"/orders/{oid.group(1)}/invoice.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    invoice = buyer.get(f"/orders/{oid.group(1)}/invoice").text
    assert 'id="invoice-amounts"' in invoice and "승인됨 / approved" in invoice
    assert "Maker" in invoice and "Buyer" in invoice


def test_the_seller_edits_the_proposed_title_before_publishing(
    tmp_path: Path, built_product: Path
) -> None:
    _, clients = make_world(tmp_path, built_product)
    maker, other = clients["maker"], clients["other"]
    page = f"/products/{DRAFT}/v/1"
    html = maker.get(page).text
    assert 'id="edit-details"' in html and 'id="proposal"' in html
    fields = {
        "title_ko": "프레스 2라인 공정 데이터",
        "title_en": "Press line 2",
        "description": "설명",
    }
    assert _form(other, f"{page}/details", **fields)[0] == 404  # another organisation
    assert _form(maker, f"{page}/details", **{**fields, "title_ko": "  "})[0] == 409
    assert _form(maker, f"{page}/details", **fields)[0] == 303
    saved = unescape(maker.get(page).text)
    assert 'id="product-title"' in saved and "프레스 2라인 공정 데이터" in saved
    assert _form(maker, f"/products/{PUBLISHED}/v/1/details", **fields)[0] == 409  # published
    found = maker.get("/api/v1/products", params={"q": "2라인"}).json()
    assert [i["product_id"] for i in found["items"]] == [DRAFT]
    status, text = _form(maker, f"{page}/workflow/publish", licence="GPL-3.0")
    assert status == 422 and "표준 라이선스가 아닙니다" in unescape(text)
    assert _form(maker, f"{page}/workflow/publish", licence="redistribution")[0] == 303
    published = unescape(maker.get(page).text)
    assert 'id="edit-details"' not in published and "redistribution" in published
    stored = tmp_path / "objects" / "products" / DRAFT / "1"
    text_ko = (stored / "LICENSE.ko.md").read_text(encoding="utf-8")
    assert LICENCES["redistribution"].text_ko in text_ko and "Maker" in text_ko
