"""Surveys in the database: links without an account, resumable answers, one response per
link, analysis by company facets (traceable to response ids), CSV/XLSX export, before/after."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from mfgdata.catalog.errors import NotFound
from mfgdata.center.companies import create_company, parse_company
from mfgdata.center.errors import SurveyClosed, SurveyError
from mfgdata.center.surveyanalysis import (
    analyse,
    company_maturity_change,
    export_csv,
    export_xlsx,
)
from mfgdata.center.surveystore import (
    create_survey,
    issue_link,
    pending_reminders,
    response_for_token,
    save_answers,
    set_status,
)
from mfgdata.center.surveytemplates import template
from mfgdata.db.tables import CenterCompany


def _company(session: Session, number: str, name: str, region: str, ksic: str) -> CenterCompany:
    data = parse_company(
        {
            "business_number": number,
            "name": name,
            "ksic_code": ksic,
            "region": region,
            "size_class": "small",
            "maturity": 2,
        }
    )
    return create_company(session=session, data=data)


ANSWERS = {
    "problem_types": ["quality_assurance"],
    "data_collected": "yes",
    "data_volume": 12.5,
    "ai_experience": "none",
    "testbed_interest": "no",
}


def test_link_answer_resume_submit_once_and_analysis(db_session: Session, tmp_path: Path) -> None:
    daegu = _company(db_session, "124-81-00998", "대구정밀", "대구", "29")
    ulsan = _company(db_session, "220-81-62517", '=HYPERLINK("x")', "울산", "30")
    t = template("demand")
    survey = create_survey(
        session=db_session,
        title_ko=t["title_ko"],
        title_en=t["title_en"],
        definition=t,
        kind="demand",
    )
    _, token_a = issue_link(session=db_session, survey=survey, company=daegu)
    _, token_b = issue_link(session=db_session, survey=survey, company=ulsan)
    _, token_c = issue_link(session=db_session, survey=survey)
    with pytest.raises(SurveyClosed, match="not taking answers"):
        save_answers(session=db_session, token=token_a, answers={"data_collected": "yes"})
    set_status(session=db_session, survey=survey, status="open")
    # resumable: a partial save, then the rest and submit
    save_answers(session=db_session, token=token_a, answers={"data_collected": "yes"})
    db_session.commit()
    assert response_for_token(session=db_session, token=token_a).answers == {
        "data_collected": "yes"
    }
    with pytest.raises(SurveyError, match="required"):
        save_answers(session=db_session, token=token_a, answers={}, submit=True)
    save_answers(session=db_session, token=token_a, answers=ANSWERS, submit=True)
    with pytest.raises(SurveyClosed, match="one response per link"):
        save_answers(session=db_session, token=token_a, answers=ANSWERS, submit=True)
    save_answers(
        session=db_session,
        token=token_b,
        answers=ANSWERS | {"problem_types": ["quality_assurance", "predictive_maintenance"]},
        submit=True,
    )
    save_answers(session=db_session, token=token_c, answers={"data_collected": "no"})
    db_session.commit()
    with pytest.raises(NotFound):
        response_for_token(session=db_session, token="sv_forged")

    result = analyse(session=db_session, survey_id=survey.id)
    assert (result.responses, result.links) == (2, 3)
    assert {k: v.count for k, v in result.by["region"].items()} == {"daegu": 1, "ulsan": 1}
    assert result.by["industry"]["29"].count == 1
    assert result.by["problem_type"]["quality_assurance"].count == 2
    assert result.by["problem_type"]["predictive_maintenance"].response_ids == [
        response_for_token(session=db_session, token=token_b).id
    ]
    assert result.questions["data_volume"]["mean"] == 12.5
    assert result.questions["data_volume"]["unit"] == "GB/month"
    assert [r.id for r in pending_reminders(session=db_session, survey_id=survey.id)] == [
        response_for_token(session=db_session, token=token_c).id
    ]

    rows = list(
        csv.reader(
            io.StringIO(export_csv(session=db_session, survey_id=survey.id).decode("utf-8-sig"))
        )
    )
    assert rows[0][:5] == ["response_id", "submitted_at", "phase", "business_number", "company"]
    assert "data_volume [GB/month]" in rows[0] and "priorities.quality" in rows[0]
    assert rows[1][4] == "대구정밀" and rows[2][4].startswith("'=")  # formula escaped
    assert rows[2][rows[0].index("problem_types")] == "quality_assurance;predictive_maintenance"
    book = openpyxl.load_workbook(
        export_xlsx(session=db_session, survey_id=survey.id, path=tmp_path / "r.xlsx")
    )
    assert book.active is not None and book.active.max_row == 3


def test_maturity_before_after_difference(db_session: Session) -> None:
    company = _company(db_session, "124-81-00998", "대구정밀", "대구", "29")
    t = template("maturity")
    survey = create_survey(
        session=db_session,
        title_ko=t["title_ko"],
        title_en=t["title_en"],
        definition=t,
        kind="maturity",
    )
    set_status(session=db_session, survey=survey, status="open")
    ids = [q["id"] for q in t["questions"]]
    _, before = issue_link(session=db_session, survey=survey, company=company, phase="before")
    _, after = issue_link(session=db_session, survey=survey, company=company, phase="after")
    save_answers(session=db_session, token=before, answers={i: 2 for i in ids}, submit=True)
    save_answers(
        session=db_session, token=after, answers={i: 3 for i in ids} | {"data_1": 5}, submit=True
    )
    db_session.commit()
    change = company_maturity_change(session=db_session, survey_id=survey.id, company_id=company.id)
    assert change is not None
    assert change["data"] == {"before": 2.0, "after": 4.0, "delta": 2.0}
    assert change["overall"]["delta"] == pytest.approx(14 / 12)
    result = analyse(session=db_session, survey_id=survey.id)
    assert result.maturity is not None and result.maturity["overall"]["companies"] == 1.0
