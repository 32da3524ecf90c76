"""Supplier and matching pages (ko/en): the public supplier list, and for staff a testbed's problem
matched to a supplier with its reasons, then its stage moved; others are refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.api import sessions
from mfgdata.api.app import create_app
from mfgdata.db.repositories.suppliers import import_catalogue
from mfgdata.db.tables import User
from mfgdata.settings import get_settings
from mfgdata.suppliers.files import read_catalogue

DATA = Path(__file__).parents[1] / "suppliers" / "data" / "suppliers.yaml"


def _client(app: object, user: User | None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)  # type: ignore[arg-type]
    if user is not None:
        value, data = sessions.issue(user, get_settings())
        csrf = sessions.csrf_token(data.session_id, get_settings())
        client.cookies.set(sessions.SESSION_COOKIE, value)
        client.cookies.set(sessions.CSRF_COOKIE, csrf)
    return client


@pytest.fixture
def clients(db_session: Session) -> Iterator[dict[str, TestClient]]:
    import_catalogue(session=db_session, catalogue=read_catalogue(DATA))
    staff = make_user(db_session, org="경남센터", kind="center", role="center_staff")
    maker = make_user(db_session, org="가람정공")
    db_session.commit()
    app = create_app(get_settings())
    yield {"staff": _client(app, staff), "maker": _client(app, maker), "anon": _client(app, None)}


def _post(client: TestClient, path: str, **data: str) -> tuple[int, str]:
    r = client.post(
        path, data={"csrf_token": str(client.cookies.get(sessions.CSRF_COOKIE)), **data}
    )
    return r.status_code, r.text


def test_supplier_list_is_public_in_both_languages(clients: dict[str, TestClient]) -> None:
    anon = clients["anon"]
    ko = unescape(anon.get("/suppliers").text)
    assert "공급기업" in ko and "몰드에이아이(주)" in ko and "신규공급사" not in ko  # pending
    assert "GS 인증 1등급" in ko
    anon.cookies.set("mfgdata_lang", "en")
    en = unescape(anon.get("/suppliers").text)
    assert "Suppliers" in en and "Price (KRW, before VAT)" in en


def test_staff_match_reasons_and_stage_change(clients: dict[str, TestClient]) -> None:
    staff = clients["staff"]
    status, _ = _post(
        staff,
        "/matching",
        company="가람정공",
        text="테스트베드 문제: 사출성형 불량이 많습니다",
        process_family="injection_molding",
        budget_krw="60,000,000",
    )
    assert status == 303
    html = unescape(staff.get("/matching").text)
    rows = re.findall(r'<tr id="match-(\d+)"', html)
    assert rows, html
    first = rows[-1]  # newest first: the best suggestion of this demand is listed last of it
    assert "몰드에이아이(주)" in html and "사출, 성형" in html and "공정: injection_molding" in html
    status, _ = _post(staff, f"/matching/{first}/stage", stage="meeting", day="2030-01-02")
    assert status == 303
    html = unescape(staff.get("/matching").text)
    assert f'id="stage-{first}">미팅<' in html and "미팅 2030-01-02" in html
    status, text = _post(staff, f"/matching/{first}/stage", stage="introduced", day="2030-01-03")
    assert status == 409 and "앞으로만" in unescape(text)
    status, text = _post(staff, "/matching", company="", text="x")
    assert status == 422


def test_others_are_refused(clients: dict[str, TestClient]) -> None:
    assert clients["maker"].get("/matching").status_code == 403
    assert clients["anon"].get("/matching").status_code == 303  # to the login page
    status, _ = _post(clients["maker"], "/matching", company="가", text="사출")
    assert status == 403
