"""Event pages: the staff's list (with the ≥ 4 a year rule), creating an event, the
registrations with check-in; the public registration form (no account), the registrant's own
page (status, cancel, certificate). Times are entered and shown in KST (UTC+09:00)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.center import center_page
from mfgdata.api.pages.common import PageActor, need_user, redirect
from mfgdata.center import events, surveystore
from mfgdata.center.access import require_manager
from mfgdata.center.errors import CenterError, EventError
from mfgdata.db.tables import utcnow

router = APIRouter(include_in_schema=False)
KST = timezone(timedelta(hours=9))
Token = Annotated[str, PathParam(max_length=100)]


def _kst(text: str, name: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=KST)
    except ValueError:
        raise EventError(
            f"{name}: 날짜·시각 형식이 아닙니다: {text}", f"{name}: not a date and time: {text}"
        ) from None


@router.get("/center/events", response_class=HTMLResponse)
def events_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    require_manager(need_user(request, actor))
    year = utcnow().year
    rows = events.list_events(session=session)
    return center_page(
        request,
        actor,
        "center_events.html",
        events=rows,
        year=year,
        places={e.id: events.attendance(session=session, event=e) for e in rows},
        requirement=events.year_requirement(session=session, year=year),
        kinds=events.KIND_LABELS,
        surveys=surveystore.list_surveys(session=session),
    )


@router.post("/center/events")
def new_event(
    request: Request,
    actor: PageActor,
    session: DbSession,
    kind: Annotated[str, Form(max_length=20)],
    title_ko: Annotated[str, Form(max_length=300)],
    starts_at: Annotated[str, Form(max_length=30)],
    ends_at: Annotated[str, Form(max_length=30)],
    capacity: Annotated[int, Form(ge=1, le=100_000)],
    title_en: Annotated[str, Form(max_length=300)] = "",
    location: Annotated[str, Form(max_length=300)] = "",
    survey_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    user = require_manager(need_user(request, actor))
    event = events.create_event(
        session=session,
        kind=kind,
        title_ko=title_ko,
        title_en=title_en,
        starts_at=_kst(starts_at, "starts_at"),
        ends_at=_kst(ends_at, "ends_at"),
        capacity=capacity,
        location=location,
        survey_id=int(survey_id) if survey_id.strip().isdigit() else None,
        actor=user,
    )
    session.commit()
    return redirect(f"/center/events/{event.id}")


@router.get("/center/events/{event_id}", response_class=HTMLResponse)
def event_admin(
    event_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    require_manager(need_user(request, actor))
    event = events.get_event(session=session, event_id=event_id)
    return center_page(
        request,
        actor,
        "center_event.html",
        event=event,
        kinds=events.KIND_LABELS,
        rows=events.registrations(session=session, event=event),
        places=events.attendance(session=session, event=event),
    )


@router.post("/center/events/{event_id}/check-in/{registration_id}")
def event_check_in(
    event_id: DbInt,
    registration_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
) -> Response:
    user = require_manager(need_user(request, actor))
    event = events.get_event(session=session, event_id=event_id)
    events.check_in(session=session, event=event, registration_id=registration_id, actor=user)
    session.commit()
    return redirect(f"/center/events/{event_id}")


@router.get("/e/{event_id}", response_class=HTMLResponse)
def register_page(
    event_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    event = events.get_event(session=session, event_id=event_id)
    return center_page(
        request,
        actor,
        "event_register.html",
        event=event,
        kinds=events.KIND_LABELS,
        places=events.attendance(session=session, event=event),
    )


@router.post("/e/{event_id}", response_class=HTMLResponse)
def register_submit(
    event_id: DbInt,
    request: Request,
    actor: PageActor,
    session: DbSession,
    name: Annotated[str, Form(max_length=100)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    organisation: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    event = events.get_event(session=session, event_id=event_id)
    try:
        _row, token = events.register(
            session=session, event=event, name=name, email=email, organisation=organisation
        )
        session.commit()
    except CenterError as e:
        session.rollback()
        return center_page(
            request,
            actor,
            "event_register.html",
            event=event,
            kinds=events.KIND_LABELS,
            places=events.attendance(session=session, event=event),
            error=e,
            status_code=e.status_code,
        )
    return _registration_page(request, actor, session, token, new=True)


def _registration_page(
    request: Request, actor: PageActor, session: DbSession, token: str, **extra: object
) -> HTMLResponse:
    row = events.registration_for_token(session=session, token=token)
    event = events.get_event(session=session, event_id=row.event_id)
    survey_link = events.satisfaction_link(session=session, registration=row, token=token)
    session.commit()
    return center_page(
        request,
        actor,
        "event_registration.html",
        reg=row,
        event=event,
        token=token,
        kinds=events.KIND_LABELS,
        survey_link=survey_link,
        **extra,
    )


@router.get("/e/r/{token}", response_class=HTMLResponse)
def registration_page(
    token: Token, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    return _registration_page(request, actor, session, token)


@router.post("/e/r/{token}/cancel", response_class=HTMLResponse)
def registration_cancel(
    token: Token, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    row = events.registration_for_token(session=session, token=token)
    events.cancel(session=session, registration=row)
    session.commit()
    return _registration_page(request, actor, session, token)


@router.get("/e/r/{token}/certificate", response_class=HTMLResponse)
def registration_certificate(token: Token, session: DbSession) -> HTMLResponse:
    row = events.registration_for_token(session=session, token=token)
    return HTMLResponse(events.certificate_html(session=session, registration=row))
