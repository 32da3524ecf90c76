"""Suppliers, matching and consulting over the Open API (SQLite and PostgreSQL).

A supplier applies, staff approve it, staff match a testbed's problem and move the match along
its stages; a company applies for consulting, staff run and accept the assignment and log the
sessions. Bad input is one ko/en error, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.accounts.tokens import create_token
from mfgdata.api.app import create_app
from mfgdata.db.tables import User
from mfgdata.settings import get_settings

Headers = dict[str, dict[str, str]]

SUPPLIER = {
    "id": "moldai",
    "name": "몰드에이아이(주)",
    "regions": ["경남"],
    "conflicts": ["한빛사출"],
    "solutions": [
        {
            "id": "mold-temp",
            "name": "금형 온도 최적화",
            "description_ko": "사출성형기 금형온도와 사이클타임으로 불량을 줄입니다",
            "problem_types": ["defect_prediction"],
            "process_families": ["injection_molding"],
            "deployment": ["on_premise"],
            "price_min_krw": 30000000,
            "certifications": [{"name": "GS 인증 1등급", "expires": "2030-06-30"}],
        }
    ],
}


def _bearer(session: Session, user: User) -> dict[str, str]:
    new = create_token(session=session, user=user, name="t", scopes=["read", "api"])
    session.commit()
    return {"Authorization": f"Bearer {new.secret}"}


@pytest.fixture
def world(db_session: Session) -> Iterator[tuple[TestClient, Headers]]:
    users = {
        "supplier": make_user(db_session, org="몰드에이아이", kind="supplier"),
        "maker": make_user(db_session, org="가람정공"),
        "staff": make_user(db_session, org="경남센터", kind="center", role="center_staff"),
    }
    headers = {name: _bearer(db_session, u) for name, u in users.items()}
    with TestClient(create_app(get_settings()), raise_server_exceptions=False) as client:
        yield client, headers


def test_onboarding_match_and_stages(world: tuple[TestClient, Headers]) -> None:
    client, h = world
    assert client.post("/api/v1/suppliers", json=SUPPLIER, headers=h["maker"]).status_code == 403
    r = client.post("/api/v1/suppliers", json=SUPPLIER, headers=h["supplier"])
    assert r.status_code == 201 and r.json()["status"] == "pending"
    assert client.get("/api/v1/suppliers").json() == []  # not listed before review
    demand = {
        "company": "가람정공",
        "title": "테스트베드 문제: 사출성형 불량",
        "text": "사출성형 불량이 많습니다",
        "process_family": "injection_molding",
    }
    r = client.post("/api/v1/matches", json={"demand": demand}, headers=h["staff"])
    assert r.status_code == 201 and r.json()["suggestions"] == []
    assert r.json()["excluded"][0]["reason"] == "not_approved"

    assert (
        client.post("/api/v1/suppliers/moldai/review/approve", headers=h["supplier"]).status_code
        == 403
    )
    r = client.post("/api/v1/suppliers/moldai/review/approve", headers=h["staff"])
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [s["id"] for s in client.get("/api/v1/suppliers").json()] == ["moldai"]

    r = client.post(
        "/api/v1/matches", json={"demand": demand, "day": "2026-03-02"}, headers=h["staff"]
    )
    (top,) = r.json()["suggestions"]
    assert top["solution_id"] == "mold-temp" and {"사출", "성형"} <= set(top["reasons"]["words"])
    mid = top["match_id"]
    r = client.post(
        f"/api/v1/matches/{mid}/stage",
        json={"stage": "미팅", "day": "2026-03-09"},
        headers=h["staff"],
    )
    assert r.status_code == 200 and r.json()["stages"] == {
        "proposed": "2026-03-02",
        "meeting": "2026-03-09",
    }
    back = client.post(
        f"/api/v1/matches/{mid}/stage",
        json={"stage": "introduced", "day": "2026-03-10"},
        headers=h["staff"],
    )
    assert back.status_code == 409
    assert back.json()["error"]["message_en"].startswith("stages only move")
    assert client.get("/api/v1/matches/kpi", headers=h["staff"]).json()["meeting"] == 1
    assert client.get("/api/v1/matches", headers=h["maker"]).status_code == 403
    # a conflict of interest excludes the supplier for that company
    r = client.post(
        "/api/v1/matches",
        json={"demand": {**demand, "company": "한빛사출"}},
        headers=h["staff"],
    )
    assert r.json()["suggestions"] == []
    assert r.json()["excluded"][0]["reason"] == "conflict_of_interest"
    bad = client.post("/api/v1/matches", json={"demand": {"text": "x"}}, headers=h["staff"])
    assert bad.status_code == 422


def test_consulting_flow(world: tuple[TestClient, Headers]) -> None:
    client, h = world
    expert = {"name": "김전문", "fields": ["AI"], "regions": ["경남"], "capacity": 1}
    assert (
        client.post("/api/v1/consulting/experts", json=expert, headers=h["maker"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/consulting/experts", json=expert, headers=h["staff"]).status_code
        == 201
    )
    r = client.post(
        "/api/v1/consulting/requests", json={"field": "AI", "region": "경남"}, headers=h["maker"]
    )
    assert r.status_code == 201 and r.json()["company"] == "가람정공"
    again = client.post(
        "/api/v1/consulting/requests", json={"field": "AI", "region": "경남"}, headers=h["maker"]
    )
    assert again.status_code == 409
    r = client.post("/api/v1/consulting/assign", headers=h["staff"])
    assert r.json()["pairs"] == [
        {"company": "가람정공", "expert": "김전문", "score": 3, "accepted": False}
    ]
    (a,) = client.get("/api/v1/consulting/assignments", headers=h["staff"]).json()
    log = {"held_on": "2026-04-01", "hours": "2", "notes": "계획", "complete": True}
    early = client.post(
        f"/api/v1/consulting/assignments/{a['id']}/sessions", json=log, headers=h["staff"]
    )
    assert early.status_code == 422 and "accepted" in early.json()["error"]["message_en"]
    client.post(f"/api/v1/consulting/assignments/{a['id']}/accept", headers=h["staff"])
    r = client.post(
        f"/api/v1/consulting/assignments/{a['id']}/sessions", json=log, headers=h["staff"]
    )
    assert r.status_code == 201 and r.json()["hours_unit"] == "h"
    (a,) = client.get("/api/v1/consulting/assignments", headers=h["staff"]).json()
    assert a["completed_at"] is not None
    missing = client.post("/api/v1/consulting/assignments/999999/accept", headers=h["staff"])
    assert missing.status_code == 404


def test_fuzz_as_staff_no_server_errors(world: tuple[TestClient, Headers]) -> None:
    """Schemathesis on the supplier, match and consulting operations, called by center staff."""
    import schemathesis
    from hypothesis import HealthCheck, given, seed, settings
    from schemathesis.checks import not_a_server_error

    client, h = world
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    ours = ("/api/v1/suppliers", "/api/v1/matches", "/api/v1/consulting")
    operations = [op.ok() for op in schema.get_all_operations() if op.ok().path.startswith(ours)]
    assert len(operations) == 13
    for n, operation in enumerate(operations):

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @seed(n)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=dict(h["staff"]), checks=[not_a_server_error])

        check()
