"""Programme pages (ko/en): calls, the application form, staff review, the evaluator's score
sheet, rankings and the appeal. Thin over ``programs.service``; a refused action (a late
submission, a score out of range, ...) re-renders the page with the reason in the page language.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.api.auth import Actor, DbSession
from mfgdata.api.deps import DbInt, get_settings_dep
from mfgdata.api.pages.common import PageActor, error_message, need_user, redirect, render
from mfgdata.api.pages.i18n import request_language
from mfgdata.api.routes.programs import server_now
from mfgdata.db.tables import Organisation, ProgApplication, ProgAssignment, User
from mfgdata.errors import MfgDataError
from mfgdata.programs import service as svc
from mfgdata.programs.errors import ProgramError
from mfgdata.programs.templates import load_template

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=5000)]


def _lang(request: Request, actor: Actor) -> str:
    return request_language(request, actor.user.locale if actor.user else None)


def _call_page(
    request: Request, actor: Actor, session: Session, call_id: int, **extra: Any
) -> HTMLResponse:
    call = svc.get_call(session, call_id)
    user = actor.user
    apps = svc.list_applications(session, user, call.id) if user else []
    orgs = {o.id: o.name for o in session.scalars(select(Organisation))}
    return render(
        request, actor, "program_call.html", call=call, t=load_template(call.template),
        deadline=svc.call_deadline(call), apps=apps, orgs=orgs, staff=svc.is_staff(user),
        rankings=svc.rankings_of(session, call, user),
        mine=next((a for a in apps if user and a.org_id == user.org_id), None),
        **extra,
    )  # fmt: skip


def _app_page(
    request: Request, actor: Actor, session: Session, app: ProgApplication, **extra: Any
) -> HTMLResponse:
    user = actor.user
    assert user is not None
    staff = svc.is_staff(user)
    own = app.org_id == user.org_id
    assignments = list(
        session.scalars(
            select(ProgAssignment)
            .where(ProgAssignment.application_id == app.id)
            .order_by(ProgAssignment.id)
        )
    )
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        [a.evaluator_id for a in assignments] or [-1])))}  # fmt: skip
    return render(
        request, actor, "program_application.html", app=app, call=app.call,
        t=load_template(app.call.template), deadline=svc.call_deadline(app.call),
        members=svc.members_of(session, app), documents=svc.documents_of(session, app),
        staff=staff, own=own, show_private=staff or own,
        assignments=assignments if staff else [a for a in assignments if a.evaluator_id == user.id],
        users=users, appeals=svc.appeals_of(session, app), stages=svc.stages_of(session, app),
        published=svc.latest_published(session, app.call),
        org_name=(session.get(Organisation, app.org_id) or Organisation(name="?")).name,
        **extra,
    )  # fmt: skip


def _refused(lang: str, e: MfgDataError) -> dict[str, Any]:
    return {"flash": error_message(lang, e), "flash_kind": "error", "status_code": e.status_code}


@router.get("/programs", response_class=HTMLResponse)
def calls_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    calls = svc.list_calls(session)
    deadlines = {c.id: svc.call_deadline(c) for c in calls}
    return render(request, actor, "programs.html", calls=calls, deadlines=deadlines)


@router.get("/programs/calls/{call_id}", response_class=HTMLResponse)
def call_page(
    call_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    return _call_page(request, actor, session, call_id)


def _members(lead: str, participants: str, demand: str) -> list[dict[str, str]]:
    out = [{"name": lead.strip(), "role": "lead"}]
    for role, text in (("participant", participants), ("demand", demand)):
        out += [{"name": n.strip(), "role": role} for n in text.splitlines() if n.strip()]
    return out


@router.post("/programs/calls/{call_id}/apply", response_model=None)
def apply_form(
    call_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    title: Annotated[str, Form(max_length=300)],
    company_name: Annotated[str, Form(max_length=200)],
    founded: Annotated[str, Form(max_length=10)],
    track: Annotated[str, Form(max_length=64)],
    government: Annotated[int, Form(ge=0, le=10**13)],
    cash: Annotated[int, Form(ge=0, le=10**13)] = 0,
    in_kind: Annotated[int, Form(ge=0, le=10**13)] = 0,
    summary: Text = "",
    participants: Text = "",
    demand: Text = "",
    business_status: Annotated[str, Form(max_length=16)] = "active",
    capital_impairment: Annotated[str, Form(max_length=16)] = "none",
    audit_opinion: Annotated[str, Form(max_length=16)] = "",
    flags: Annotated[list[str] | None, Form()] = None,
) -> Response:
    user = need_user(request, actor)
    call = svc.get_call(session, call_id)
    members = _members(company_name, participants, demand)
    on = set(flags or [])
    data = {
        "title": title, "summary": summary, "members": members,
        "company": {
            "name": company_name, "founded": founded, "business_status": business_status,
            "capital_impairment": capital_impairment, "audit_opinion": audit_opinion or None,
            **{k: k in on for k in ("tax_arrears", "restricted_industry", "sanctioned",
                                      "bankruptcy_filing", "rehabilitation_filing")},
        },
        "budget": {"track": track, "government": government, "cash": cash, "in_kind": in_kind,
                   "applying_alone": len(members) == 1},
    }  # fmt: skip
    try:
        app = svc.save_application(
            session=session, actor=user, call=call, form=svc.parse_form(data),
            now=server_now(request),
        )  # fmt: skip
        session.commit()
    except MfgDataError as e:
        session.rollback()
        return _call_page(request, actor, session, call_id, **_refused(_lang(request, actor), e))
    return redirect(f"/programs/applications/{app.id}")


@router.get("/programs/applications/{app_id}", response_class=HTMLResponse)
def application_page(
    app_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    user = need_user(request, actor)
    return _app_page(request, actor, session, svc.get_application(session, app_id, user))


def _act(request: Request, actor: Actor, session: Session, app_id: int, do: Any) -> Response:
    """Run ``do(user, app)``; on a refusal show the application page with the reason."""
    user = need_user(request, actor)
    app = svc.get_application(session, app_id, user)
    try:
        do(user, app)
        session.commit()
    except MfgDataError as e:
        session.rollback()
        session.expire_all()
        app = svc.get_application(session, app_id, user)
        return _app_page(request, actor, session, app, **_refused(_lang(request, actor), e))
    return redirect(f"/programs/applications/{app_id}")


@router.post("/programs/applications/{app_id}/documents", response_model=None)
async def document_form(
    app_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    member_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    doc_id: Annotated[str, Form(max_length=64)],
    issued_on: Annotated[dt.date, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    content = await file.read(svc.MAX_DOCUMENT_BYTES + 1)
    settings = get_settings_dep(request)
    return _act(request, actor, session, app_id, lambda user, app: svc.add_document(
        session=session, actor=user, app=app, member_id=member_id, doc_id=doc_id,
        issued_on=issued_on, filename=file.filename or doc_id, content=content,
        settings=settings,
    ))  # fmt: skip


@router.post("/programs/applications/{app_id}/submit", response_model=None)
def submit_form(app_id: DbInt, request: Request, actor: PageActor, session: DbSession) -> Response:
    now = server_now(request)
    return _act(request, actor, session, app_id, lambda user, app: svc.submit(
        session=session, actor=user, app=app, now=now))  # fmt: skip


@router.post("/programs/applications/{app_id}/review", response_model=None)
def review_form(
    app_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    decision: Annotated[str, Form(pattern="^(eligible|ineligible)$")],
    note: Text = "",
) -> Response:
    now = server_now(request)
    return _act(request, actor, session, app_id, lambda user, app: svc.review(
        session=session, actor=user, app=app, eligible=decision == "eligible", note=note,
        now=now))  # fmt: skip


@router.post("/programs/applications/{app_id}/assign", response_model=None)
def assign_form(
    app_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    evaluator_email: Annotated[str, Form(max_length=320)],
    round_: Annotated[int, Form(alias="round", ge=1, le=2)] = 1,
) -> Response:
    def do(user: User, app: ProgApplication) -> None:
        svc.require_staff(user)
        found = session.scalars(
            select(User).where(User.email == evaluator_email.strip().lower())
        ).first()
        if found is None:
            raise ProgramError(
                f"평가위원 계정을 찾을 수 없습니다: {evaluator_email}",
                f"no evaluator account: {evaluator_email}",
            )
        svc.assign(session=session, actor=user, app=app, evaluator=found, round_=round_)

    return _act(request, actor, session, app_id, do)


@router.post("/programs/applications/{app_id}/site-check", response_model=None)
async def site_check_form(
    app_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    form = await request.form()
    results = {
        str(k).removeprefix("item_"): v == "pass"
        for k, v in form.items()
        if str(k).startswith("item_")
    }
    return _act(request, actor, session, app_id, lambda user, app: svc.record_site_check(
        session=session, actor=user, app=app, results=results))  # fmt: skip


@router.post("/programs/applications/{app_id}/appeal", response_model=None)
def appeal_form(
    app_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    text: Text,
) -> Response:
    now = server_now(request)
    return _act(request, actor, session, app_id, lambda user, app: svc.file_appeal(
        session=session, actor=user, app=app, text=text, now=now))  # fmt: skip


@router.post("/programs/appeals/{appeal_id}/decide", response_model=None)
def decide_form(
    appeal_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    decision: Annotated[str, Form(pattern="^(uphold|reject)$")],
    note: Text = "",
) -> Response:
    user = need_user(request, actor)
    appeal = svc.get_appeal(session, appeal_id)
    svc.get_application(session, appeal.application_id, user)  # 404 when not visible
    now = server_now(request)
    return _act(request, actor, session, appeal.application_id, lambda u, app: svc.decide_appeal(
        session=session, actor=u, appeal=appeal, uphold=decision == "uphold", note=note,
        now=now))  # fmt: skip


def _sheet_page(
    request: Request, actor: Actor, session: Session, row: ProgAssignment, **extra: Any
) -> HTMLResponse:
    app = session.get(ProgApplication, row.application_id)
    assert app is not None
    return render(
        request, actor, "program_sheet.html", a=row, app=app, t=load_template(app.call.template),
        scores=svc.sheet_scores(session, row), **extra,
    )  # fmt: skip


@router.get("/programs/assignments/{assignment_id}", response_class=HTMLResponse)
def sheet_page(
    assignment_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    user = need_user(request, actor)
    return _sheet_page(request, actor, session, svc.assignment_for(session, user, assignment_id))


@router.post("/programs/assignments/{assignment_id}/declare", response_model=None)
def declare_form(
    assignment_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    conflict: Annotated[str, Form(pattern="^(yes|no)$")],
    note: Text = "",
) -> Response:
    user = need_user(request, actor)
    row = svc.assignment_for(session, user, assignment_id)
    try:
        svc.declare(
            session=session, actor=user, assignment=row, conflict=conflict == "yes", note=note,
            now=server_now(request),
        )  # fmt: skip
        session.commit()
    except MfgDataError as e:
        session.rollback()
        return _sheet_page(request, actor, session, row, **_refused(_lang(request, actor), e))
    return redirect(f"/programs/assignments/{assignment_id}")


@router.post("/programs/assignments/{assignment_id}/scores", response_model=None)
async def scores_form(
    assignment_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    row = svc.assignment_for(session, user, assignment_id)
    form = await request.form()
    app = session.get(ProgApplication, row.application_id)
    assert app is not None
    names = [c.name for c in load_template(app.call.template).categories]
    scores = {n: str(form.get(f"cat_{i}", "")).strip() for i, n in enumerate(names)}
    try:
        svc.score(
            session=session, actor=user, assignment=row, scores=scores, now=server_now(request)
        )
        session.commit()
    except MfgDataError as e:
        session.rollback()
        return _sheet_page(request, actor, session, row, **_refused(_lang(request, actor), e))
    return redirect(f"/programs/assignments/{assignment_id}")


@router.post("/programs/calls/{call_id}/rank", response_model=None)
def rank_form(call_id: DbInt, request: Request, actor: PageActor, session: DbSession) -> Response:
    user = need_user(request, actor)
    call = svc.get_call(session, call_id)
    try:
        svc.require_staff(user)
        ranking = svc.compute_ranking(
            session=session, actor=user, call=call, now=server_now(request)
        )
        session.commit()
    except MfgDataError as e:
        session.rollback()
        return _call_page(request, actor, session, call_id, **_refused(_lang(request, actor), e))
    return redirect(f"/programs/rankings/{ranking.id}")


@router.get("/programs/rankings/{ranking_id}", response_class=HTMLResponse)
def ranking_page(
    ranking_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    ranking = svc.get_ranking(session, ranking_id, actor.user)
    call = svc.get_call(session, ranking.call_id)
    return render(
        request, actor, "program_ranking.html", r=ranking, call=call,
        t=load_template(call.template), staff=svc.is_staff(actor.user),
    )  # fmt: skip


@router.post("/programs/rankings/{ranking_id}/publish", response_model=None)
def publish_form(
    ranking_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> Response:
    user = need_user(request, actor)
    ranking = svc.get_ranking(session, ranking_id, user)
    svc.publish_ranking(session=session, actor=user, ranking=ranking, now=server_now(request))
    session.commit()
    return redirect(f"/programs/rankings/{ranking_id}")
