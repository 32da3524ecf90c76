"""Issue 16's "done when", in a real browser (Debian chromium via Playwright) against a real
uvicorn server: staff build a survey, a company answers it through a link without an account,
the analysis page shows the answer; staff open a testbed for that company, attach a build,
enter before/after production figures and download the PoC report with the OEE change; an event
is created, a person registers and is checked in, and the dashboard counts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mfgdata.catalog.register import register_product
from mfgdata.center.access import set_staff_regions
from mfgdata.center.companies import create_company, parse_company
from mfgdata.db.engine import make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.settings import Settings
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM, PASSWORD, serve, shot

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


def _seed(home: Path, url: str, built_product: Path) -> None:
    """Staff of the Daegu center, a manufacturer (its company record) and a build of its data."""
    settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
    engine = make_engine(url)
    with Session(engine) as s:
        center = get_or_create_organisation(session=s, name="Daegu Center", kind="center")
        maker = get_or_create_organisation(session=s, name="Daegu Precision", kind="manufacturer")
        staff = create_user(
            session=s,
            data=UserCreate(
                email="staff@center.kr",
                name="담당자",
                org_id=center.id,
                role="center_staff",
                password=PASSWORD,
            ),
        )
        set_staff_regions(session=s, user=staff, regions=["daegu"])
        create_company(
            session=s,
            data=parse_company(
                {
                    "business_number": "124-81-00998",
                    "name": "대구정밀",
                    "ksic_code": "C29",
                    "region": "대구",
                    "size_class": "중기업",
                    "maturity": 2,
                    "org_id": maker.id,
                }
            ),
        )
        s.commit()
        register_product(
            built_product, session=s, owner_org=maker, product_id="bt-press", settings=settings
        )
        s.commit()
    engine.dispose()


@pytest.fixture
def site(tmp_path: Path, built_product: Path) -> Iterator[str]:
    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    _seed(home, url, built_product)
    with serve(home, url, tmp_path) as base:
        yield base


def _shot(page: object, name: str) -> None:
    shot(page, f"center-{name}")


BEFORE = {"pbt": "480", "apt": "420", "pri": "0.75", "pq": "500", "gq": "475", "sq": "15"}
AFTER = {"pbt": "480", "apt": "450", "pri": "0.75", "pq": "560", "gq": "550", "sq": "6"}


def test_center_done_when_in_the_browser(site: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        view = {"width": 1280, "height": 900}
        staff = browser.new_context(locale="ko-KR", viewport=view, accept_downloads=True).new_page()
        company = browser.new_context(locale="ko-KR", viewport=view).new_page()
        expect = sync_api.expect

        staff.goto(f"{site}/login")
        staff.fill("#email", "staff@center.kr")
        staff.fill("#password", PASSWORD)
        staff.click("form[action='/login'] button[type=submit]")
        staff.wait_for_load_state()
        staff.click("#nav-center")
        expect(staff.locator("#companies")).to_contain_text("대구정밀")

        # staff build a survey from the demand template, open it, issue a link for the company
        staff.select_option("#survey-kind", "demand")
        staff.fill("#survey-title", "2026 대구 수요조사")
        staff.click("#create-survey")
        staff.click("#status-open")
        expect(staff.locator("#survey-status")).to_have_text("open")
        staff.select_option("#link-company", label="대구정밀")
        staff.click("#issue-link")
        link = staff.locator("#new-link").get_attribute("href")
        assert link and link.startswith("/s/sv_")

        # the company answers without an account; a conditional question appears after saving
        company.goto(f"{site}{link}")
        expect(company.locator("#q-data_sources")).to_have_count(0)
        company.check("#q-data_collected input[value='yes']")
        company.click("#answer-save")
        expect(company.locator("#answer-saved")).to_be_visible()
        expect(company.locator("#q-data_sources")).to_be_visible()
        company.check("#q-problem_types input[value='predictive_maintenance']")
        company.check("#q-data_sources input[value='plc_sensor']")
        company.fill("#q-data_volume input", "40")
        company.check("#q-ai_experience input[value='pilot']")
        company.check("#q-testbed_interest input[value='yes']")
        company.click("#answer-submit")
        expect(company.locator("#answer-done")).to_be_visible()
        _shot(company, "answered")

        # the analysis page shows the answer
        staff.reload()
        expect(staff.locator("#response-count")).to_contain_text("1")
        expect(staff.locator("#by-region")).to_contain_text("대구광역시")
        expect(staff.locator("#by-problem_type")).to_contain_text("예지보전")
        _shot(staff, "analysis")

        # a testbed for the company: attach its build, enter the figures, get the report
        staff.goto(f"{site}/center")
        staff.select_option("#testbed-company", label="대구정밀")
        staff.fill("#testbed-title", "프레스 라인 OEE 개선")
        staff.select_option("#testbed-problem", "process_optimization")
        staff.click("#create-testbed")
        staff.select_option("#attach-kind", "product")
        staff.fill("#attach-ref", "bt-press@1")
        staff.click("#attach-submit")
        expect(staff.locator("#attachments")).to_contain_text("bt-press@1")
        for key, value in BEFORE.items():
            staff.fill(f"#b_{key}", value)
        for key, value in AFTER.items():
            staff.fill(f"#a_{key}", value)
        staff.fill("#measurement_window", "2026-06 (1개월)")
        staff.click("#kpi-save")
        expect(staff.locator("#change-oee")).to_have_text("+11.7 %p")
        _shot(staff, "testbed")
        with staff.expect_download() as info:
            staff.click("#poc-report")
        report = Path(info.value.path()).read_text(encoding="utf-8")
        assert "+11.7 %p" in report and "bt-press v1" in report and "2026-06" in report

        # an event: create, a person registers (no account), staff check them in
        staff.goto(f"{site}/center/events")
        staff.select_option("#event-kind", "result_sharing")
        staff.fill("#event-title", "제조AI 성과공유회")
        staff.fill("#event-start", "2099-11-20T14:00")
        staff.fill("#event-end", "2099-11-20T17:00")
        staff.fill("#event-capacity", "50")
        staff.click("#create-event")
        public = staff.locator("#public-link").get_attribute("href")
        company.goto(f"{site}{public}")
        expect(company.locator("body")).to_contain_text("2099-11-20 14:00 +09:00")
        company.fill("#reg-name", "김민수")
        company.fill("#reg-email", "ms.kim@example.kr")
        company.fill("#reg-org", "대구정밀")
        company.click("#reg-submit")
        expect(company.locator("#registered")).to_be_visible()
        staff.reload()
        staff.locator("#registrations button").first.click()
        expect(staff.locator("#checked-in")).to_have_text("1")

        # the dashboard counts it (and the response and the testbed)
        staff.goto(f"{site}/center/dashboard?year=2099")
        expect(staff.locator("#fig-attendees")).to_have_text("1")
        expect(staff.locator("#fig-events")).to_have_text("1")
        staff.goto(f"{site}/center/dashboard")
        expect(staff.locator("#fig-responses")).to_have_text("1")
        expect(staff.locator("#fig-testbeds")).to_have_text("1")
        expect(staff.locator("#fig-oee_change")).to_have_text("11.72")
        _shot(staff, "dashboard")
        browser.close()
