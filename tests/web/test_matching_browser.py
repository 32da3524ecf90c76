"""From a testbed's problem to a proposed supplier and its stage change, in a real browser
(Debian chromium via Playwright) against a real uvicorn server on a temporary MFGDATA_HOME.

Staff log in, type the testbed's problem (``사출성형 불량``), see the supplier whose solution says
``사출성형기 금형온도`` proposed with its reasons (facets and words), move it to a meeting with a
day, and see the stage and day; then switch to English and see the same in English.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.db.engine import make_engine
from mfgdata.db.repositories.suppliers import import_catalogue
from mfgdata.suppliers.files import read_catalogue
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM, PASSWORD
from web.browser import shot as _shot
from web.test_e2e_browser import site  # noqa: F401

DATA = Path(__file__).parents[1] / "suppliers" / "data" / "suppliers.yaml"

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


def _seed(home: Path) -> None:
    engine = make_engine(f"sqlite:///{home / 'mfgdata.db'}")
    with Session(engine, expire_on_commit=False) as session:
        import_catalogue(session=session, catalogue=read_catalogue(DATA))
        make_user(
            session,
            org="경남센터",
            kind="center",
            role="center_staff",
            email="staff@center.kr",
            password=PASSWORD,
        )
        session.commit()
    engine.dispose()


def test_testbed_problem_to_proposed_supplier_and_stage(
    site: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    _seed(tmp_path / "home")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        ctx = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 900})
        expect = sync_api.expect
        p = ctx.new_page()
        p.goto(f"{site}/login?next=/matching")
        p.fill("#email", "staff@center.kr")
        p.fill("#password", PASSWORD)
        p.click("form[action='/login'] button[type=submit]")
        p.wait_for_url("**/matching")

        p.fill("#demand-company", "가람정공")
        p.fill("#demand-text", "테스트베드 문제: 사출성형 불량이 많습니다")
        p.fill("#demand-process", "injection_molding")
        p.click("#match-submit")
        p.wait_for_url("**/matching")
        row = p.locator("#matches tbody tr", has_text="몰드에이아이(주)")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("mold-temp")
        expect(row.locator(".match-words")).to_contain_text("사출, 성형")
        expect(row).to_contain_text("공정: injection_molding")
        expect(row).to_contain_text("제안")
        _shot(p, "matching-proposed")

        match_id = row.get_attribute("data-match")
        p.select_option(f"#stage-select-{match_id}", "meeting")
        p.fill(f"#stage-day-{match_id}", "2030-01-02")
        p.click(f"#stage-submit-{match_id}")
        p.wait_for_url("**/matching*")
        expect(p.locator(f"#stage-{match_id}")).to_have_text("미팅")
        expect(p.locator(f"#match-{match_id}")).to_contain_text("미팅 2030-01-02")
        _shot(p, "matching-meeting")

        p.goto(f"{site}/lang/en?next=/matching")
        expect(p.locator(f"#stage-{match_id}")).to_have_text("meeting")
        expect(p.locator("h1")).to_have_text("Matching")
        p.goto(f"{site}/suppliers")
        expect(p.locator("#supplier-moldai")).to_contain_text("GS 인증 1등급")
        browser.close()
