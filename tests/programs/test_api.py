"""The programme flow through the Open API (SQLite and PostgreSQL): roles, the server-side
deadline with an injected clock (17:00:00 Seoul is refused with a ko/en 409), an evaluator who
sees only the assigned application, a conflict-declared evaluator refused, one appeal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mfgdata.api import sessions
from mfgdata.api.app import create_app
from mfgdata.db.engine import get_engine
from mfgdata.settings import Settings
from programs.flow import AT_CLOSE, BEFORE, CATS, DOCS, EARLY, LATER, People, form, make_people


class Clock:
    def __init__(self) -> None:
        self.now = EARLY

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, People, Clock, Settings]]:
    settings = Settings(home=tmp_path / "home", database_url=db_url)  # type: ignore[call-arg]
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with Session(get_engine(settings), expire_on_commit=False) as s:
        people = make_people(s)
    yield TestClient(app, raise_server_exceptions=False), people, clock, settings


def as_(client: TestClient, people: People, key: str, settings: Settings) -> TestClient:
    c = TestClient(client.app, raise_server_exceptions=False)
    with Session(get_engine(settings), expire_on_commit=False) as s:
        value, data = sessions.issue(people.user(s, key), settings)
    csrf = sessions.csrf_token(data.session_id, settings)
    c.cookies.set(sessions.SESSION_COOKIE, value)
    c.cookies.set(sessions.CSRF_COOKIE, csrf)
    c.headers[sessions.CSRF_HEADER] = csrf
    return c


def test_flow_through_the_api(world: tuple[TestClient, People, Clock, Settings]) -> None:
    anon, people, clock, settings = world
    staff, alpha, beta = (as_(anon, people, k, settings) for k in ("staff", "alpha", "beta"))
    evs = [as_(anon, people, k, settings) for k in ("ev1", "ev2", "ev3")]

    body = {"template": "data-productization-2025", "deadline_day": "2026-12-20", "slots": 1}
    assert alpha.post("/api/v1/programs/calls", json=body).status_code == 403
    r = staff.post("/api/v1/programs/calls", json=body)
    assert r.status_code == 201, r.text
    call = r.json()
    assert call["deadline"] == "2026-12-20T17:00:00+09:00"
    assert anon.get(f"/api/v1/programs/calls/{call['id']}").status_code == 200

    apps = {}
    for key, client in (("alpha", alpha), ("beta", beta)):
        r = client.post(f"/api/v1/programs/calls/{call['id']}/applications", json=form(key))
        assert r.status_code == 201, r.text
        app = r.json()
        lead = next(m for m in app["members"] if m["role"] == "lead")
        for doc_id, issued in DOCS.items():
            r = client.post(
                f"/api/v1/programs/applications/{app['id']}/documents",
                params={"member_id": lead["id"], "doc_id": doc_id, "issued_on": str(issued),
                        "filename": f"{doc_id}.pdf"},
                content=b"%PDF-1.4 document",
            )  # fmt: skip
            assert r.status_code == 201, r.text
        apps[key] = app["id"]
    # a company never sees another's application
    assert beta.get(f"/api/v1/programs/applications/{apps['alpha']}").status_code == 404
    assert anon.get("/api/v1/programs/applications").status_code == 401

    clock.now = AT_CLOSE  # 17:00:00 Seoul: late
    r = beta.post(f"/api/v1/programs/applications/{apps['beta']}/submit")
    assert r.status_code == 409
    err = r.json()["error"]
    assert err["code"] == "deadline_passed" and "마감" in err["message_ko"]
    assert "17:00:00" in err["message_en"]
    clock.now = BEFORE
    for key, client in (("alpha", alpha), ("beta", beta)):
        r = client.post(f"/api/v1/programs/applications/{apps[key]}/submit")
        assert r.status_code == 200, r.text
        assert r.json()["eligibility"]["reasons"] == []
    clock.now = LATER
    for app_id in apps.values():
        r = staff.post(f"/api/v1/programs/applications/{app_id}/review", json={"eligible": True})
        assert r.status_code == 200, r.text
        assert alpha.post(
            f"/api/v1/programs/applications/{app_id}/review", json={"eligible": True}
        ).status_code in (403, 404)
        for ev in ("ev1", "ev2", "ev3"):
            if ev == "ev3" and app_id == apps["alpha"]:
                continue  # ev3 only evaluates beta
            r = staff.post(
                f"/api/v1/programs/applications/{app_id}/assignments",
                json={"evaluator_email": f"{ev}@prog.kr"},
            )
            assert r.status_code == 201, r.text
    # ev3 declared on alpha? not assigned: alpha is invisible to ev3
    assert evs[2].get(f"/api/v1/programs/applications/{apps['alpha']}").status_code == 404
    seen = evs[2].get("/api/v1/programs/applications").json()
    assert [a["id"] for a in seen] == [apps["beta"]]
    assert seen[0]["documents"] == [] and seen[0]["eligibility"] == {}

    marks = {"alpha": ["18", "27", "27", "18"], "beta": ["15", "22", "22", "15"]}
    for i, ev in enumerate(evs):
        for a in ev.get("/api/v1/programs/assignments").json():
            key = "alpha" if a["application_id"] == apps["alpha"] else "beta"
            conflict = i == 2  # ev3 declares a conflict on beta: cannot score
            r = ev.post(
                f"/api/v1/programs/assignments/{a['id']}/declaration",
                json={"conflict": conflict, "note": "전 직장" if conflict else ""},
            )
            assert r.status_code == 200, r.text
            r = ev.post(
                f"/api/v1/programs/assignments/{a['id']}/scores",
                json={"scores": dict(zip(CATS, marks[key], strict=True))},
            )
            assert r.status_code == (403 if conflict else 200), r.text
    for app_id in apps.values():
        r = staff.post(
            f"/api/v1/programs/applications/{app_id}/site-check",
            json={"results": {"existence": True, "data_holding": True, "capacity": True}},
        )
        assert r.status_code == 200, r.text
    r = staff.post(f"/api/v1/programs/calls/{call['id']}/rankings")
    assert r.status_code == 201, r.text
    ranking = r.json()
    rows = {x["application_id"]: x for x in ranking["rows"]}
    assert rows[apps["alpha"]]["score"] == "90.00" and rows[apps["alpha"]]["selected"]
    assert rows[apps["beta"]]["score"] == "74.00" and not rows[apps["beta"]]["selected"]
    assert alpha.get(f"/api/v1/programs/rankings/{ranking['id']}").status_code == 404
    r = staff.post(f"/api/v1/programs/rankings/{ranking['id']}/publish")
    assert r.status_code == 200, r.text
    assert anon.get(f"/api/v1/programs/rankings/{ranking['id']}").status_code == 200

    r = beta.post(f"/api/v1/programs/applications/{apps['beta']}/appeals", json={"text": "재검토"})
    assert r.status_code == 201, r.text
    appeal = r.json()["appeals"][0]
    r = beta.post(f"/api/v1/programs/applications/{apps['beta']}/appeals", json={"text": "또"})
    assert r.status_code == 409
    r = staff.post(
        f"/api/v1/programs/appeals/{appeal['id']}/decision",
        json={"uphold": False, "note": "평가 절차에 하자 없음"},
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = staff.post(
        f"/api/v1/programs/applications/{apps['alpha']}/stages", json={"kind": "agreement"}
    )
    assert r.status_code == 201, r.text
    trail = staff.get(f"/api/v1/programs/applications/{apps['beta']}/audit").json()
    actions = [t["action"] for t in trail]
    assert actions.index("program.application.late") < actions.index("program.application.submit")
    assert "program.coi.declare" in actions and "program.appeal.decide" in actions
    assert beta.get(f"/api/v1/programs/applications/{apps['beta']}/audit").status_code == 403
    # bad input: one clear line, never a 500
    r = staff.post("/api/v1/programs/calls", json={**body, "template": "nope"})
    assert r.status_code == 422 and "unknown call template" in r.json()["error"]["message_en"]
