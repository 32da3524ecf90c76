"""Ordering through the pages: the licence is shown, an order without accepting it is refused
(ko/en page), the seller approves on the orders page, the buyer downloads and reads the invoice."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from mfgdata.catalog.licences import LICENCES
from web.world import PUBLISHED, make_world


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
    assert _form(buyer, f"/orders/{oid.group(1)}/approve")[0] == 403
    assert _form(maker, f"/orders/{oid.group(1)}/approve")[0] == 303
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 200
    invoice = buyer.get(f"/orders/{oid.group(1)}/invoice").text
    assert 'id="invoice-amounts"' in invoice and "승인됨 / approved" in invoice
    assert "Maker" in invoice and "Buyer" in invoice
