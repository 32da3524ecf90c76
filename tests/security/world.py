"""A security world: every role, products in every state, another organisation's resources.

Organisations: Owner (manufacturer, owns the products), Other (manufacturer), Supplier
(supplier), Buyer (buyer), Center (center, a center_staff user) and Platform (an admin).
Products of Owner (built by the pipeline with AAS and an ONNX model): ``sec-draft`` (draft),
``sec-pub`` (published, no grant) and ``sec-granted`` (published, granted to Buyer, Other,
Supplier and Center). Other owns ``other-draft``, an upload, a job, a token and an access
request, for the tenant isolation tests. Clients get a fresh signed session per call (a logout
ends only that one) or a Bearer token (owner's read/download/api tokens, the admin's admin token).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.conftest import _build, add_model
from mfgdata.accounts import tokens
from mfgdata.api import sessions
from mfgdata.api.app import create_app
from mfgdata.catalog import access, workflow
from mfgdata.catalog.register import register_product
from mfgdata.db.engine import get_engine
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import Job, Organisation, User
from mfgdata.jobs import records
from mfgdata.settings import Settings
from security import programs_world

PASSWORD = "correct horse battery"
DRAFT, PUB, GRANTED, OTHER_DRAFT = "sec-draft", "sec-pub", "sec-granted", "other-draft"
#: role → (organisation, kind, user role)
USERS = {
    "owner": ("Owner", "manufacturer", "member"),
    "other": ("Other", "manufacturer", "member"),
    "supplier": ("Supplier", "supplier", "member"),
    "buyer": ("Buyer", "buyer", "buyer"),
    "staff": ("Center", "center", "center_staff"),
    "admin": ("Platform", "center", "admin"),
}
#: token role → (user role, scopes)
TOKENS = {
    "t_read": ("owner", ["read"]),
    "t_down": ("owner", ["download"]),
    "t_api": ("owner", ["api"]),
    "t_admin": ("admin", ["admin"]),
}
ROLES = ("anon", *USERS, *TOKENS)
CSV = "일시,온도[℃]\n2024-03-01 00:00:00,200.5\n2024-03-01 00:01:00,201.5\n".encode("cp949")


def build_sources(base: Path) -> dict[str, Path]:
    """Three product folders (distinct AAS ids), each with an ONNX model."""
    out = {}
    for pid in (DRAFT, PUB, GRANTED):
        folder = _build(base, pid)
        add_model(folder)
        out[pid] = folder
    return out


@dataclass
class SecWorld:
    settings: Settings
    app: FastAPI
    sources: dict[str, Path]
    plain: Path  # a product folder without AAS, for throw-away products
    users: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    sample: list[dict[str, object]] = field(default_factory=list)

    # -- database -----------------------------------------------------------------------
    def session(self) -> Session:
        return Session(get_engine(self.settings), expire_on_commit=False)

    def user(self, session: Session, role: str) -> User:
        found = session.get(User, self.users[role])
        assert found is not None
        return found

    # -- clients ------------------------------------------------------------------------
    def client(self, role: str) -> TestClient:
        """A fresh client acting as ``role`` (a new session each time, or a Bearer token)."""
        client = TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)
        if role in TOKENS:
            client.headers["Authorization"] = f"Bearer {self.secrets[role]}"
        elif role != "anon":
            with self.session() as s:
                value, data = sessions.issue(self.user(s, role), self.settings)
            csrf = sessions.csrf_token(data.session_id, self.settings)
            client.cookies.set(sessions.SESSION_COOKIE, value)
            client.cookies.set(sessions.CSRF_COOKIE, csrf)
            client.headers[sessions.CSRF_HEADER] = csrf
        return client

    # -- fresh resources for calls that change state -------------------------------------
    def fresh_product(self, status: str) -> str:
        pid = f"tmp-{uuid.uuid4().hex[:8]}"
        with self.session() as s:
            row = register_product(
                self.plain,
                session=s,
                owner_org=self.orgs["owner"],
                product_id=pid,
                settings=self.settings,
            )
            if status == "published":
                workflow.verify(session=s, version=row, actor=None, settings=self.settings)
                workflow.publish(session=s, version=row, actor=None, settings=self.settings)
            s.commit()
        return pid

    def fresh_token(self, role: str = "owner") -> int:
        with self.session() as s:
            made = tokens.create_token(
                session=s, user=self.user(s, role), name="t", scopes=["read"]
            )
            s.commit()
            return made.token.id

    def fresh_request(self, product_id: str = PUB, requester: str = "buyer") -> int:
        with self.session() as s:
            req = access.request_access(
                session=s, product_id=product_id, requester=self.user(s, requester)
            )
            req.status = "denied"  # the next call makes a new pending one
            s.flush()
            fresh = access.request_access(
                session=s, product_id=product_id, requester=self.user(s, requester)
            )
            fresh_id = fresh.id
            fresh.status = "pending"
            s.commit()
            return fresh_id

    def fresh_grant(self, product_id: str = PUB, org: str = "buyer") -> int:
        with self.session() as s:
            from mfgdata.db.tables import Product

            product = s.get(Product, product_id)
            assert product is not None
            grant = access.grant_access(
                session=s, product=product, org_id=self.orgs[org], actor=self.user(s, "admin")
            )
            s.commit()
            return grant.id


def _finished_job(session: Session, user: User) -> Job:
    job = records.create_job(
        session=session, user=user, kind="build", inputs={"uploads": []}, options={}
    )
    job.status, job.progress, job.message = "failed", 1.0, "test"
    session.flush()
    return job


def _upload(world: SecWorld, role: str) -> int:
    client = world.client(role)
    resp = client.post(
        "/api/v1/uploads?filename=log.csv",
        content=CSV,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert resp.status_code == 201, resp.text
    return int(resp.json()["id"])


def make_world(
    home: Path,
    db_url: str,
    sources: dict[str, Path],
    plain: Path,
    app_factory: Callable[[Settings], FastAPI] = create_app,
) -> SecWorld:
    settings = Settings(home=home, database_url=db_url, max_upload_bytes=256 * 1024)  # type: ignore[call-arg]
    world = SecWorld(settings, app_factory(settings), sources, plain)
    with world.session() as s:
        for role, (org_name, kind, user_role) in USERS.items():
            org = get_or_create_organisation(session=s, name=org_name, kind=kind)
            user = create_user(
                session=s,
                data=UserCreate(
                    email=f"{role}@{org_name.lower()}.kr",
                    name=role,
                    org_id=org.id,
                    role=user_role,
                    password=PASSWORD,
                ),
            )
            world.users[role], world.orgs[role] = user.id, org.id
        s.commit()
        owner_org = s.get(Organisation, world.orgs["owner"])
        assert owner_org is not None
        for pid in (DRAFT, PUB, GRANTED):
            row = register_product(
                sources[pid], session=s, owner_org=owner_org, product_id=pid, settings=settings
            )
            if pid != DRAFT:
                workflow.verify(session=s, version=row, actor=None, settings=settings)
                workflow.publish(session=s, version=row, actor=None, settings=settings)
            s.commit()
        from mfgdata.db.tables import Product

        granted = s.get(Product, GRANTED)
        assert granted is not None
        for org in ("buyer", "other", "supplier", "staff"):
            access.grant_access(
                session=s, product=granted, org_id=world.orgs[org], actor=world.user(s, "admin")
            )
        other_src = Path(shutil.copytree(plain, home / "other-src"))
        register_product(
            other_src,
            session=s,
            owner_org=world.orgs["other"],
            product_id=OTHER_DRAFT,
            settings=settings,
        )
        for role, (user_role, scopes) in TOKENS.items():
            made = tokens.create_token(
                session=s, user=world.user(s, user_role), name=role, scopes=scopes
            )
            world.secrets[role] = made.secret
        other_token = tokens.create_token(
            session=s, user=world.user(s, "other"), name="other", scopes=["read", "api"]
        )
        world.secrets["other_token"] = other_token.secret
        world.ids["other_token"] = other_token.token.id
        world.ids["owner_job"] = _finished_job(s, world.user(s, "owner")).id
        world.ids["other_job"] = _finished_job(s, world.user(s, "other")).id
        req = access.request_access(session=s, product_id=PUB, requester=world.user(s, "other"))
        world.ids["other_request"] = req.id
        s.commit()
    world.ids["owner_upload"] = _upload(world, "owner")
    world.ids["other_upload"] = _upload(world, "other")
    table = pl.read_parquet(home / "objects" / "products" / PUB / "1" / "data" / "table.parquet")
    # the predict API takes rows as the buyer has them: the raw file's headers, units in brackets
    raw = table.head(2).select(["온도", "압력"]).rename({"온도": "온도[℃]", "압력": "압력[bar]"})
    when = ["2024-03-01 00:00:00", "2024-03-01 00:01:00"]  # the recipe orders rows by time
    world.sample = [
        {"일시": t, "설비ID": "M-01", **r} for t, r in zip(when, raw.to_dicts(), strict=True)
    ]
    programs_world.setup(world)  # issue 18: a call, Owner's application, a ranking
    return world
