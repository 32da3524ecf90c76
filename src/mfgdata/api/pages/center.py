"""Center pages: the staff overview (companies, surveys), a survey's analysis and links, the
ISO 22400 KPI calculator, and the answer page a company opens through its link without an
account. Thin over ``mfgdata.center``; Korean and English text inline (``t(ko, en)``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.common import PageActor, need_user, redirect, render
from mfgdata.api.pages.i18n import request_language
from mfgdata.center import surveystore
from mfgdata.center.access import (
    dashboard_region,
    is_manager,
    list_visible_companies,
    require_manager,
    staff_regions,
)
from mfgdata.center.codes import KSIC_MANUFACTURING, PROBLEM_TYPES, REGION_EN, SIZE_EN
from mfgdata.center.dashboard import build_dashboard
from mfgdata.center.errors import CenterError
from mfgdata.center.kpi22400 import ELEMENTS, KpiInputs, compare, compute_kpis
from mfgdata.center.surveyanalysis import analyse
from mfgdata.center.surveys import Question, missing_required, parse_survey, visible_questions
from mfgdata.center.surveytemplates import EXTRA_TEMPLATES, TEMPLATES, template
from mfgdata.db.tables import REGIONS, SIZE_CLASSES, CenterCompany, utcnow

router = APIRouter(include_in_schema=False)


def _labels() -> dict[str, Any]:
    return {
        "REGIONS": REGIONS,
        "REGION_EN": REGION_EN,
        "SIZES": SIZE_CLASSES,
        "SIZE_EN": SIZE_EN,
        "KSIC": KSIC_MANUFACTURING,
        "PROBLEMS": PROBLEM_TYPES,
    }


def center_page(request: Request, actor: PageActor, name: str, **context: Any) -> HTMLResponse:
    """Render a center page; ``t(ko, en)`` picks the page language's text."""
    lang = request_language(request, actor.user.locale if actor.user else None)

    def t(ko: str, en: str) -> str:
        return en if lang == "en" else ko

    return render(request, actor, name, t=t, **_labels(), **context)


