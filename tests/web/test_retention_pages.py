"""Retire and delete through the pages: the delete button says until when a version is kept, and
a delete posted anyway is refused with the ko/en reason; the grantee still downloads."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from web.world import PUBLISHED, make_world


def _post(client: TestClient, path: str) -> int:
    csrf = client.cookies.get("mfgdata_csrf")
    return client.post(path, data={"csrf_token": csrf}, follow_redirects=False).status_code


def test_retire_then_delete_is_refused_on_the_page(tmp_path: Path, built_product: Path) -> None:
    _, clients = make_world(tmp_path, built_product)
    maker, buyer = clients["maker"], clients["buyer"]
    page = f"/products/{PUBLISHED}/v/1"
    assert _post(buyer, f"{page}/request-access") == 303
    request_id = re.search(r"/access/requests/(\d+)/approve", maker.get("/access").text)
    assert request_id and _post(maker, f"/access/requests/{request_id.group(1)}/approve") == 303
    assert 'id="btn-delete"' not in maker.get(page).text  # published: retire first
    assert _post(maker, f"{page}/workflow/retire") == 303
    html = maker.get(page).text
    assert re.search(r'id="btn-delete"[^>]*disabled', html)
    assert 'id="reason-delete"' in html
    refused = maker.post(
        f"{page}/workflow/delete",
        data={"csrf_token": maker.cookies.get("mfgdata_csrf")},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert "1년" in refused.text or "one year" in refused.text
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 200
    assert f'href="/products/{PUBLISHED}/v/1"' not in buyer.get("/?q=" + PUBLISHED).text
