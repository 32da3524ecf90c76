"""Issue 18 in a real browser (Debian chromium via Playwright) against a real uvicorn server
(in this process, so the server's clock can be set) on a temporary MFGDATA_HOME and SQLite.

Two companies fill in the productization call's form and upload their documents; at 17:00:00
Seoul time a submission is refused on the server (16:59:59 passes); staff review both; three
evaluators declare (one a conflict, who then cannot score) and score; staff compute and publish
the ranking; the company that lost appeals once, staff reject the appeal with a reason.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy.orm import Session

from mfgdata.api.app import create_app
from mfgdata.db.engine import make_engine
from mfgdata.db.migrate import upgrade
from mfgdata.programs import service as svc
from mfgdata.settings import Settings
from programs.flow import AT_CLOSE, BEFORE, DOCS, EARLY, LATER, PASSWORD, make_people
from web.browser import ARGS, CHROMIUM, NEEDS_CHROMIUM, free_port
from web.browser import shot as _shot

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


class Clock:
    def __init__(self) -> None:
        self.now = EARLY

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Clock, Settings]]:
    home = tmp_path / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    settings = Settings(home=home, database_url=url)  # type: ignore[call-arg]
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/programs", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.2)
    yield base, clock, settings
    server.should_exit = True
    thread.join(timeout=10)


def _login(page: object, base: str, email: str) -> None:
    p = page
    p.goto(f"{base}/login")  # type: ignore[attr-defined]
    p.fill("#email", email)  # type: ignore[attr-defined]
    p.fill("#password", PASSWORD)  # type: ignore[attr-defined]
    p.click("form[action='/login'] button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_load_state()  # type: ignore[attr-defined]


def test_apply_review_score_rank_and_appeal_in_the_browser(
    served: tuple[str, Clock, Settings], tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    site, clock, settings = served
    engine = make_engine(str(settings.database_url))
    with Session(engine, expire_on_commit=False) as s:
        people = make_people(s)
        call = svc.open_call(
            session=s, actor=people.user(s, "staff"), template="data-productization-2025",
            deadline_day=dt.date(2026, 12, 20), now=EARLY, slots=1,
        )  # fmt: skip
        s.commit()
        call_id = call.id
    engine.dispose()
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(b"%PDF-1.4 certificate")

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

        def page_for(email: str) -> object:
            ctx = browser.new_context(locale="ko-KR", viewport={"width": 1280, "height": 1000})
            p = ctx.new_page()
            _login(p, site, email)
            return p

        apps: dict[str, str] = {}
        for key, name, marks in (("alpha", "알파정밀", "1"), ("beta", "베타사출", "2")):
            p = page_for(f"{key}@prog.kr")
            p.goto(f"{site}/programs")  # type: ignore[attr-defined]
            p.click(f"#calls a[href='/programs/calls/{call_id}']")  # type: ignore[attr-defined]
            expect(p.locator("#deadline")).to_contain_text("2026-12-20 17:00:00")  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=title]", f"{name} 데이터 상품화 {marks}")  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=company_name]", name)  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=founded]", "2015-03-01")  # type: ignore[attr-defined]
            p.fill("#apply-form textarea[name=demand]", f"{name} 수요기업")  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=government]", "40000000")  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=cash]", "5000000")  # type: ignore[attr-defined]
            p.fill("#apply-form input[name=in_kind]", "5000000")  # type: ignore[attr-defined]
            p.click("#save-application")  # type: ignore[attr-defined]
            expect(p.locator("#app-status")).to_have_text("작성 중")  # type: ignore[attr-defined]
            for n, (doc_id, issued) in enumerate(DOCS.items(), start=1):
                p.select_option("#document-form select[name=doc_id]", doc_id)  # type: ignore[attr-defined]
                p.fill("#document-form input[name=issued_on]", issued.isoformat())  # type: ignore[attr-defined]
                p.set_input_files("#document-form input[name=file]", str(pdf))  # type: ignore[attr-defined]
                p.click("#upload-document")  # type: ignore[attr-defined]
                expect(p.locator("#documents tr[data-doc]")).to_have_count(n)  # type: ignore[attr-defined]
            expect(p.locator("#documents .badge.approved")).to_have_count(4)  # type: ignore[attr-defined]
            apps[key] = p.url.rsplit("/", 1)[1]  # type: ignore[attr-defined]
            if key == "beta":  # the server's clock reads 17:00:00 Seoul: refused
                clock.now = AT_CLOSE
                p.click("#submit-application")  # type: ignore[attr-defined]
                expect(p.locator(".flash.error")).to_contain_text("마감")  # type: ignore[attr-defined]
                expect(p.locator(".flash.error")).to_contain_text("17:00:00")  # type: ignore[attr-defined]
                expect(p.locator("#app-status")).to_have_text("작성 중")  # type: ignore[attr-defined]
                _shot(p, "programs-late-submission")
            clock.now = BEFORE
            p.click("#submit-application")  # type: ignore[attr-defined]
            expect(p.locator("#app-status")).to_have_text("제출")  # type: ignore[attr-defined]
            expect(p.locator("#reasons")).to_contain_text("문제가 없습니다")  # type: ignore[attr-defined]

        # staff review and build the panels
        clock.now = LATER
        staff = page_for("staff@prog.kr")
        for key in ("alpha", "beta"):
            staff.goto(f"{site}/programs/applications/{apps[key]}")  # type: ignore[attr-defined]
            staff.click("#mark-eligible")  # type: ignore[attr-defined]
            expect(staff.locator("#app-status")).to_have_text("적격")  # type: ignore[attr-defined]
            for ev in ("ev1", "ev2", "ev3"):
                staff.fill("#assign-form input[name=evaluator_email]", f"{ev}@prog.kr")  # type: ignore[attr-defined]
                staff.click("#assign-evaluator")  # type: ignore[attr-defined]
                staff.wait_for_load_state()  # type: ignore[attr-defined]
            for item in ("existence", "data_holding", "capacity"):
                staff.select_option(f"select[name=item_{item}]", "pass")  # type: ignore[attr-defined]
            staff.click("#record-site-check")  # type: ignore[attr-defined]
            staff.wait_for_load_state()  # type: ignore[attr-defined]

        # evaluators: an evaluator sees only the assigned applications; ev3 declares a conflict
        marks = {"alpha": ("18", "27", "27", "18"), "beta": ("15", "22", "22", "15")}
        for ev in ("ev1", "ev2", "ev3"):
            p = page_for(f"{ev}@prog.kr")
            for key in ("alpha", "beta"):
                p.goto(f"{site}/programs/applications/{apps[key]}")  # type: ignore[attr-defined]
                p.click("#panel a[id^=sheet-]")  # type: ignore[attr-defined]
                if ev == "ev3" and key == "beta":
                    p.fill("#declare-form textarea[name=note]", "최근 3년 내 재직")  # type: ignore[attr-defined]
                    p.click("#declare-conflict")  # type: ignore[attr-defined]
                    expect(p.locator("#conflict-note")).to_be_visible()  # type: ignore[attr-defined]
                    expect(p.locator("#score-form")).to_have_count(0)  # type: ignore[attr-defined]
                    continue
                p.click("#declare-none")  # type: ignore[attr-defined]
                for i, value in enumerate(marks[key]):
                    p.fill(f"#score-form input[name=cat_{i}]", value)  # type: ignore[attr-defined]
                p.click("#submit-scores")  # type: ignore[attr-defined]
                total = sum(int(v) for v in marks[key])
                expect(p.locator("#sheet-total")).to_contain_text(f"{total}.00 / 100 점")  # type: ignore[attr-defined]
        # alpha has 3 sheets, beta 2 (ev3's conflict): the ranking is refused until staff add
        # a replacement evaluator for beta (an applicant's own member cannot be one)
        staff.goto(f"{site}/programs/calls/{call_id}")  # type: ignore[attr-defined]
        staff.click("#compute-ranking")  # type: ignore[attr-defined]
        expect(staff.locator(".flash.error")).to_contain_text("평가위원을 더 배정")  # type: ignore[attr-defined]
        staff.goto(f"{site}/programs/applications/{apps['beta']}")  # type: ignore[attr-defined]
        staff.fill("#assign-form input[name=evaluator_email]", "beta@prog.kr")  # type: ignore[attr-defined]
        staff.click("#assign-evaluator")  # type: ignore[attr-defined]
        expect(staff.locator(".flash.error")).to_contain_text("신청 기업")  # type: ignore[attr-defined]
        staff.fill("#assign-form input[name=evaluator_email]", "ev4@prog.kr")  # type: ignore[attr-defined]
        staff.click("#assign-evaluator")  # type: ignore[attr-defined]
        staff.wait_for_load_state()  # type: ignore[attr-defined]
        p = page_for("ev4@prog.kr")
        p.goto(f"{site}/programs/applications/{apps['beta']}")  # type: ignore[attr-defined]
        p.click("#panel a[id^=sheet-]")  # type: ignore[attr-defined]
        p.click("#declare-none")  # type: ignore[attr-defined]
        for i, value in enumerate(("15", "22", "22", "15")):
            p.fill(f"#score-form input[name=cat_{i}]", value)  # type: ignore[attr-defined]
        p.click("#submit-scores")  # type: ignore[attr-defined]
        expect(p.locator("#sheet-total")).to_contain_text("74.00")  # type: ignore[attr-defined]
        p.goto(f"{site}/programs/applications/{apps['alpha']}")  # type: ignore[attr-defined]
        expect(p.locator("h1")).to_contain_text("찾을 수 없")  # type: ignore[attr-defined]

        staff.goto(f"{site}/programs/calls/{call_id}")  # type: ignore[attr-defined]
        staff.click("#compute-ranking")  # type: ignore[attr-defined]
        expect(staff.locator("#ranking-state")).to_have_text("비공개")  # type: ignore[attr-defined]
        alpha_row = staff.locator(f"#ranking tr[data-app='{apps['alpha']}']")  # type: ignore[attr-defined]
        beta_row = staff.locator(f"#ranking tr[data-app='{apps['beta']}']")  # type: ignore[attr-defined]
        expect(alpha_row.locator("[data-score]")).to_have_text("90.00")
        expect(alpha_row.locator("[data-selected]")).to_have_attribute("data-selected", "yes")
        expect(beta_row.locator("[data-score]")).to_have_text("74.00")
        expect(beta_row.locator("[data-selected]")).to_have_attribute("data-selected", "no")
        staff.click("#publish-ranking")  # type: ignore[attr-defined]
        expect(staff.locator("#ranking-state")).to_have_text("공개")  # type: ignore[attr-defined]
        _shot(staff, "programs-ranking")

        # the company that lost appeals once; staff reject it with a reason
        beta = page_for("beta@prog.kr")
        beta.goto(f"{site}/programs/applications/{apps['beta']}")  # type: ignore[attr-defined]
        beta.fill("#appeal-form textarea[name=text]", "수행 방안 점수가 낮게 평가되었습니다")  # type: ignore[attr-defined]
        beta.click("#file-appeal")  # type: ignore[attr-defined]
        expect(beta.locator("[data-appeal-status]")).to_have_text("처리 대기")  # type: ignore[attr-defined]
        expect(beta.locator("#appeal-form")).to_have_count(0)  # type: ignore[attr-defined]
        staff.goto(f"{site}/programs/applications/{apps['beta']}")  # type: ignore[attr-defined]
        staff.fill("#appeal textarea[name=note]", "평가 절차와 점수 산정에 하자가 없습니다")  # type: ignore[attr-defined]
        staff.click("#reject-appeal")  # type: ignore[attr-defined]
        expect(staff.locator("[data-appeal-status]")).to_have_text("기각")  # type: ignore[attr-defined]
        beta.reload()  # type: ignore[attr-defined]
        expect(beta.locator("#appeal")).to_contain_text("하자가 없습니다")  # type: ignore[attr-defined]
        beta.click("[data-lang-switch=en]")  # type: ignore[attr-defined]
        expect(beta.locator("[data-appeal-status]")).to_have_text("Rejected")  # type: ignore[attr-defined]
        _shot(beta, "programs-appeal-en")
        browser.close()