@router.get("/center", response_class=HTMLResponse)
def center_home(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    companies = list_visible_companies(session=session, user=user)
    surveys = surveystore.list_surveys(session=session) if is_manager(user) else []
    return center_page(
        request,
        actor,
        "center.html",
        companies=companies,
        surveys=surveys,
        manager=is_manager(user),
        templates=TEMPLATES,
    )


@router.post("/center/surveys")
def center_new_survey(
    request: Request,
    actor: PageActor,
    session: DbSession,
    kind: Annotated[str, Form(max_length=20)] = "demand",
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    user = require_manager(need_user(request, actor))
    if kind == "custom":  # an empty draft, built question by question on its page
        definition: dict[str, Any] = {"questions": []}
        default_ko, default_en = "새 설문", "New survey"
    elif kind in TEMPLATES or kind in EXTRA_TEMPLATES:
        definition = template(kind)
        default_ko, default_en = definition["title_ko"], definition["title_en"]
    else:
        raise CenterError(f"알 수 없는 템플릿: {kind}", f"unknown template: {kind}")
    survey = surveystore.create_survey(
        session=session,
        title_ko=title.strip() or default_ko,
        title_en=title.strip() or default_en,
        definition=definition,
        kind=kind if kind in TEMPLATES else "custom",
        actor=user,
    )
    session.commit()
    return redirect(f"/center/surveys/{survey.id}")


def _survey_page(
    request: Request, actor: PageActor, session: DbSession, survey_id: int, **extra: Any
) -> HTMLResponse:
    user = require_manager(need_user(request, actor))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    result = analyse(
        session=session, survey_id=survey_id, regions=staff_regions(session=session, user=user)
    )
    parsed = parse_survey(survey.definition) if survey.definition.get("questions") else None
    return center_page(
        request,
        actor,
        "center_survey.html",
        survey=survey,
        result=result,
        questions=parsed.questions if parsed else (),
        companies=list_visible_companies(session=session, user=user),
        **extra,
    )


@router.get("/center/surveys/{survey_id}", response_class=HTMLResponse)
def center_survey(
    survey_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    return _survey_page(request, actor, session, survey_id)


@router.post("/center/surveys/{survey_id}/questions", response_class=HTMLResponse)
async def center_survey_question(
    survey_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = require_manager(need_user(request, actor))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        surveystore.add_question(
            session=session,
            survey=survey,
            question=surveystore.question_from_form(form),
            actor=user,
        )
        session.commit()
    except CenterError as e:
        session.rollback()
        return _survey_page(request, actor, session, survey_id, error=e, status_code=422)
    return redirect(f"/center/surveys/{survey_id}")


@router.post("/center/surveys/{survey_id}/status")
def center_survey_status(
    survey_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    status: Annotated[str, Form(max_length=10)] = "open",
) -> Response:
    user = require_manager(need_user(request, actor))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    surveystore.set_status(session=session, survey=survey, status=status, actor=user)
    session.commit()
    return redirect(f"/center/surveys/{survey_id}")


@router.post("/center/surveys/{survey_id}/links", response_class=HTMLResponse)
def center_survey_link(
    survey_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    company_id: Annotated[str, Form(max_length=12)] = "",
    phase: Annotated[str, Form(max_length=8)] = "none",
) -> HTMLResponse:
    user = require_manager(need_user(request, actor))
    survey = surveystore.get_survey(session=session, survey_id=survey_id)
    company = None
    if company_id.strip().isdigit():
        from mfgdata.center.access import visible_company

        company = visible_company(session=session, user=user, company_id=int(company_id))
    _row, token = surveystore.issue_link(
        session=session, survey=survey, company=company, phase=phase, actor=user
    )
    session.commit()
    return _survey_page(request, actor, session, survey_id, new_link=f"/s/{token}")


# --- ISO 22400 calculator -------------------------------------------------------------------


@router.get("/center/kpi", response_class=HTMLResponse)
def kpi_page(request: Request, actor: PageActor) -> HTMLResponse:
    return center_page(request, actor, "center_kpi.html", elements=ELEMENTS, values={}, result=None)


@router.post("/center/kpi", response_class=HTMLResponse)
async def kpi_compute(request: Request, actor: PageActor) -> HTMLResponse:
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    before = {k[2:]: v for k, v in values.items() if k.startswith("b_")}
    after = {k[2:]: v for k, v in values.items() if k.startswith("a_") and v.strip()}
    error = None
    result: dict[str, Any] | None = None
    try:
        b = KpiInputs.from_mapping(before)
        result = {"before": compute_kpis(b)}
        if after:
            result["change"] = compare(b, KpiInputs.from_mapping(after))
    except CenterError as e:
        error = e
    return center_page(
        request,
        actor,
        "center_kpi.html",
        elements=ELEMENTS,
        values=values,
        result=result,
        error=error,
        status_code=200 if error is None else 422,
    )


# --- answering through a link ---------------------------------------------------------------


def _answers_from_form(
    questions: tuple[Question, ...], items: list[tuple[str, str]]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    by_id = {q.id: q for q in questions}
    for key, value in items:
        qid, _, row = key.partition(".")
        q = by_id.get(qid)
        if q is None or row == "__shown":
            continue
        if q.type == "multiple":
            out.setdefault(qid, []).append(value)
        elif q.type == "matrix" and row:
            out.setdefault(qid, {})[row] = value
        elif value.strip():
            out[qid] = value
    for q in questions:  # a multiple choice with every box cleared is an empty answer
        if q.type == "multiple" and q.id not in out and f"{q.id}.__shown" in dict(items):
            out[q.id] = []
    return out


def _answer_page(
    request: Request, actor: PageActor, session: DbSession, token: str, **extra: Any
) -> HTMLResponse:
    row = surveystore.response_for_token(session=session, token=token)
    survey, parsed = surveystore.survey_of(session=session, response=row)
    company = session.get(CenterCompany, row.company_id) if row.company_id else None
    return center_page(
        request,
        actor,
        "center_answer.html",
        survey=survey,
        token=token,
        response=row,
        company=company,
        questions=visible_questions(parsed, row.answers),
        missing=missing_required(parsed, row.answers),
        answers=row.answers,
        **extra,
    )


@router.get("/s/{token}", response_class=HTMLResponse)
def answer_page(
    token: Annotated[str, PathParam(max_length=100)],
    request: Request,
    actor: PageActor,
    session: DbSession,
) -> HTMLResponse:
    return _answer_page(request, actor, session, token)


@router.post("/s/{token}", response_class=HTMLResponse)
async def answer_save(
    token: Annotated[str, PathParam(max_length=100)],
    request: Request,
    actor: PageActor,
    session: DbSession,
) -> HTMLResponse:
    row = surveystore.response_for_token(session=session, token=token)
    _survey, parsed = surveystore.survey_of(session=session, response=row)
    form = await request.form()
    items = [(k, str(v)) for k, v in form.multi_items() if k not in ("csrf_token", "action")]
    submit = form.get("action") == "submit"
    try:
        surveystore.save_answers(
            session=session,
            token=token,
            answers=_answers_from_form(parsed.questions, items),
            submit=submit,
        )
        session.commit()
    except CenterError as e:
        session.rollback()
        return _answer_page(request, actor, session, token, error=e, status_code=422)
    return _answer_page(request, actor, session, token, saved=True)


@router.get("/center/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    actor: PageActor,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
) -> HTMLResponse:
    user = need_user(request, actor)
    chosen = dashboard_region(session=session, user=user, region=region or None)
    board = build_dashboard(session=session, year=year or utcnow().year, region=chosen)
    return center_page(request, actor, "center_dashboard.html", board=board)
