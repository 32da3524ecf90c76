"""The Open API's hot path: token and access answers cached briefly, usage metered in batches.

Stated behaviour: a revocation made by another process takes effect within
``Settings.token_cache_seconds``; one made through this server at once; every metered call is
written, also those still pending when the server stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from mfgdata.accounts import tokens
from mfgdata.api import authcache, deps
from mfgdata.catalog.register import register_product
from mfgdata.db.engine import get_engine, make_engine
from mfgdata.db.tables import ApiToken, Organisation, Usage, User
from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The caches' clock (only theirs: the event loop keeps the real one)."""
    fake = Clock()
    monkeypatch.setattr(authcache, "time", SimpleNamespace(monotonic=fake))
    monkeypatch.setattr(deps, "time", SimpleNamespace(monotonic=fake))
    return fake


@dataclass
class World:
    settings: Settings
    client: TestClient
    url: str
    secret: str


@pytest.fixture
def world(db_url: str, tmp_path: Path, built_product: Path) -> Iterator[World]:
    settings = web_settings(
        tmp_path / "home", db_url, token_cache_seconds=5, usage_flush_seconds=60
    )
    with TestClient(web_app(settings), raise_server_exceptions=False) as client:
        signup(client, "Acme")
        engine = make_engine(db_url)
        with Session(engine, expire_on_commit=False) as s:
            org = s.scalars(select(Organisation).where(Organisation.name == "Acme")).one()
            pid = register_product(built_product, session=s, owner_org=org, settings=settings)
            pid = pid.product_id
        engine.dispose()
        made = client.post("/api/v1/tokens", json={"name": "api", "scopes": ["api", "read"]})
        url = f"/api/v1/products/{pid}/versions/1/rows?limit=3"
        yield World(settings, client, url, made.json()["token"])


def _bearer(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.secret}"}


def _revoke_elsewhere(world: World) -> None:
    """Revoke as another process would (the CLI, another server worker): not through this app."""
    engine = make_engine(str(world.settings.database_url))
    with Session(engine) as s:
        token = s.scalars(select(ApiToken)).one()
        user = s.get(User, token.user_id)
        assert user is not None
        tokens.revoke_token(session=s, token_id=token.id, actor=user)
        s.commit()
    engine.dispose()


def _usage(world: World) -> tuple[int, int]:
    engine = make_engine(str(world.settings.database_url))
    with Session(engine) as s:
        calls, rows = s.execute(select(func.count(Usage.id), func.sum(Usage.rows))).one()
    engine.dispose()
    return int(calls), int(rows or 0)


def test_revocation_elsewhere_takes_effect_within_the_cache_period(
    world: World, clock: Clock
) -> None:
    client = world.client
    assert client.get(world.url, headers=_bearer(world)).status_code == 200
    _revoke_elsewhere(world)
    clock.now += 4.9  # within the period: the cached answer (stated, bounded staleness)
    assert client.get(world.url, headers=_bearer(world)).status_code == 200
    clock.now += 0.2  # past it
    resp = client.get(world.url, headers=_bearer(world))
    assert resp.status_code == 401 and "revoked" in resp.json()["error"]["message_en"]


def test_revocation_through_this_server_takes_effect_at_once(world: World, clock: Clock) -> None:
    client = world.client
    assert client.get(world.url, headers=_bearer(world)).status_code == 200
    token_id = client.get("/api/v1/tokens").json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}").status_code == 200
    assert client.get(world.url, headers=_bearer(world)).status_code == 401


def test_no_cache_when_the_period_is_zero(db_url: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path / "home", db_url, token_cache_seconds=0)
    app = web_app(settings)
    cache = app.state.auth_cache
    cache.tokens.put("k", "v")
    assert cache.tokens.get("k") is None and len(cache.tokens) == 0


def test_a_verified_token_is_read_from_the_database_once_per_period(
    world: World, clock: Clock
) -> None:
    client = world.client
    for _ in range(5):
        assert client.get(world.url, headers=_bearer(world)).status_code == 200
    assert len(client.app.state.auth_cache.tokens) == 1  # type: ignore[attr-defined]
    engine = make_engine(str(world.settings.database_url))
    with Session(engine) as s:
        first_use = s.scalars(select(ApiToken.last_used)).one()
    assert first_use is not None
    client.app.state.auth_cache.clear()  # type: ignore[attr-defined]
    assert client.get(world.url, headers=_bearer(world)).status_code == 200
    with Session(engine) as s:
        assert s.scalars(select(ApiToken.last_used)).one() >= first_use
    engine.dispose()


def test_every_metered_call_is_written_also_at_shutdown(world: World) -> None:
    client = world.client
    for _ in range(7):
        assert client.get(world.url, headers=_bearer(world)).status_code == 200
    assert (
        client.get(world.url.replace("rows", "schema"), headers=_bearer(world)).status_code == 200
    )
    assert client.app.state.usage.pending == 7  # type: ignore[attr-defined]
    client.__exit__(None, None, None)  # server shutdown: the lifespan writes what is pending
    assert _usage(world) == (7, 21)


def test_a_cached_rows_call_reads_no_database(world: World, clock: Clock) -> None:
    """Token, access decision and version all cached: the call is the data work only."""
    client = world.client
    assert client.get(world.url, headers=_bearer(world)).status_code == 200
    statements: list[str] = []
    engine = get_engine(world.settings)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(5):
            resp = client.get(world.url, headers=_bearer(world))
            assert resp.status_code == 200 and resp.json()["count"] == 3
        assert statements == []
        clock.now += 10  # every cache expired: verified and authorized again, from the database
        assert client.get(world.url, headers=_bearer(world)).status_code == 200
        assert any("api_tokens" in s for s in statements)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
