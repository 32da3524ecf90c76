"""The KPI dashboard: figures by year and region, each traceable to the records it counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.register import register_product
from mfgdata.center import events, surveystore, testbeds
from mfgdata.center.companies import create_company, parse_company
from mfgdata.center.dashboard import build_dashboard, dashboard_xlsx
from mfgdata.center.surveytemplates import template
from mfgdata.db.repositories.organisations import get_or_create_organisation
from mfgdata.db.tables import Usage, utcnow

ANSWERS = {
    "problem_types": ["quality_assurance"],
    "data_collected": "no",
    "ai_experience": "none",
    "testbed_interest": "no",
}


def test_dashboard_counts_and_traces(
    db_session: Session, product_dir: Path, tmp_path: Path
) -> None:
    s = db_session
    year = utcnow().year
    maker = get_or_create_organisation(session=s, name="Maker", kind="manufacturer")
    daegu = create_company(
        session=s,
        data=parse_company(
            {
                "business_number": "124-81-00998",
                "name": "대구정밀",
                "ksic_code": "29",
                "region": "daegu",
                "size_class": "small",
                "org_id": maker.id,
            }
        ),
    )
    ulsan = create_company(
        session=s,
        data=parse_company(
            {
                "business_number": "220-81-62517",
                "name": "울산오토",
                "ksic_code": "30",
                "region": "ulsan",
                "size_class": "medium",
            }
        ),
    )
    survey = surveystore.create_survey(
        session=s,
        title_ko="수요조사",
        title_en="demand",
        definition=template("demand"),
        kind="demand",
    )
    surveystore.set_status(session=s, survey=survey, status="open")
    tokens = []
    for company in (daegu, ulsan):
        _row, token = surveystore.issue_link(session=s, survey=survey, company=company)
        surveystore.save_answers(session=s, token=token, answers=ANSWERS, submit=True)
        tokens.append(token)
    tb = testbeds.create_testbed(
        session=s, company=daegu, title="PoC", problem_type="quality_assurance"
    )
    testbeds.set_kpis(
        session=s,
        testbed=tb,
        before={"pbt": 480, "apt": 420, "pri": 0.75, "pq": 500, "gq": 475},
        after={"pbt": 480, "apt": 450, "pri": 0.75, "pq": 560, "gq": 550},
    )
    testbeds.set_status(session=s, testbed=tb, status="done")
    start = datetime(year, 1, 15, 9, tzinfo=UTC)
    ev = events.create_event(
        session=s,
        kind="education",
        title_ko="교육",
        title_en="",
        region="daegu",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
    )
    reg = events.CenterRegistration(
        event_id=ev.id,
        name="n",
        email="n@x.kr",
        status="registered",
        token_hash="h" * 64,
        company_id=daegu.id,
    )
    s.add(reg)
    s.flush()
    events.check_in(session=s, event=ev, registration_id=reg.id)
    s.commit()
    version = register_product(product_dir, session=s, owner_org=maker, product_id="dash-data")
    audit.record(
        session=s,
        action="product.download",
        target=f"version:{version.id}",
        detail={"product": "dash-data", "version": 1},
    )
    s.add(Usage(product_id="dash-data", calls=3, rows=10, bytes=100, price_krw=Decimal(0)))
    s.commit()

    every = build_dashboard(session=s, year=year)
    assert every.figure("companies_registered").value == 2
    assert every.figure("responses").value == 2
    board = build_dashboard(session=s, year=year, region="daegu")
    fig = {f.key: f for f in board.figures}
    assert fig["companies_registered"].records == [f"company:{daegu.id}"]
    assert fig["companies_supported"].value == 1 and fig["companies_supported"].unit.startswith(
        "개사"
    )
    assert fig["responses"].value == 1
    assert fig["testbeds"].records == [f"testbed:{tb.id}"] and fig["testbeds_done"].value == 1
    assert fig["oee_change"].value == 11.72 and fig["oee_change"].unit == "%p"
    assert fig["products"].records == [f"version:{version.id}"]
    assert fig["downloads"].value == 1 and fig["api_calls"].value == 3
    assert fig["events"].value == 1 and fig["attendees"].records == [f"registration:{reg.id}"]
    assert board.requirement["held"] == 1 and board.requirement["met"] is False
    other = build_dashboard(session=s, year=year, region="ulsan")
    assert other.figure("products").value == 0 and other.figure("downloads").value == 0
    assert other.figure("testbeds").value == 0 and other.figure("responses").value == 1
    assert build_dashboard(session=s, year=year - 1).figure("responses").value == 0

    book = openpyxl.load_workbook(dashboard_xlsx(board, tmp_path / "d.xlsx"))
    figures = [list(r) for r in book["figures"].iter_rows(values_only=True)]
    assert ["oee_change", "평균 OEE 변화", "mean OEE change", 11.72, "%p", 1] in figures
    records = [list(r) for r in book["records"].iter_rows(values_only=True)]
    assert ["attendees", f"registration:{reg.id}"] in records
