"""The center's Open API and pages end to end: staff register companies and build a survey, a
company answers through its link without an account, the analysis counts it; region and
organisation isolation; the KPI calculator (API and page). SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from mfgdata.center.access import set_staff_regions
from mfgdata.center.pdf import chromium_path
from mfgdata.db.engine import make_engine
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.repositories.users import UserCreate, create_user
from mfgdata.db.tables import User
from webapp import PASSWORD, web_app, web_settings


def _user(session: Session, org: str, kind: str, role: str, email: str) -> int:
    o = get_or_create_organisation(session=session, name=org, kind=kind)
    user = create_user(
        session=session,
        data=UserCreate(
            email=email, name=email.split("@")[0], org_id=o.id, role=role, password=PASSWORD
        ),
    )
    return user.id


def _login(app: object, email: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
    resp = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    client.headers["X-CSRF-Token"] = str(resp.json()["csrf_token"])
    return client


COMPANY = {
    "business_number": "124-81-00998",
    "name": "대구정밀",
    "ksic_code": "C29",
    "region": "대구",
    "size_class": "small",
    "maturity": 2,
    "consent_scopes": ["survey", "testbed"],
    "consent_date": "2026-03-02",
}


def test_center_flow_and_isolation(db_url: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path / "home", db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        staff_id = _user(s, "Daegu Center", "center", "center_staff", "staff@center.kr")
        ulsan_staff = _user(s, "Ulsan Center", "center", "center_staff", "staff@ulsan.kr")
        _user(s, "Maker", "manufacturer", "member", "m@maker.kr")
        _user(s, "Buyer", "buyer", "buyer", "b@buyer.kr")
        maker_org = get_or_create_organisation(session=s, name="Maker", kind="manufacturer").id
        set_staff_regions(session=s, user=s.get_one(User, staff_id), regions=["daegu", "gyeongbuk"])
        set_staff_regions(session=s, user=s.get_one(User, ulsan_staff), regions=["ulsan"])
        s.commit()
    engine.dispose()
    app = web_app(settings)
    staff = _login(app, "staff@center.kr")
    admin_like_other = _login(app, "staff@ulsan.kr")
    member = _login(app, "m@maker.kr")
    buyer = _login(app, "b@buyer.kr")
    anon = TestClient(app, raise_server_exceptions=False)

    made = staff.post("/api/v1/center/companies", json=COMPANY | {"org_id": maker_org})
    assert made.status_code == 201, made.text
    daegu_id = made.json()["id"]
    assert made.json()["business_number"] == "124-81-00998"
    ulsan_row = COMPANY | {"business_number": "220-81-62517", "name": "울산오토", "region": "울산"}
    assert staff.post("/api/v1/center/companies", json=ulsan_row).status_code == 403
    ulsan = admin_like_other.post("/api/v1/center/companies", json=ulsan_row)
    assert ulsan.status_code == 201
    bad = staff.post("/api/v1/center/companies", json=COMPANY | {"business_number": "124-81-00997"})
    assert bad.status_code == 422 and "check digit" in bad.json()["error"]["message_en"]
    assert member.post("/api/v1/center/companies", json=COMPANY).status_code == 403

    # region isolation: the Daegu staff see Daegu only; the Ulsan staff the other one
    assert [c["name"] for c in staff.get("/api/v1/center/companies").json()] == ["대구정밀"]
    assert staff.get(f"/api/v1/center/companies/{ulsan.json()['id']}").status_code == 404
    assert [c["name"] for c in admin_like_other.get("/api/v1/center/companies").json()] == [
        "울산오토"
    ]
    # a company's member sees only its own; a buyer sees none
    assert [c["id"] for c in member.get("/api/v1/center/companies").json()] == [daegu_id]
    assert buyer.get("/api/v1/center/companies").json() == []
    assert anon.get("/api/v1/center/companies").status_code == 401

    # import: dry run of a CP949 CSV
    body = "사업자등록번호,회사명,업종코드,지역,기업규모\n513-86-00121,경북기계,29,경북,소기업\n"
    outside = admin_like_other.post(
        "/api/v1/center/companies/import?filename=c.csv&dry_run=true", content=body.encode("cp949")
    )
    assert outside.json()["errors"][0]["column"] == "region"
    dry = staff.post(
        "/api/v1/center/companies/import?filename=c.csv&dry_run=true", content=body.encode("cp949")
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["create"] == 1 and dry.json()["written"] is False
    assert dry.json()["encoding"] == "cp949"

    # a survey from the template, opened, a link for the Daegu company
    sv = staff.post(
        "/api/v1/center/surveys", json={"title_ko": "2026 수요조사", "template": "demand"}
    )
    assert sv.status_code == 201, sv.text
    sid = sv.json()["id"]
    assert (
        staff.post(f"/api/v1/center/surveys/{sid}/status", json={"status": "open"}).status_code
        == 200
    )
    link = staff.post(f"/api/v1/center/surveys/{sid}/links", json={"company_id": daegu_id})
    assert link.status_code == 201
    url = link.json()["url"]
    # the Daegu staff cannot issue a link for a company outside their region
    other = staff.post(
        f"/api/v1/center/surveys/{sid}/links", json={"company_id": ulsan.json()["id"]}
    )
    assert other.status_code == 404
    assert member.get("/api/v1/center/surveys").status_code == 403

    # the company answers through the link, without an account: save, resume, submit
    page = anon.get(url)
    assert (
        page.status_code == 200
        and "대구정밀" in page.text
        and 'id="q-data_sources"' not in page.text
    )
    saved = anon.post(
        url,
        data={
            "data_collected": "yes",
            "problem_types.__shown": "1",
            "comments": "",
            "action": "save",
        },
    )
    assert saved.status_code == 200 and 'id="answer-saved"' in saved.text
    assert 'id="q-data_sources"' in saved.text  # the conditional question appears
    missing = anon.post(url, data={"action": "submit"})
    assert missing.status_code == 422 and 'id="answer-error"' in missing.text
    done = anon.post(
        url,
        data={
            "problem_types": ["quality_assurance", "predictive_maintenance"],
            "data_volume": "20",
            "ai_experience": "none",
            "testbed_interest": "yes",
            "budget": "3000",
            "priorities.quality": "high",
            "action": "submit",
        },
    )
    assert done.status_code == 200 and 'id="answer-done"' in done.text, done.text
    again = anon.post(url, data={"action": "submit"})
    assert again.status_code == 422 and "한 번" in again.text
    assert anon.get("/s/sv_not-a-token").status_code == 404

    analysis = staff.get(f"/api/v1/center/surveys/{sid}/analysis").json()
    assert analysis["responses"] == 1
    assert analysis["by"]["region"]["daegu"]["count"] == 1
    assert analysis["by"]["problem_type"]["predictive_maintenance"]["count"] == 1
    # the Ulsan staff see neither the Daegu company's answers nor its name in the export
    assert admin_like_other.get(f"/api/v1/center/surveys/{sid}/analysis").json()["responses"] == 0
    theirs = admin_like_other.get(f"/api/v1/center/surveys/{sid}/export?format=csv")
    assert "대구정밀" not in theirs.content.decode("utf-8-sig")
    # the company's member sees its own answers; another region's staff and a buyer do not
    own = member.get(f"/api/v1/center/companies/{daegu_id}/responses").json()
    assert own[0]["answers"]["budget"] == 3000 and own[0]["title_ko"] == "2026 수요조사"
    assert admin_like_other.get(f"/api/v1/center/companies/{daegu_id}/responses").status_code == 404
    assert buyer.get(f"/api/v1/center/companies/{daegu_id}/responses").status_code == 404
    shown = staff.get(f"/center/surveys/{sid}")
    assert shown.status_code == 200 and "대구광역시" in shown.text
    assert "<strong>1</strong>" in shown.text
    exported = staff.get(f"/api/v1/center/surveys/{sid}/export?format=csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[1][4] == "대구정밀" and rows[1][rows[0].index("budget [만원]")] == "3000"
    assert staff.get(f"/api/v1/center/surveys/{sid}/export?format=xlsx").status_code == 200
    assert member.get(f"/api/v1/center/surveys/{sid}/export").status_code == 403
    home = staff.get("/center")
    assert home.status_code == 200 and "2026 수요조사" in home.text


def test_kpi_api_and_page(db_url: str, tmp_path: Path) -> None:
    app = web_app(web_settings(tmp_path / "home", db_url))
    anon = TestClient(app, raise_server_exceptions=False)
    before = {"pbt": 480, "apt": 420, "pri": 0.75, "pq": 500, "gq": 475, "sq": 15, "rq": 10}
    after = before | {"apt": 450, "pq": 560, "gq": 550, "sq": 6, "rq": 4}
    resp = anon.post("/api/v1/center/kpi", json={"before": before, "after": after})
    assert resp.status_code == 200, resp.text
    kpis = {k["id"]: k for k in resp.json()["before"]}
    assert kpis["oee"]["value"] == 0.7421875 and kpis["oee"]["display"] == "74.2 %"
    change = {c["id"]: c for c in resp.json()["change"]}
    assert change["oee"]["delta_display"] == "+11.7 %p"
    bad = anon.post("/api/v1/center/kpi", json={"before": before | {"apt": 500}})
    assert bad.status_code == 422 and "APT" in bad.json()["error"]["message_en"]
    form = {f"b_{k}": str(v) for k, v in before.items()} | {
        f"a_{k}": str(v) for k, v in after.items()
    }
    page = anon.post("/center/kpi", data=form)
    assert page.status_code == 200 and "74.2 %" in page.text and "+11.7 %p" in page.text
    assert "APT / PBT" in page.text
    err = anon.post("/center/kpi", data=form | {"b_gq": "600"})
    assert err.status_code == 422 and 'id="kpi-error"' in err.text


def test_testbed_api_and_pages(db_url: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path / "home", db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        staff_id = _user(s, "Daegu Center", "center", "center_staff", "staff@center.kr")
        _user(s, "Maker", "manufacturer", "member", "m@maker.kr")
        _user(s, "Other", "manufacturer", "member", "o@other.kr")
        set_staff_regions(session=s, user=s.get_one(User, staff_id), regions=["daegu"])
        maker_org = get_or_create_organisation(session=s, name="Maker", kind="manufacturer").id
        s.commit()
    engine.dispose()
    app = web_app(settings)
    staff, member = _login(app, "staff@center.kr"), _login(app, "m@maker.kr")
    other = _login(app, "o@other.kr")
    company = staff.post("/api/v1/center/companies", json=COMPANY | {"org_id": maker_org}).json()
    upload = member.post(
        "/api/v1/uploads?filename=press.csv",
        content=b"time,temp\n2026-01-01 00:00:00,1\n",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert upload.status_code == 201, upload.text
    made = staff.post(
        "/center/testbeds",
        data={
            "company_id": str(company["id"]),
            "title": "프레스 OEE",
            "problem_type": "process_optimization",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page_url = made.headers["location"]
    tb_id = int(page_url.rsplit("/", 1)[1])
    attached = staff.post(
        f"{page_url}/attach",
        data={"kind": "upload", "ref": str(upload.json()["id"])},
        follow_redirects=False,
    )
    assert attached.status_code == 303
    form = {
        f"b_{k}": str(v)
        for k, v in {"pbt": 480, "apt": 420, "pri": 0.75, "pq": 500, "gq": 475}.items()
    }
    form |= {
        f"a_{k}": str(v)
        for k, v in {"pbt": 480, "apt": 450, "pri": 0.75, "pq": 560, "gq": 550}.items()
    }
    bad = staff.post(f"{page_url}/kpis", data=form | {"a_apt": "999"})
    assert bad.status_code == 422 and 'id="testbed-error"' in bad.text
    saved = staff.post(
        f"{page_url}/kpis", data=form | {"measurement_window": "2026-06"}, follow_redirects=False
    )
    assert saved.status_code == 303
    shown = staff.get(page_url)
    assert 'id="change-oee"' in shown.text and "+11.7 %p" in shown.text
    report = staff.get(f"{page_url}/report")
    assert report.status_code == 200 and "+11.7 %p" in report.text and "press.csv" in report.text
    assert "attachment" in report.headers["content-disposition"]
    # the company's member reads it (no edit forms); another company gets 404
    assert member.get(f"/api/v1/center/testbeds/{tb_id}").json()["kpi_change"][3]["id"] == "oee"
    assert 'id="kpi-form"' not in member.get(page_url).text
    assert other.get(page_url).status_code == 404
    assert other.get(f"/api/v1/center/testbeds/{tb_id}/report").status_code == 404
    assert (
        member.put(f"/api/v1/center/testbeds/{tb_id}/kpis", json={"before": {}}).status_code == 403
    )
    # API: milestones, product that is not the company's
    ms = staff.post(
        f"/api/v1/center/testbeds/{tb_id}/milestones",
        json={"title": "모델 검증", "due": "2026-07-01"},
    )
    assert ms.status_code == 200 and ms.json()["milestones"][0]["due"] == "2026-07-01"
    nope = staff.post(
        f"/api/v1/center/testbeds/{tb_id}/attachments", json={"kind": "product", "ref": "x@1"}
    )
    assert nope.status_code == 404
    # the dashboard counts the testbed and its OEE change, for the staff's region only
    board = staff.get("/api/v1/center/dashboard").json()
    assert board["region"] == "daegu"
    figures = {f["key"]: f for f in board["figures"]}
    assert figures["testbeds"]["records"] == [f"testbed:{tb_id}"]
    assert figures["oee_change"]["value"] == 11.72 and figures["oee_change"]["unit"] == "%p"
    assert staff.get("/api/v1/center/dashboard?region=ulsan").status_code == 403
    assert member.get("/api/v1/center/dashboard").status_code == 403
    page = staff.get("/center/dashboard")
    assert page.status_code == 200 and 'id="fig-oee_change">11.72<' in page.text
    xlsx = staff.get("/api/v1/center/dashboard?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    annual = staff.get("/api/v1/center/dashboard?format=html")
    assert "11.72 %p" in annual.text and f"testbed:{tb_id}" in annual.text
    if chromium_path():  # the PDFs are printed by headless Chromium
        pdf = staff.get(f"/api/v1/center/testbeds/{tb_id}/report?format=pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-", pdf.text[:200]
        assert staff.get("/api/v1/center/dashboard?format=pdf").content[:5] == b"%PDF-"
    links = member.get(f"/api/v1/center/companies/{company['id']}").json()["links"]
    assert links["testbeds"] == [tb_id] and links["uploads"] == [upload.json()["id"]]
    listed = staff.get("/api/v1/center/testbeds").json()
    assert [t["id"] for t in listed] == [tb_id]


def test_event_registration_waitlist_checkin_certificate(db_url: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path / "home", db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        _user(s, "Daegu Center", "center", "center_staff", "staff@center.kr")
        s.commit()
    engine.dispose()
    app = web_app(settings)
    staff = _login(app, "staff@center.kr")
    anon = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    made = staff.post(
        "/center/events",
        data={
            "kind": "seminar",
            "title_ko": "AI 성과공유 세미나",
            "starts_at": "2099-05-01T10:00",
            "ends_at": "2099-05-01T12:00",
            "capacity": "1",
            "location": "대구TP",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    event_id = int(made.headers["location"].rsplit("/", 1)[1])
    event = staff.get("/api/v1/center/events?year=2099").json()[0]
    assert event["starts_at"].startswith("2099-05-01T01:00:00")  # 10:00 KST is 01:00 UTC
    page = anon.get(f"/e/{event_id}")
    assert page.status_code == 200 and "2099-05-01 10:00 +09:00" in page.text
    first = anon.post(
        f"/e/{event_id}", data={"name": "김민수", "email": "ms@x.kr", "organisation": "대구정밀"}
    )
    assert first.status_code == 200 and 'id="registered"' in first.text
    my_link = first.text.split('id="my-link" href="')[1].split('"')[0]
    dup = anon.post(f"/e/{event_id}", data={"name": "김민수", "email": "MS@x.kr"})
    assert dup.status_code == 409 and 'id="register-error"' in dup.text
    api = anon.post(
        f"/api/v1/center/events/{event_id}/registrations", json={"name": "Lee", "email": "lee@x.kr"}
    )
    assert api.status_code == 201 and api.json()["status"] == "waitlisted"
    regs = staff.get(f"/api/v1/center/events/{event_id}/registrations").json()
    first_id = next(r["id"] for r in regs if r["name"] == "김민수")
    assert anon.get(f"{my_link}/certificate").status_code == 409
    checked = staff.post(f"/center/events/{event_id}/check-in/{first_id}", follow_redirects=False)
    assert checked.status_code == 303
    assert 'id="checked-in">1<' in staff.get(f"/center/events/{event_id}").text
    cert = anon.get(f"{my_link}/certificate")
    assert cert.status_code == 200 and "김민수" in cert.text and "-E" in cert.text
    assert 'id="certificate"' in anon.get(my_link).text
    # the waiting person cancels through the API token; the rule page counts the event as scheduled
    token = api.json()["token"]
    assert anon.delete(f"/api/v1/center/registrations/{token}").json()["status"] == "cancelled"
    # a satisfaction survey on an event: the checked-in attendee gets its link on their page
    made_sv = staff.post("/center/surveys", data={"kind": "satisfaction"}, follow_redirects=False)
    sv_id = int(made_sv.headers["location"].rsplit("/", 1)[1])
    staff.post(f"/center/surveys/{sv_id}/status", data={"status": "open"})
    ev2 = staff.post(
        "/api/v1/center/events",
        json={
            "kind": "education",
            "title_ko": "교육",
            "starts_at": "2099-06-01T10:00:00+09:00",
            "ends_at": "2099-06-01T12:00:00+09:00",
            "capacity": 5,
            "survey_id": sv_id,
        },
    ).json()
    reg2 = anon.post(
        f"/api/v1/center/events/{ev2['id']}/registrations",
        json={"name": "박", "email": "park@x.kr"},
    ).json()
    assert 'id="satisfaction"' not in anon.get(reg2["url"]).text  # not before check-in
    ci = staff.post(f"/api/v1/center/events/{ev2['id']}/registrations/{reg2['id']}/check-in")
    assert ci.status_code == 200
    mine = anon.get(reg2["url"]).text
    sv_link = mine.split('id="satisfaction" href="')[1].split('"')[0]
    assert sv_link == anon.get(reg2["url"]).text.split('id="satisfaction" href="')[1].split('"')[0]
    done_sv = anon.post(sv_link, data={"overall": "5", "useful": "4", "action": "submit"})
    assert done_sv.status_code == 200 and 'id="answer-done"' in done_sv.text
    assert staff.get(f"/api/v1/center/surveys/{sv_id}/analysis").json()["responses"] == 1
    req = staff.get("/api/v1/center/events/requirement?year=2099").json()
    assert req["scheduled"] == 2 and req["held"] == 0 and req["met"] is False
    assert anon.get("/api/v1/center/events/requirement").status_code == 401
    bad = staff.post(
        "/center/events",
        data={
            "kind": "seminar",
            "title_ko": "x",
            "starts_at": "soon",
            "ends_at": "later",
            "capacity": "3",
        },
    )
    assert bad.status_code == 422 and ("not a date" in bad.text or "날짜" in bad.text)


def test_center_pages_in_english(db_url: str, tmp_path: Path) -> None:
    app = web_app(web_settings(tmp_path / "home", db_url))
    client = TestClient(app, raise_server_exceptions=False)
    client.cookies.set("mfgdata_lang", "en")
    page = client.get("/center/kpi")
    assert page.status_code == 200 and "ISO 22400-2 KPI calculator" in page.text
    assert "planned busy time" in page.text
    client.cookies.set("mfgdata_lang", "ko")
    assert "계획 작업 시간" in client.get("/center/kpi").text


def test_survey_builder_page(db_url: str, tmp_path: Path) -> None:
    settings = web_settings(tmp_path / "home", db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        _user(s, "Daegu Center", "center", "center_staff", "staff@center.kr")
        s.commit()
    engine.dispose()
    app = web_app(settings)
    staff = _login(app, "staff@center.kr")
    made = staff.post(
        "/center/surveys", data={"kind": "custom", "title": "설비 현황"}, follow_redirects=False
    )
    url = made.headers["location"]
    assert staff.get(url).status_code == 200  # an empty draft renders
    empty_open = staff.post(f"{url}/status", data={"status": "open"})
    assert empty_open.status_code == 422  # no questions yet
    q1 = {
        "qid": "machines",
        "type": "number",
        "ko": "보유 설비 수",
        "en": "machines owned",
        "unit": "대",
        "min": "0",
        "required": "1",
    }
    assert staff.post(f"{url}/questions", data=q1, follow_redirects=False).status_code == 303
    q2 = {
        "qid": "plc",
        "type": "single",
        "ko": "PLC 사용",
        "options": "yes|예|yes\nno|아니오|no",
        "show_if_question": "machines",
        "show_if_op": "gte",
        "show_if_value": "1",
    }
    assert staff.post(f"{url}/questions", data=q2, follow_redirects=False).status_code == 303
    bad = staff.post(f"{url}/questions", data={"qid": "x", "type": "single", "ko": "옵션 없음"})
    assert bad.status_code == 422 and 'id="survey-error"' in bad.text
    fwd = staff.post(
        f"{url}/questions",
        data={
            "qid": "y",
            "type": "text",
            "ko": "y",
            "show_if_question": "zzz",
            "show_if_op": "answered",
        },
    )
    assert fwd.status_code == 422
    assert (
        staff.post(f"{url}/status", data={"status": "open"}, follow_redirects=False).status_code
        == 303
    )
    sid = int(url.rsplit("/", 1)[1])
    link = staff.post(f"/api/v1/center/surveys/{sid}/links", json={}).json()["url"]
    anon = TestClient(app, raise_server_exceptions=False)
    first = anon.get(link)
    assert 'id="q-machines"' in first.text and 'id="q-plc"' not in first.text
    shown = anon.post(link, data={"machines": "3", "action": "save"})
    assert 'id="q-plc"' in shown.text and "대" in shown.text
    late = staff.post(f"{url}/questions", data={"qid": "z", "type": "text", "ko": "z"})
    assert late.status_code == 422  # the survey is open: no more questions
