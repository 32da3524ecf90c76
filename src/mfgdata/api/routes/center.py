"""The regional AI center's Open API (thin over ``mfgdata.center``).

- ``POST /api/v1/center/kpi``: ISO 22400-2 KPIs from the standard's elements (and before/after);
- ``GET|POST /api/v1/center/companies``, ``GET /api/v1/center/companies/{id}``,
  ``POST /api/v1/center/companies/import?filename=&dry_run=``: the company registry;
- ``GET|POST /api/v1/center/surveys``, ``POST /api/v1/center/surveys/{id}/status``,
  ``POST /api/v1/center/surveys/{id}/links``, ``GET /api/v1/center/surveys/{id}/analysis``,
  ``GET /api/v1/center/surveys/{id}/export?format=csv|xlsx``: surveys (center staff);
- ``GET|PUT /api/v1/center/answer/{token}``: answering through a link, without an account.

Staff see their regions' companies, a company's members only their own; what a caller may not
see answers 404.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, json_response
from mfgdata.center import surveystore
from mfgdata.center.access import (
    list_visible_companies,
    require_manager,
    require_region,
    staff_regions,
    visible_company,
)
from mfgdata.center.companies import (
    company_dict,
    company_links,
    create_company,
    parse_company,
)
from mfgdata.center.companyimport import import_companies
from mfgdata.center.errors import SurveyError
from mfgdata.center.kpi22400 import KpiInputs, compare, compute_kpis
from mfgdata.center.surveyanalysis import analyse, export_csv, export_xlsx
from mfgdata.center.surveys import missing_required, visible_questions
from mfgdata.center.surveytemplates import TEMPLATES, template
from mfgdata.db.tables import CenterSurvey, CenterSurveyResponse
from mfgdata.errors import InputError

router = APIRouter(prefix="/api/v1/center", tags=["center / 제조AI센터"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 20 * 1024**2


class KpiIn(BaseModel):
    before: dict[str, float | str | None] = Field(
        description="ISO 22400 elements: pbt, apt, pri, pq, gq, sq, rq, pot, aupt, aust, adet, "
        "aoet, psq (min, pcs, min/pcs)"
    )
    after: dict[str, float | str | None] | None = None


@router.post("/kpi", summary="ISO 22400-2 KPI 계산 / ISO 22400-2 KPIs from their elements")
def kpi(body: KpiIn, actor: ActorDep) -> Response:
    """Open to everyone; a browser session still needs its CSRF token (``ActorDep``)."""
    before = KpiInputs.from_mapping(body.before)
    out: dict[str, Any] = {"units": {"time": "min", "quantity": "pcs", "pri": "min/pcs"}}
    out["before"] = [k.to_dict() for k in compute_kpis(before)]
    if body.after is not None:
        after = KpiInputs.from_mapping(body.after)
        out["after"] = [k.to_dict() for k in compute_kpis(after)]
        out["change"] = [c.to_dict() for c in compare(before, after)]
    return json_response(out)


@router.get("/companies", summary="기업 목록 / Companies the caller may see")
def companies(actor: ActorDep, session: DbSession) -> Response:
    user = require_user(actor, "read")
    return json_response(
        [company_dict(c) for c in list_visible_companies(session=session, user=user)]
    )


@router.post("/companies", summary="기업 등록 / Register a company", status_code=201)
def add_company(body: dict[str, Any], actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    data = parse_company(body)
    require_region(session=session, user=user, region=data.region)
    company = create_company(session=session, data=data, actor=user)
    session.commit()
    return json_response(company_dict(company), status_code=201)


@router.get("/companies/{company_id}", summary="기업 / One company")
def one_company(company_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    user = require_user(actor, "read")
    company = visible_company(session=session, user=user, company_id=company_id)
    return json_response(
        company_dict(company) | {"links": company_links(session=session, company=company)}
    )


@router.get(
    "/companies/{company_id}/responses",
    summary="기업의 설문 응답 / A company's submitted survey answers",
)
def company_responses(company_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    """The company's own answers: its members and the staff of its region see them."""
    user = require_user(actor, "read")
    company = visible_company(session=session, user=user, company_id=company_id)
    rows = session.scalars(
        select(CenterSurveyResponse)
        .where(
            CenterSurveyResponse.company_id == company.id,
            CenterSurveyResponse.submitted_at.is_not(None),
        )
        .order_by(CenterSurveyResponse.id)
    ).all()
    out = []
    for r in rows:
        survey = surveystore.get_survey(session=session, survey_id=r.survey_id)
        out.append(
            {
                "response_id": r.id,
                "survey_id": survey.id,
                "title_ko": survey.title_ko,
                "title_en": survey.title_en,
                "phase": r.phase,
                "submitted_at": r.submitted_at,
                "answers": r.answers,
            }
        )
    return json_response(out)


