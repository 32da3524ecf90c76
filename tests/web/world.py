"""A site world for page and download tests: a migrated SQLite home, the whole site app, a
manufacturer with a published and a draft product, a second manufacturer and a buyer."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mfgdata.api.pages.site import create_site
from mfgdata.catalog import workflow
from mfgdata.catalog.register import register_product
from mfgdata.db.engine import make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import Organisation
from mfgdata.settings import Settings

PASSWORD = "correct horse battery"
PUBLISHED = "web-published"
DRAFT = "web-draft"


@dataclass
class World:
    settings: Settings
    app_factory: object
    folder: Path

    def client(self) -> TestClient:
        return TestClient(create_site(self.settings), raise_server_exceptions=False)


def signup(client: TestClient, org: str, kind: str) -> str:
    """Sign up through the page form; the client keeps the cookies; returns the CSRF token."""
    resp = client.post(
        "/signup",
        data={
            "organisation": org,
            "kind": kind,
            "name": org,
            "email": f"u@{org.lower()}.kr",
            "password": PASSWORD,
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    return str(client.cookies.get("mfgdata_csrf"))


def make_world(home: Path, built_product: Path) -> tuple[World, dict[str, TestClient]]:
    """The world and logged-in clients: ``maker`` (owner), ``other`` (manufacturer), ``buyer``."""
    url = f"sqlite:///{home / 'mfgdata.db'}"
    settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
    upgrade(url)
    world = World(settings, create_site, built_product)
    clients = {"maker": world.client(), "other": world.client(), "buyer": world.client()}
    signup(clients["maker"], "Maker", "manufacturer")
    signup(clients["other"], "Other", "manufacturer")
    signup(clients["buyer"], "Buyer", "buyer")
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = session.query(Organisation).filter_by(name="Maker").one()
        row = register_product(
            built_product, session=session, owner_org=org, product_id=PUBLISHED, settings=settings
        )
        workflow.verify(session=session, version=row, actor=None, settings=settings)
        workflow.publish(session=session, version=row, actor=None, settings=settings)
        session.commit()
        draft = Path(shutil.copytree(built_product, home / "draft-src"))
        register_product(draft, session=session, owner_org=org, product_id=DRAFT, settings=settings)
    engine.dispose()
    world.folder = home / "objects" / "products" / PUBLISHED / "1"
    return world, clients
