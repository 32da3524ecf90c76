"""Schemathesis against the WHOLE OpenAPI schema of ``create_app``: no 5xx on any operation.

Two authenticated runs per database (SQLite and PostgreSQL): a login session (a fresh signed
session cookie and its CSRF header on every case, so a generated logout ends only that case's
session) and a Bearer token with the read, download and api scopes. Bounded and derandomized
(``max_examples`` per operation, no deadline, a fixed seed) so that CI is stable.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from mfgdata.accounts import tokens
from mfgdata.api import sessions
from mfgdata.db.engine import get_engine
from mfgdata.db.tables import User
from security.world import DRAFT, GRANTED, PUB, SecWorld, make_world

EXAMPLES = {"sqlite": 10, "postgresql": 5}
PRODUCTS = (PUB, DRAFT, GRANTED, "no-such-product")


def _session_headers(world: SecWorld) -> Callable[[], dict[str, str]]:
    def make() -> dict[str, str]:
        with Session(get_engine(world.settings)) as s:
            user = s.get(User, world.users["owner"])
            assert user is not None
            value, data = sessions.issue(user, world.settings)
        csrf = sessions.csrf_token(data.session_id, world.settings)
        cookie = f"{sessions.SESSION_COOKIE}={value}; {sessions.CSRF_COOKIE}={csrf}"
        return {"Cookie": cookie, sessions.CSRF_HEADER: csrf}

    return make


def _token_headers(world: SecWorld) -> Callable[[], dict[str, str]]:
    with Session(get_engine(world.settings)) as s:
        user = s.get(User, world.users["owner"])
        assert user is not None
        made = tokens.create_token(
            session=s, user=user, name="fuzz", scopes=["read", "download", "api"]
        )
        s.commit()
    header = {"Authorization": f"Bearer {made.secret}"}
    return lambda: dict(header)


def _run(world: SecWorld, headers: Callable[[], dict[str, str]], examples: int) -> int:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    for n, operation in enumerate(operations):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @seed(n)
        def check(case: schemathesis.Case) -> None:
            params: dict[str, Any] = case.path_parameters or {}
            if "product_id" in params:  # real products too, not only random ids
                params["product_id"] = PRODUCTS[len(str(params["product_id"])) % len(PRODUCTS)]
            if "version" in params and isinstance(params["version"], int):
                params["version"] = 1 if params["version"] % 2 == 0 else params["version"]
            case.call_and_validate(headers=headers(), checks=[not_a_server_error])

        check()
    return len(operations)


@pytest.fixture
def fuzz_world(
    db_url: str, tmp_path: Path, sources: dict[str, Path], built_product: Path
) -> SecWorld:
    return make_world(tmp_path / "home", db_url, sources, built_product)


@pytest.mark.parametrize("auth", ["session", "token"])
def test_no_server_error_on_any_operation(fuzz_world: SecWorld, db_url: str, auth: str) -> None:
    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    make = _session_headers if auth == "session" else _token_headers
    assert _run(fuzz_world, make(fuzz_world), EXAMPLES[backend]) >= 30