@router.post("/companies/import", summary="기업 일괄 등록 (CSV/XLSX) / Import companies")
async def import_file(
    request: Request,
    actor: ActorDep,
    session: DbSession,
    filename: Annotated[str, Query(max_length=200)] = "companies.csv",
    dry_run: bool = True,
) -> Response:
    user = require_manager(require_user(actor, "api"))
    with tempfile.TemporaryDirectory() as tmp:
        suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
        path = Path(tmp) / f"import{suffix}"
        size = 0
        with path.open("wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_IMPORT_BYTES:
                    raise InputError(
                        "파일이 너무 큽니다 (최대 20 MB)", "the file is too large (at most 20 MB)"
                    )
                fh.write(chunk)
        report = import_companies(
            session=session,
            path=path,
            dry_run=dry_run,
            actor=user,
            regions=staff_regions(session=session, user=user),
        )
    report.file = Path(filename).name
    if report.written:
        session.commit()
    ko, en = report.summary()
    return json_response(report.to_dict() | {"summary_ko": ko, "summary_en": en})


class SurveyIn(BaseModel):
    title_ko: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    template: Literal["demand", "maturity"] | None = None
    definition: dict[str, Any] | None = Field(
        default=None, description="questions (see mfgdata.center.surveys) when no template"
    )
    region: str | None = None


def _survey_out(s: CenterSurvey) -> dict[str, Any]:
    return {
        "id": s.id,
        "title_ko": s.title_ko,
        "title_en": s.title_en,
        "kind": s.kind,
        "status": s.status,
        "region": s.region,
        "created": s.created,
        "questions": s.definition.get("questions", []),
    }


@router.get("/surveys", summary="설문 목록 / Surveys")
def surveys(actor: ActorDep, session: DbSession) -> Response:
    require_manager(require_user(actor, "read"))
    return json_response([_survey_out(s) for s in surveystore.list_surveys(session=session)])


@router.post("/surveys", summary="설문 만들기 / Create a survey", status_code=201)
def add_survey(body: SurveyIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    if body.template is None and body.definition is None:
        raise SurveyError("템플릿이나 질문이 필요합니다", "a template or questions are needed")
    definition = template(body.template) if body.template else dict(body.definition or {})
    kind = body.template if body.template in TEMPLATES else "custom"
    survey = surveystore.create_survey(
        session=session,
        title_ko=body.title_ko,
        title_en=body.title_en,
        definition=definition,
        kind=kind,
        region=body.region,
        actor=user,
    )
    session.commit()
    return json_response(_survey_out(survey), status_code=201)


class StatusIn(BaseModel):
    status: Literal["open", "closed"]


@router.post("/surveys/{survey_id}/status", summary="설문 열기/닫기 / Open or close a survey")
def survey_status(
    survey_id: DbInt, body: StatusIn, actor: ActorDep, session: DbSession
) -> Response:
    user = require_manager(require_user(actor, "api"))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    surveystore.set_status(session=session, survey=survey, status=body.status, actor=user)
    session.commit()
    return json_response(_survey_out(survey))


class LinkIn(BaseModel):
    company_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    phase: Literal["none", "before", "after"] = "none"


@router.post(
    "/surveys/{survey_id}/links", summary="응답 링크 발급 / Issue an answer link", status_code=201
)
def survey_link(survey_id: DbInt, body: LinkIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    company = (
        visible_company(session=session, user=user, company_id=body.company_id)
        if body.company_id
        else None
    )
    row, token = surveystore.issue_link(
        session=session, survey=survey, company=company, phase=body.phase, actor=user
    )
    session.commit()
    return json_response(
        {"response_id": row.id, "token": token, "url": f"/s/{token}", "phase": row.phase},
        status_code=201,
    )


@router.get("/surveys/{survey_id}/analysis", summary="설문 분석 / Survey analysis")
def survey_analysis(survey_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "read"))
    regions = staff_regions(session=session, user=user)
    return json_response(analyse(session=session, survey_id=survey_id, regions=regions).to_dict())


@router.get("/surveys/{survey_id}/export", summary="응답 내보내기 / Export responses")
def survey_export(
    survey_id: DbInt,
    actor: ActorDep,
    session: DbSession,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    user = require_manager(require_user(actor, "download"))
    regions = staff_regions(session=session, user=user)
    name = f"survey-{survey_id}-responses"
    if format == "csv":
        body = export_csv(session=session, survey_id=survey_id, regions=regions)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = export_xlsx(
            session=session, survey_id=survey_id, path=Path(tmp) / "r.xlsx", regions=regions
        )
        data = path.read_bytes()
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _answer_state(session: DbSession, token: str) -> dict[str, Any]:
    row = surveystore.response_for_token(session=session, token=token)
    survey, parsed = surveystore.survey_of(session=session, response=row)
    return {
        "survey": {
            "id": survey.id,
            "title_ko": survey.title_ko,
            "title_en": survey.title_en,
            "status": survey.status,
        },
        "answers": row.answers,
        "submitted_at": row.submitted_at,
        "visible": [q.id for q in visible_questions(parsed, row.answers)],
        "missing_required": missing_required(parsed, row.answers),
        "questions": survey.definition.get("questions", []),
    }


@router.get("/answer/{token}", summary="링크로 설문 보기 / A survey by its link (no account)")
def answer_get(token: Annotated[str, PathParam(max_length=100)], session: DbSession) -> Response:
    return json_response(_answer_state(session, token))


class AnswerIn(BaseModel):
    answers: dict[str, Any]
    submit: bool = False


@router.put(
    "/answer/{token}", summary="링크로 응답 저장/제출 / Save or submit answers (no account)"
)
def answer_put(
    token: Annotated[str, PathParam(max_length=100)],
    body: AnswerIn,
    session: DbSession,
    actor: ActorDep,  # no account needed; a browser session must still send its CSRF token
) -> Response:
    surveystore.save_answers(session=session, token=token, answers=body.answers, submit=body.submit)
    session.commit()
    return json_response(_answer_state(session, token))
