"""Events (anchor: Indico): education, seminars and result-sharing days with registration
without an account, a waiting list, check-in and certificates of completion; and the center's
requirement of at least 4 such events a year.

A registration beyond the capacity joins the waiting list; a cancellation moves the earliest
waiting registration up (first come, first served). Only a checked-in person gets a
certificate; its number is ``{year}-E{event:04d}-{registration:05d}``. Times are UTC.
Functions flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from jinja2 import Environment, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.errors import NotFound
from mfgdata.center.errors import EventConflict, EventError
from mfgdata.db.tables import (
    EVENT_KINDS,
    REGIONS,
    CenterEvent,
    CenterRegistration,
    CenterSurvey,
    CenterSurveyResponse,
    User,
    utcnow,
)

REQUIRED_PER_YEAR = 4
TOKEN_PREFIX = "ev_"
KIND_LABELS = {
    "education": ("교육", "education"),
    "seminar": ("세미나", "seminar"),
    "result_sharing": ("성과공유회", "result-sharing day"),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise EventError(
            f"{name}: 시간대(+09:00 등)가 필요합니다", f"{name}: a time zone offset is required"
        )
    return value.astimezone(UTC)


def create_event(
    *,
    session: Session,
    kind: str,
    title_ko: str,
    title_en: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    location: str = "",
    region: str | None = None,
    survey_id: int | None = None,
    actor: User | None = None,
) -> CenterEvent:
    if kind not in EVENT_KINDS:
        raise EventError(
            f"알 수 없는 행사 종류: {kind} (가능: {', '.join(EVENT_KINDS)})",
            f"unknown event kind {kind!r} (allowed: {', '.join(EVENT_KINDS)})",
        )
    if not title_ko.strip():
        raise EventError("행사 제목이 비어 있습니다", "the event title is empty")
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if end < start:
        raise EventError("종료가 시작보다 빠릅니다", "the event ends before it starts")
    if capacity < 1:
        raise EventError("정원은 1명 이상입니다", "the capacity must be at least 1")
    if region is not None and region not in REGIONS:
        raise EventError(f"알 수 없는 지역: {region}", f"unknown region: {region}")
    if survey_id is not None and session.get(CenterSurvey, survey_id) is None:
        raise NotFound(f"설문이 없습니다: {survey_id}", f"no such survey: {survey_id}")
    event = CenterEvent(
        kind=kind,
        title_ko=title_ko.strip()[:300],
        title_en=(title_en.strip() or title_ko.strip())[:300],
        starts_at=start,
        ends_at=end,
        capacity=capacity,
        location=location.strip()[:300],
        region=region,
        survey_id=survey_id,
        status="open",
        created_by_id=actor.id if actor else None,
    )
    session.add(event)
    session.flush()
    audit.record(session=session, action="event.create", actor=actor, target=f"event:{event.id}")
    return event


def get_event(*, session: Session, event_id: int) -> CenterEvent:
    event = session.get(CenterEvent, event_id)
    if event is None:
        raise NotFound(f"행사가 없습니다: {event_id}", f"no such event: {event_id}")
    return event


def list_events(*, session: Session, year: int | None = None) -> Sequence[CenterEvent]:
    query = select(CenterEvent).order_by(CenterEvent.starts_at, CenterEvent.id)
    if year is not None:
        query = query.where(
            CenterEvent.starts_at >= datetime(year, 1, 1, tzinfo=UTC),
            CenterEvent.starts_at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    return session.scalars(query).all()


def _count(session: Session, event: CenterEvent, status: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(CenterRegistration)
            .where(CenterRegistration.event_id == event.id, CenterRegistration.status == status)
        )
        or 0
    )


def registrations(*, session: Session, event: CenterEvent) -> Sequence[CenterRegistration]:
    return session.scalars(
        select(CenterRegistration)
        .where(CenterRegistration.event_id == event.id)
        .order_by(CenterRegistration.id)
    ).all()


def register(
    *,
    session: Session,
    event: CenterEvent,
    name: str,
    email: str,
    organisation: str = "",
    company_id: int | None = None,
) -> tuple[CenterRegistration, str]:
    """A registration (or a place on the waiting list) and its token (shown once)."""
    if event.status != "open":
        raise EventConflict("신청을 받지 않는 행사입니다", "the event is not taking registrations")
    if utcnow() > event.ends_at:
        raise EventConflict("이미 끝난 행사입니다", "the event is over")
    name, email = name.strip(), email.strip().lower()
    if not name:
        raise EventError("이름이 비어 있습니다", "the name is empty", column="name")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 320:
        raise EventError(
            f"이메일 형식이 아닙니다: {email}", f"not an e-mail: {email}", column="email"
        )
    taken = session.scalars(
        select(CenterRegistration).where(
            CenterRegistration.event_id == event.id,
            CenterRegistration.email == email,
            CenterRegistration.status != "cancelled",
        )
    ).first()
    if taken is not None:
        raise EventConflict(
            "이 이메일로 이미 신청했습니다", "this e-mail is already registered for the event"
        )
    # serialise registrations of one event (a row lock on PostgreSQL; SQLite writes one at a time)
    session.execute(select(CenterEvent.id).where(CenterEvent.id == event.id).with_for_update())
    full = _count(session, event, "registered") >= event.capacity
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)
    row = CenterRegistration(
        event_id=event.id,
        name=name[:100],
        email=email,
        organisation=organisation.strip()[:200],
        company_id=company_id,
        status="waitlisted" if full else "registered",
        token_hash=_hash(token),
    )
    session.add(row)
    session.flush()
    return row, token


def satisfaction_link(
    *, session: Session, registration: CenterRegistration, token: str
) -> str | None:
    """The attendee's link to the event's satisfaction survey, once checked in (None before,
    or when the event has none). The survey token is derived from the registration token the
    person holds, so the link is the same each time and nothing secret is stored in clear."""
    event = get_event(session=session, event_id=registration.event_id)
    if event.survey_id is None or registration.checked_in_at is None:
        return None
    survey_token = "sv_" + hashlib.sha256(f"satisfaction:{token}".encode()).hexdigest()[:32]
    if registration.survey_response_id is None:
        row = CenterSurveyResponse(
            survey_id=event.survey_id,
            company_id=registration.company_id,
            token_hash=_hash(survey_token),
            phase="none",
            answers={},
        )
        session.add(row)
        session.flush()
        registration.survey_response_id = row.id
        session.flush()
    return f"/s/{survey_token}"


def registration_for_token(*, session: Session, token: str) -> CenterRegistration:
    row = None
    if token.startswith(TOKEN_PREFIX) and len(token) <= 100:
        row = session.scalars(
            select(CenterRegistration).where(CenterRegistration.token_hash == _hash(token))
        ).first()
    if row is None:
        raise NotFound("없는 신청 링크입니다", "no such registration link")
    return row


def cancel(*, session: Session, registration: CenterRegistration) -> CenterRegistration | None:
    """Cancel; returns the waiting registration moved up, if any."""
    if registration.status == "cancelled":
        return None
    if registration.checked_in_at is not None:
        raise EventConflict(
            "이미 출석한 신청은 취소할 수 없습니다", "a checked-in person cannot cancel"
        )
    was_registered = registration.status == "registered"
    registration.status = "cancelled"
    session.flush()
    if not was_registered:
        return None
    waiting = session.scalars(
        select(CenterRegistration)
        .where(
            CenterRegistration.event_id == registration.event_id,
            CenterRegistration.status == "waitlisted",
        )
        .order_by(CenterRegistration.id)
    ).first()
    if waiting is not None:
        waiting.status = "registered"
        session.flush()
    return waiting


def check_in(
    *, session: Session, event: CenterEvent, registration_id: int, actor: User | None = None
) -> CenterRegistration:
    row = session.get(CenterRegistration, registration_id)
    if row is None or row.event_id != event.id:
        raise NotFound(
            f"신청이 없습니다: {registration_id}", f"no such registration: {registration_id}"
        )
    if row.status != "registered":
        raise EventConflict(
            f"확정된 신청만 출석 처리할 수 있습니다 (현재: {row.status})",
            f"only a confirmed registration can check in (it is {row.status})",
        )
    if row.checked_in_at is None:
        row.checked_in_at = utcnow()
        row.certificate_no = f"{event.starts_at.year}-E{event.id:04d}-{row.id:05d}"
        session.flush()
        audit.record(
            session=session,
            action="event.check_in",
            actor=actor,
            target=f"event:{event.id}",
            detail={"registration": row.id},
        )
    return row


CERTIFICATE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>수료증 / Certificate {{ reg.certificate_no }}</title>
<style>body{font-family:system-ui,'Noto Sans KR',sans-serif;max-width:720px;margin:48px auto;
text-align:center;color:#1d2733;border:6px double #2b4a6f;padding:40px}h1{letter-spacing:.2em}
.muted{color:#64748b}</style></head><body>
<h1>수료증</h1><p class="muted">Certificate of completion</p>
<p id="cert-no">제 {{ reg.certificate_no }} 호 / No. {{ reg.certificate_no }}</p>
<h2 id="cert-name">{{ reg.name }}</h2>
{% if reg.organisation %}<p>{{ reg.organisation }}</p>{% endif %}
<p>위 사람은 아래 {{ kind[0] }}을(를) 이수하였음을 증명합니다.<br>
This certifies that the person above completed the {{ kind[1] }} below.</p>
<h3>{{ event.title_ko }}<br><span class="muted">{{ event.title_en }}</span></h3>
<p>{{ event.starts_at.strftime("%Y-%m-%d %H:%M") }} –
{{ event.ends_at.strftime("%Y-%m-%d %H:%M") }} UTC
{% if event.location %}· {{ event.location }}{% endif %}</p>
<p class="muted">출석 확인 / checked in {{ reg.checked_in_at.strftime("%Y-%m-%d %H:%M") }} UTC</p>
<p>지역특화 제조AI센터 / Regional Manufacturing AI Center</p>
</body></html>
"""
_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def certificate_html(*, session: Session, registration: CenterRegistration) -> str:
    if registration.checked_in_at is None or registration.certificate_no is None:
        raise EventConflict(
            "출석이 확인된 뒤에 수료증을 받을 수 있습니다",
            "a certificate is issued after check-in",
        )
    event = get_event(session=session, event_id=registration.event_id)
    return _ENV.from_string(CERTIFICATE).render(
        reg=registration, event=event, kind=KIND_LABELS[event.kind]
    )


