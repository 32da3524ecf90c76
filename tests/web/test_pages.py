"""Pages through TestClient: every page in Korean and English, CSRF tokens in forms, login
redirects, no other organisation's drafts, the workflow and access forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mfgdata.api.pages.i18n import translations
from web.world import DRAFT, PUBLISHED, World, make_world

PAGES = [
    ("/", "maker", {"ko": "제조 데이터 라이브러리", "en": "Manufacturing data library"}),
    ("/?q=사출", "buyer", {"ko": "검색", "en": "Search"}),
    ("/upload", "maker", {"ko": "업로드하여 데이터 상품 만들기", "en": "build a data product"}),
    ("/library", "maker", {"ko": "내 제품", "en": "My products"}),
    ("/access", "buyer", {"ko": "접근 요청과 권한", "en": "Access requests and grants"}),
    ("/account/tokens", "buyer", {"ko": "API 토큰", "en": "API tokens"}),
    (f"/products/{PUBLISHED}/v/1", "buyer", {"ko": "스키마", "en": "Schema"}),
    (f"/products/{PUBLISHED}/v/1/report", "buyer", {"ko": "품질 보고서", "en": "Quality report"}),
    ("/login", None, {"ko": "다시 오신 것을 환영합니다", "en": "Welcome back"}),
    ("/signup", None, {"ko": "계정 만들기", "en": "Create an account"}),
]
LOGIN_ONLY = ["/upload", "/library", "/access", "/account/tokens", "/jobs/1"]


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, built_product: Path
) -> Iterator[tuple[World, dict[str, TestClient]]]:
    made = make_world(tmp_path_factory.mktemp("web-home"), built_product)
    yield made
    for c in made[1].values():
        c.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(("path", "who", "texts"), PAGES)
def test_each_page_renders_in_both_languages(
    world: tuple[World, dict[str, TestClient]],
    path: str,
    who: str | None,
    texts: dict[str, str],
    lang: str,
) -> None:
    w, clients = world
    client = clients[who] if who else w.client()
    client.cookies.set("mfgdata_lang", lang)
    try:
        resp = client.get(path)
    finally:
        client.cookies.delete("mfgdata_lang")
    assert resp.status_code == 200, resp.text[:500]
    assert texts[lang] in resp.text
    assert f'<html lang="{lang}">' in resp.text
    other = texts["en" if lang == "ko" else "ko"]
    assert other not in resp.text or other == "Search"


def test_forms_carry_the_session_csrf_token(world: tuple[World, dict[str, TestClient]]) -> None:
    _, clients = world
    client = clients["maker"]
    token = client.cookies.get("mfgdata_csrf")
    assert token
    for path in ["/account/tokens", f"/products/{PUBLISHED}/v/1", "/access"]:
        html = client.get(path).text
        posts = re.findall(r'<form method="post".*?</form>', html, flags=re.S)
        assert posts, path
        for form in posts:
            assert f'name="csrf_token" value="{token}"' in form, (path, form[:200])
        assert f'"X-CSRF-Token": "{token}"' in html  # htmx header on <body>


def test_a_post_without_the_csrf_token_is_refused(
    world: tuple[World, dict[str, TestClient]],
) -> None:
    _, clients = world
    resp = clients["buyer"].post("/account/tokens", data={"name": "x"})
    assert resp.status_code == 403
    assert "CSRF" in resp.text


@pytest.mark.parametrize("path", LOGIN_ONLY)
def test_anonymous_users_are_sent_to_login(
    world: tuple[World, dict[str, TestClient]], path: str
) -> None:
    w, _ = world
    resp = w.client().get(path, follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login?next=" + path.split("?")[0])


def test_drafts_never_leak_to_another_organisation(
    world: tuple[World, dict[str, TestClient]],
) -> None:
    w, clients = world
    assert DRAFT in clients["maker"].get("/library").text
    assert clients["maker"].get(f"/products/{DRAFT}/v/1").status_code == 200
    for who in ("other", "buyer"):
        c = clients[who]
        for path in [
            f"/products/{DRAFT}/v/1",
            f"/products/{DRAFT}/v/1/report.html",
            f"/products/{DRAFT}",
        ]:
            assert c.get(path).status_code == 404, (who, path)
        link = f'href="/products/{DRAFT}'
        assert link not in c.get("/").text
        found = c.get(f"/?q={DRAFT}").text
        assert link not in found and 'id="result-count">0 ' in found
        assert DRAFT not in c.get("/library").text
    assert w.client().get(f"/products/{DRAFT}/v/1").status_code == 404


def test_request_grant_and_download_through_the_pages(
    world: tuple[World, dict[str, TestClient]],
) -> None:
    _, clients = world
    buyer, maker = clients["buyer"], clients["maker"]
    page = buyer.get(f"/products/{PUBLISHED}/v/1").text
    assert 'id="request-access"' in page and 'id="download"' not in page
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 403
    csrf = buyer.cookies.get("mfgdata_csrf")
    resp = buyer.post(
        f"/products/{PUBLISHED}/v/1/request-access",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert 'id="request-pending"' in buyer.get(f"/products/{PUBLISHED}/v/1").text
    access = maker.get("/access").text
    request_id = re.search(r"/access/requests/(\d+)/approve", access)
    assert request_id
    resp = maker.post(
        f"/access/requests/{request_id.group(1)}/approve",
        data={"csrf_token": maker.cookies.get("mfgdata_csrf")},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert 'id="download"' in buyer.get(f"/products/{PUBLISHED}/v/1").text
    assert buyer.get(f"/api/v1/products/{PUBLISHED}/versions/1/download").status_code == 200


def test_publish_button_is_disabled_with_the_reason_when_the_grade_is_too_low(
    world: tuple[World, dict[str, TestClient]],
) -> None:
    from mfgdata.api.auth import Actor
    from mfgdata.api.pages.product import workflow_state
    from mfgdata.db.tables import Product, ProductVersion, User

    user = User(id=1, org_id=7, role="member", active=True, locale="ko")
    version = ProductVersion(product_id="p", version=1, status="draft", grade="C")
    version.product = Product(id="p", owner_org_id=7)
    actor = Actor(via="session", user=user)
    low = workflow_state(version, actor, "en", "B")
    assert low["publish"] == "Quality grade C is below the registration grade B."
    assert workflow_state(version, actor, "ko", "C")["publish"] == ""
    stranger = Actor(via="session", user=User(id=2, org_id=8, role="member", active=True))
    assert workflow_state(version, stranger, "en", "B")["owner"] is False


def test_every_catalog_message_has_a_korean_translation() -> None:
    from babel.messages.pofile import read_po

    from mfgdata.api.pages.i18n import I18N_DIR

    with (I18N_DIR / "ko" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == []
    assert translations("ko").gettext("Log in") == "로그인"
    assert translations("en").gettext("Log in") == "Log in"
