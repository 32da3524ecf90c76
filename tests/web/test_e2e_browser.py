"""The whole flow in a real browser (Debian chromium via Playwright) against a real uvicorn server
and a real Huey worker on a temporary MFGDATA_HOME.

Manufacturer: sign up, upload the bundled sample, watch the build, open the report, publish, log
out. Buyer: sign up, search "사출", switch to English once, request access. Manufacturer: log in,
approve. Buyer: download the zip (opens, has manifest.json), create an API token, call the Open
API rows endpoint with it. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mfgdata.db.migrate import upgrade
from mfgdata.samples import demo_files
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM, PASSWORD, serve
from web.browser import shot as _shot

PRODUCT = "e2e-injection"
pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A real server and worker on a fresh home; yields the base URL."""
    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    with serve(home, url, tmp_path, worker=True) as base:
        yield base


def _signup(page: object, base: str, org: str, kind: str, email: str) -> None:
    p = page
    p.goto(f"{base}/signup")  # type: ignore[attr-defined]
    p.fill("#organisation", org)  # type: ignore[attr-defined]
    p.select_option("#kind", kind)  # type: ignore[attr-defined]
    p.fill("#name", org)  # type: ignore[attr-defined]
    p.fill("#email", email)  # type: ignore[attr-defined]
    p.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    p.click("form[action='/signup'] button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_load_state()  # type: ignore[attr-defined]


def test_whole_flow_in_the_browser(site: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        maker = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        buyer = browser.new_context(
            locale="ko-KR", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        expect = sync_api.expect

        # manufacturer: sign up, upload, build
        m = maker.new_page()
        _signup(m, site, "한빛사출", "manufacturer", "maker@hanbit.kr")
        assert m.url.endswith("/upload")
        m.set_input_files("#files", [str(p) for p in demo_files()])
        m.fill("#product_id", PRODUCT)
        m.fill("#title", "사출성형 공정 데이터 / Injection moulding process data")
        m.fill("#time_column", "일시")
        m.fill("#id_column", "설비ID")
        m.fill("#target", "불량여부")
        m.select_option("#process_family", "injection_molding")
        m.click("#build-form button[type=submit]")
        m.wait_for_url("**/jobs/*", timeout=60_000)
        expect(m.locator("#job-status")).to_be_visible()
        _shot(m, "build-progress")
        expect(m.locator("#job-status[data-status=succeeded]")).to_be_attached(timeout=240_000)
        _shot(m, "build-done")

        # the report, then publish from the product page
        m.click("#open-report")
        expect(m.frame_locator("#report-frame").locator("body")).to_contain_text("품질")
        _shot(m, "report")
        m.goto(f"{site}/products/{PRODUCT}/v/1")
        m.click("#btn-publish")
        expect(m.locator("#product-status")).to_have_text("게시됨")
        _shot(m, "product")
        m.click("form[action='/logout'] button")
        expect(m.locator("a[href='/login']")).to_be_visible()

        # buyer: sign up, search in Korean, switch to English once, request access
        b = buyer.new_page()
        _signup(b, site, "스마트바이어", "buyer", "buyer@smart.kr")
        b.fill("input[name=q]", "사출")
        b.press("input[name=q]", "Enter")
        hit = b.locator(f"a[href='/products/{PRODUCT}/v/1']")
        expect(hit).to_be_visible()
        _shot(b, "search")
        b.click("[data-lang-switch=en]")
        expect(b.locator("h1")).to_have_text("Manufacturing data library")
        expect(b.locator("#results")).to_contain_text("Injection moulding process data")
        _shot(b, "search-en")
        b.click("[data-lang-switch=ko]")
        b.goto(f"{site}/products/{PRODUCT}/v/1")
        expect(b.locator("#download")).to_have_count(0)
        b.click("#request-access")
        expect(b.locator("#request-pending")).to_be_visible()

        # manufacturer: log in, approve
        m.goto(f"{site}/login")
        m.fill("#email", "maker@hanbit.kr")
        m.fill("#password", PASSWORD)
        m.click("form[action='/login'] button[type=submit]")
        m.goto(f"{site}/access")
        m.locator("#incoming button", has_text="승인").click()
        expect(m.locator("#incoming")).to_contain_text("승인됨")

        # buyer: download the zip
        b.goto(f"{site}/products/{PRODUCT}/v/1")
        with b.expect_download() as info:
            b.click("#download")
        saved = tmp_path / "product.zip"
        info.value.save_as(saved)
        with zipfile.ZipFile(saved) as zf:
            names = zf.namelist()
            assert zf.testzip() is None
        assert f"{PRODUCT}-v1/manifest.json" in names
        assert f"{PRODUCT}-v1/data/table.parquet" in names

        # buyer: an API token, shown once, used on the Open API
        b.goto(f"{site}/account/tokens")
        b.fill("#token-name", "notebook")
        b.click("form[action='/account/tokens'] button[type=submit]")
        secret = b.locator("#token-secret").inner_text().strip()
        assert secret.startswith("mfg_")
        _shot(b, "tokens")
        resp = httpx.get(
            f"{site}/api/v1/products/{PRODUCT}/versions/1/rows",
            params={"limit": 5},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert resp.status_code == 200, resp.text
        assert len(resp.json()["rows"]) == 5
        b.goto(f"{site}/account/tokens")
        expect(b.locator("#token-secret")).to_have_count(0)  # shown once
        browser.close()


def test_open_api_page_renders_offline(site: str) -> None:
    """Swagger UI comes from the package's own static files: with every request to another host
    refused, the page still lists the API's operations."""
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []

    def only_this_site(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(site):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.route("**/*", only_this_site)
        page.goto(f"{site}/api/v1/docs")
        sync_api.expect(page.locator(".opblock").first).to_be_visible(timeout=30_000)
        assert page.locator(".opblock").count() > 10
        assert page.locator(".information-container").inner_text().startswith("mfgdata API")
        _shot(page, "open-api-docs")
        browser.close()
    assert outside == []