@dataclass(frozen=True)
class YearRequirement:
    """The ≥ 4 events a year rule: held (ended) and scheduled events, cancelled ones excluded."""

    year: int
    region: str | None
    held: list[int]
    scheduled: list[int]
    required: int = REQUIRED_PER_YEAR

    @property
    def met(self) -> bool:
        return len(self.held) >= self.required

    @property
    def on_track(self) -> bool:
        return len(self.held) + len(self.scheduled) >= self.required

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "region": self.region,
            "required": self.required,
            "held": len(self.held),
            "scheduled": len(self.scheduled),
            "met": self.met,
            "on_track": self.on_track,
            "held_event_ids": self.held,
            "scheduled_event_ids": self.scheduled,
        }


def year_requirement(
    *, session: Session, year: int, region: str | None = None, now: datetime | None = None
) -> YearRequirement:
    now = now or utcnow()
    held: list[int] = []
    scheduled: list[int] = []
    for e in list_events(session=session, year=year):
        if e.status == "cancelled" or (region is not None and e.region not in (region, None)):
            continue
        (held if e.ends_at <= now else scheduled).append(e.id)
    return YearRequirement(year, region, held, scheduled)


def attendance(*, session: Session, event: CenterEvent) -> dict[str, int]:
    rows = registrations(session=session, event=event)
    return {
        "capacity": event.capacity,
        "registered": sum(1 for r in rows if r.status == "registered"),
        "waitlisted": sum(1 for r in rows if r.status == "waitlisted"),
        "cancelled": sum(1 for r in rows if r.status == "cancelled"),
        "checked_in": sum(1 for r in rows if r.checked_in_at is not None),
    }
