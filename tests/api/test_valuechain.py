"""Issue 17, item 5, "Done when": a value-chain group member downloads a product shared with its
group only; a non-member gets the same 404 as for a missing product (status and body, byte for
byte once the requested id is the same), on the product page, the metadata, the download and the
rows; an expired or revoked share is answered the same way; onward transfer is refused; the
reads are audited with the group and the share.

The world is the real site app on a migrated SQLite home (``web.world``): Maker owns the product
(verified, never published to the library), Other is Maker's customer in the group, Buyer is
outside it. The library-level tests (SQLite and PostgreSQL) are in tests/catalog/test_valuechain.py.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts.audit import list_audit
from mfgdata.catalog import valuechain, workflow
from mfgdata.catalog.register import register_product
from mfgdata.db.engine import make_engine
from mfgdata.db.tables import GroupShare, Organisation, User, utcnow
from web.world import World, make_world

SHARED = "vc-shared"
MISSING = "vc-nosuch"  # never registered
GROUP = "사출 가치사슬 / injection chain"


def v1(pid: str) -> str:
    return f"/api/v1/products/{pid}/versions/1"


#: every route that names a product: page, metadata, download, rows
ROUTES = {
    "page": "/products/{pid}/v/1",
    "newest page": "/products/{pid}",
    "schema": "/api/v1/products/{pid}/versions/1/schema",
    "croissant": "/api/v1/products/{pid}/versions/1/croissant.json",
    "download": "/api/v1/products/{pid}/versions/1/download",
    "rows": "/api/v1/products/{pid}/versions/1/rows?limit=3",
}


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, built_product: Path
) -> Iterator[tuple[World, dict[str, TestClient], Session]]:
    home = tmp_path_factory.mktemp("vc-home")
    w, clients = make_world(home, built_product)
    engine = make_engine(str(w.settings.database_url))
    session = Session(engine, expire_on_commit=False)
    maker_org = session.scalars(select(Organisation).where(Organisation.name == "Maker")).one()
    src = Path(shutil.copytree(built_product, home / "vc-src"))
    row = register_product(
        src, session=session, owner_org=maker_org, product_id=SHARED, settings=w.settings
    )
    workflow.verify(session=session, version=row, actor=None, settings=w.settings)
    group = valuechain.create_group(session=session, name=GROUP, purpose="불량 원인 공동 분석")
    valuechain.add_member(
        session=session, group=group, org="Other", relation="customer", of="Maker"
    )
    other_group = valuechain.create_group(session=session, name="Other's own chain")
    valuechain.add_member(session=session, group=other_group, org="Other")
    valuechain.add_member(session=session, group=other_group, org="Buyer")
    session.commit()
    yield w, clients, session
    session.close()
    engine.dispose()
    for c in clients.values():
        c.close()


def user(session: Session, org: str) -> User:
    return session.scalars(select(User).join(Organisation).where(Organisation.name == org)).first()  # type: ignore[return-value]


def share(session: Session, days: float = 30) -> GroupShare:
    """Maker shares the product with the group through the API (as a browser session)."""
    row = valuechain.share_product(
        session=session,
        product_id=SHARED,
        group=valuechain.get_group(session=session, ref=GROUP),
        purpose="금형 온도와 불량의 관계 분석에만 사용 / only mould temperature vs defects",
        expires_at=utcnow() + timedelta(days=days),
        actor=user(session, "Maker"),
    )
    session.commit()
    return row


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": str(client.cookies.get("mfgdata_csrf"))}


def same_as_missing(client: TestClient, route: str) -> tuple[Response, Response]:
    """The answer for the shared product and for a missing id (the id replaced in the body)."""
    got = client.get(route.format(pid=SHARED), follow_redirects=False)
    missing = client.get(route.format(pid=MISSING), follow_redirects=False)
    return got, missing


def assert_like_missing(client: TestClient, who: str) -> None:
    for name, route in ROUTES.items():
        got, missing = same_as_missing(client, route)
        assert missing.status_code == 404, (who, name, missing.text)
        assert got.status_code == 404, (who, name, got.status_code, got.text[:300])
        assert got.content == missing.content.replace(MISSING.encode(), SHARED.encode()), (
            who,
            name,
        )
        assert got.headers["content-type"] == missing.headers["content-type"], (who, name)


def test_member_downloads_non_member_gets_the_missing_product_404(
    world: tuple[World, dict[str, TestClient], Session],
) -> None:
    _w, clients, session = world
    assert_like_missing(clients["other"], "member before the share")
    made = share(session)
    # the group member: page, metadata, rows and the zip
    other = clients["other"]
    page = other.get(f"/products/{SHARED}/v/1")
    assert page.status_code == 200
    assert GROUP in page.text and "금형 온도와 불량의 관계 분석에만 사용" in page.text
    dl = other.get(f"{v1(SHARED)}/download")
    assert dl.status_code == 200, dl.text
    with zipfile.ZipFile(io.BytesIO(dl.content)) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    assert {"manifest.json", "data/table.parquet"} <= names
    rows = other.get(f"{v1(SHARED)}/rows?limit=3")
    assert rows.status_code == 200, rows.text
    assert len(rows.json()["rows"]) == 3
    # the library lists it for the member, marked as a group share with its policy
    found = other.get("/api/v1/products", params={"q": ""}).json()["items"]
    mine = [i for i in found if i["product_id"] == SHARED]
    assert len(mine) == 1 and mine[0]["status"] == "verified"
    assert mine[0]["group_share"]["group"] == GROUP
    assert mine[0]["group_share"]["purpose"].startswith("금형 온도")
    assert mine[0]["group_share"]["no_onward_transfer"] is True
    # outside the group: exactly the answer for a product that does not exist
    assert_like_missing(clients["buyer"], "non-member")
    listed = clients["buyer"].get("/api/v1/products").json()["items"]
    assert SHARED not in {i["product_id"] for i in listed}
    # audited: each data read names the group and the share
    reads = list_audit(session=session, action="valuechain.read", target=f"share:{made.id}")
    uses = sorted(r.detail["use"] for r in reads)
    assert uses == ["rows.read", "version.download"]
    assert {r.detail["group"] for r in reads} == {GROUP}
    assert {r.detail["share_id"] for r in reads} == {made.id}
    assert list_audit(session=session, action="share.create", target=f"share:{made.id}")
    listing = other.get("/api/v1/valuechain/audit").json()
    assert {e["action"] for e in listing} >= {"valuechain.read"}
    valuechain.revoke_share(session=session, share=made, actor=None)
    session.commit()


def test_expired_and_revoked_shares_answer_like_a_missing_product(
    world: tuple[World, dict[str, TestClient], Session],
) -> None:
    _w, clients, session = world
    other = clients["other"]
    made = share(session)
    assert other.get(f"{v1(SHARED)}/rows?limit=1").status_code == 200
    made.expires_at = utcnow() - timedelta(seconds=1)  # the expiry passes
    session.commit()
    assert_like_missing(other, "member after expiry")
    again = share(session)
    assert other.get(f"{v1(SHARED)}/download").status_code == 200
    maker = clients["maker"]
    resp = maker.post(f"/api/v1/valuechain/shares/{again.id}/revoke", headers=csrf(maker))
    assert resp.status_code == 200, resp.text
    assert resp.json()["state"] == "revoked"
    assert_like_missing(other, "member after revocation")
    revoked = list_audit(session=session, action="share.revoke", target=f"share:{again.id}")
    assert len(revoked) == 1


def test_onward_transfer_is_refused(
    world: tuple[World, dict[str, TestClient], Session],
) -> None:
    _w, clients, session = world
    made = share(session)
    other = clients["other"]
    body = {
        "product_id": SHARED,
        "group": "Other's own chain",
        "purpose": "pass it on",
        "expires_at": (utcnow() + timedelta(days=1)).isoformat(),
    }
    resp = other.post("/api/v1/valuechain/shares", json=body, headers=csrf(other))
    assert resp.status_code == 403, resp.text
    err = resp.json()["error"]
    assert err["code"] == "onward_transfer_refused"
    assert "재전달" in err["message_ko"] and "onward" in err["message_en"]
    published = other.post(
        f"{v1(SHARED)}/publish", json={"licence": "commercial"}, headers=csrf(other)
    )
    assert published.status_code == 403
    assert published.json()["error"]["code"] == "onward_transfer_refused"
    from mfgdata.catalog import access
    from mfgdata.catalog.access import OnwardTransferRefused

    with pytest.raises(OnwardTransferRefused):
        access.grant_access(
            session=session,
            product=made.product,
            org_id=user(session, "Buyer").org_id,
            actor=user(session, "Other"),
        )
    session.rollback()
    # Buyer (in Other's chain) still sees nothing
    assert clients["buyer"].get(f"{v1(SHARED)}/download").status_code == 404
    valuechain.revoke_share(session=session, share=made, actor=None)
    session.commit()


def test_groups_and_shares_through_the_api(
    world: tuple[World, dict[str, TestClient], Session],
) -> None:
    _w, clients, session = world
    maker = clients["maker"]
    made = share(session)
    groups = maker.get("/api/v1/valuechain/groups").json()
    mine = [g for g in groups if g["name"] == GROUP]
    assert mine and {m["name"] for m in mine[0]["members"]} == {"Maker", "Other"}
    other_links = next(m for m in mine[0]["members"] if m["name"] == "Other")["links"]
    assert other_links == [{"relation": "customer", "of": "Maker"}]
    shares = maker.get("/api/v1/valuechain/shares", params={"product_id": SHARED}).json()
    assert made.id in {s["id"] for s in shares}
    assert clients["buyer"].get("/api/v1/valuechain/shares").json() == []
    page = maker.get("/valuechain")
    assert page.status_code == 200 and GROUP in page.text
    valuechain.revoke_share(session=session, share=made, actor=None)
    session.commit()
