"""Events in the Open API (thin over ``mfgdata.center.events``).

- ``GET /api/v1/center/events?year=``: the events, with places taken (public);
- ``POST /api/v1/center/events``: create one (center staff);
- ``POST /api/v1/center/events/{id}/registrations``: register, without an account;
- ``GET /api/v1/center/events/{id}/registrations`` and
  ``POST .../registrations/{rid}/check-in``: the staff's list and check-in;
- ``GET /api/v1/center/events/requirement?year=&region=``: the ≥ 4 events a year rule;
- ``GET|DELETE /api/v1/center/registrations/{token}`` and ``.../certificate``: the registrant's
  own status, cancellation and certificate, by the token they were given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import DbInt, json_response
from mfgdata.center import events
from mfgdata.center.access import require_manager
from mfgdata.db.tables import CenterEvent, CenterRegistration, utcnow

router = APIRouter(prefix="/api/v1/center", tags=["center / 제조AI센터"])
Token = Annotated[str, PathParam(max_length=100)]


def event_out(session: DbSession, e: CenterEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "title_ko": e.title_ko,
        "title_en": e.title_en,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "location": e.location,
        "region": e.region,
        "status": e.status,
        "places": events.attendance(session=session, event=e),
        "register": f"/e/{e.id}",
        "survey_id": e.survey_id,
    }


def registration_out(r: CenterRegistration, token: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "event_id": r.event_id,
        "name": r.name,
        "status": r.status,
        "checked_in_at": r.checked_in_at,
        "certificate_no": r.certificate_no,
        "created": r.created,
    }
    if token is not None:
        out["token"] = token
        out["url"] = f"/e/r/{token}"
    return out


@router.get("/events", summary="행사 목록 / Events")
def list_events(
    session: DbSession, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    return json_response(
        [event_out(session, e) for e in events.list_events(session=session, year=year)]
    )


class EventIn(BaseModel):
    kind: Literal["education", "seminar", "result_sharing"]
    title_ko: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    starts_at: datetime = Field(description="RFC 3339 with offset, e.g. 2026-05-01T10:00:00+09:00")
    ends_at: datetime
    capacity: Annotated[int, Field(ge=1, le=100_000)]
    location: Annotated[str, Field(max_length=300)] = ""
    region: str | None = None
    survey_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="만족도 설문 / satisfaction survey"
    )


@router.post("/events", summary="행사 만들기 / Create an event", status_code=201)
def add_event(body: EventIn, actor: ActorDep, session: DbSession) -> Response:
    user = require_manager(require_user(actor, "api"))
    event = events.create_event(session=session, actor=user, **body.model_dump())
    session.commit()
    return json_response(event_out(session, event), status_code=201)


@router.get("/events/requirement", summary="연 4회 이상 요건 / The ≥ 4 events a year rule")
def requirement(
    actor: ActorDep,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    require_manager(require_user(actor, "read"))
    result = events.year_requirement(session=session, year=year or utcnow().year, region=region)
    return json_response(result.to_dict())


class RegistrationIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    email: Annotated[str, Field(min_length=3, max_length=320)]
    organisation: Annotated[str, Field(max_length=200)] = ""


@router.post(
    "/events/{event_id}/registrations",
    summary="참가 신청 (계정 없이) / Register (no account)",
    status_code=201,
)
def register(
    event_id: DbInt,
    body: RegistrationIn,
    session: DbSession,
    actor: ActorDep,  # no account needed; a browser session must still send its CSRF token
) -> Response:
    event = events.get_event(session=session, event_id=event_id)
    row, token = events.register(session=session, event=event, **body.model_dump())
    session.commit()
    return json_response(registration_out(row, token), status_code=201)


@router.get("/events/{event_id}/registrations", summary="신청자 / Registrations (staff)")
def list_registrations(event_id: DbInt, actor: ActorDep, session: DbSession) -> Response:
    require_manager(require_user(actor, "read"))
    event = events.get_event(session=session, event_id=event_id)
    rows = events.registrations(session=session, event=event)
    return json_response([registration_out(r) | {"email": r.email} for r in rows])


@router.post(
    "/events/{event_id}/registrations/{registration_id}/check-in",
    summary="출석 확인 / Check in",
)
def check_in(
    event_id: DbInt, registration_id: DbInt, actor: ActorDep, session: DbSession
) -> Response:
    user = require_manager(require_user(actor, "api"))
    event = events.get_event(session=session, event_id=event_id)
    row = events.check_in(session=session, event=event, registration_id=registration_id, actor=user)
    session.commit()
    return json_response(registration_out(row))


@router.get("/registrations/{token}", summary="내 신청 / My registration (by its token)")
def my_registration(token: Token, session: DbSession) -> Response:
    return json_response(
        registration_out(events.registration_for_token(session=session, token=token))
    )


@router.delete("/registrations/{token}", summary="신청 취소 / Cancel my registration")
def cancel_registration(token: Token, session: DbSession, actor: ActorDep) -> Response:
    """By the token; a browser session must still send its CSRF token (``ActorDep``)."""
    row = events.registration_for_token(session=session, token=token)
    events.cancel(session=session, registration=row)
    session.commit()
    return json_response(registration_out(row))


@router.get(
    "/registrations/{token}/certificate",
    summary="수료증 (HTML) / Certificate (HTML)",
    response_class=HTMLResponse,
)
def certificate(token: Token, session: DbSession) -> Response:
    row = events.registration_for_token(session=session, token=token)
    return HTMLResponse(events.certificate_html(session=session, registration=row))
