"""``X-Forwarded-For`` is believed only from a configured proxy (``Settings.trusted_proxies``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.db.engine import make_engine
from mfgdata.db.tables import AuditLog
from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings

SPOOFED = "203.0.113.9"


def _upload_ips(settings: Settings) -> list[str | None]:
    engine = make_engine(str(settings.database_url))
    with Session(engine) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "upload.create")).all()
        ips = [r.ip for r in rows]
    engine.dispose()
    return ips


@pytest.mark.parametrize(
    ("trusted", "peer", "expected"),
    [
        ([], "10.0.0.5", "10.0.0.5"),  # no proxy configured: the header is ignored
        (["127.0.0.1"], "10.0.0.5", "10.0.0.5"),  # a peer that is not the proxy: ignored
        (["10.0.0.0/8"], "10.0.0.5", SPOOFED),  # the configured proxy: believed
    ],
)
def test_forwarded_for_only_from_the_configured_proxy(
    db_url: str, tmp_path: Path, trusted: list[str], peer: str, expected: str
) -> None:
    settings = web_settings(tmp_path / "home", db_url, trusted_proxies=trusted)
    with TestClient(web_app(settings), client=(peer, 40000)) as client:
        signup(client, "Acme")
        resp = client.post(
            "/api/v1/uploads",
            files={"file": ("a.csv", b"a,b\n1,2\n")},
            headers={"X-Forwarded-For": SPOOFED},
        )
        assert resp.status_code == 201, resp.text
    assert _upload_ips(settings) == [expected]


def test_trusted_proxies_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MFGDATA_TRUSTED_PROXIES", '["10.1.2.3", "192.168.0.0/16"]')
    assert Settings().trusted_proxies == ["10.1.2.3", "192.168.0.0/16"]
    monkeypatch.delenv("MFGDATA_TRUSTED_PROXIES")
    assert Settings().trusted_proxies == []
