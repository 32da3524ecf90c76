"""A web app with authentication installed, on a fresh database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from mfgdata.api.app import create_app
from mfgdata.settings import Settings

PASSWORD = "correct horse battery"


def web_settings(home: Path, db_url: str, **extra: object) -> Settings:
    return Settings(home=home, database_url=db_url, **extra)  # type: ignore[arg-type]


def web_app(settings: Settings) -> FastAPI:
    return create_app(settings)


def signup(client: TestClient, org: str, kind: str = "manufacturer") -> dict[str, object]:
    """Sign up an organisation and its first user; the client keeps the session cookies."""
    email = f"first@{org.lower()}.kr"
    resp = client.post(
        "/api/v1/auth/signup",
        json={"organisation": org, "kind": kind, "email": email, "name": org, "password": PASSWORD},
    )
    assert resp.status_code == 201, resp.text
    body: dict[str, object] = resp.json()
    client.headers["X-CSRF-Token"] = str(body["csrf_token"])
    return body
