"""Events: registration without an account, waiting list (FIFO, checked with hypothesis),
check-in, certificates, and the >= 4 events a year rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from mfgdata.center.errors import EventConflict, EventError
from mfgdata.center.events import (
    attendance,
    cancel,
    certificate_html,
    check_in,
    create_event,
    register,
    registration_for_token,
    registrations,
    year_requirement,
)
from mfgdata.db.tables import CenterEvent


def _event(
    session: Session, capacity: int = 2, days: int = 10, kind: str = "seminar"
) -> CenterEvent:
    start = datetime.now(UTC) + timedelta(days=days)
    return create_event(
        session=session,
        kind=kind,
        title_ko="AI 세미나",
        title_en="AI seminar",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        region="daegu",
    )


def test_register_waitlist_cancel_checkin_certificate(db_session: Session) -> None:
    event = _event(db_session, capacity=2)
    a, ta = register(session=db_session, event=event, name="김민수", email="A@x.kr")
    b, _ = register(session=db_session, event=event, name="이영희", email="b@x.kr")
    c, tc = register(
        session=db_session, event=event, name="박철수", email="c@x.kr", organisation="대구정밀"
    )
    assert (a.status, b.status, c.status) == ("registered", "registered", "waitlisted")
    with pytest.raises(EventConflict, match="already registered"):
        register(session=db_session, event=event, name="x", email="a@x.kr")
    with pytest.raises(EventConflict, match="confirmed"):
        check_in(session=db_session, event=event, registration_id=c.id)
    moved = cancel(
        session=db_session, registration=registration_for_token(session=db_session, token=ta)
    )
    assert moved is not None and moved.id == c.id and c.status == "registered"
    with pytest.raises(EventConflict, match="after check-in"):
        certificate_html(session=db_session, registration=c)
    check_in(session=db_session, event=event, registration_id=c.id)
    assert c.certificate_no == f"{event.starts_at.year}-E{event.id:04d}-{c.id:05d}"
    html = certificate_html(
        session=db_session, registration=registration_for_token(session=db_session, token=tc)
    )
    assert "박철수" in html and "대구정밀" in html and c.certificate_no in html and "UTC" in html
    with pytest.raises(EventConflict, match="cannot cancel"):
        cancel(session=db_session, registration=c)
    assert attendance(session=db_session, event=event) == {
        "capacity": 2,
        "registered": 2,
        "waitlisted": 0,
        "cancelled": 1,
        "checked_in": 1,
    }
    db_session.commit()


def test_bad_events_and_registrations(db_session: Session) -> None:
    start = datetime(2026, 5, 1, 10, 0)
    with pytest.raises(EventError, match="time zone"):
        create_event(
            session=db_session,
            kind="seminar",
            title_ko="x",
            title_en="",
            starts_at=start,
            ends_at=start,
            capacity=1,
        )
    aware = start.replace(tzinfo=UTC)
    with pytest.raises(EventError, match="ends before"):
        create_event(
            session=db_session,
            kind="seminar",
            title_ko="x",
            title_en="",
            starts_at=aware,
            ends_at=aware - timedelta(hours=1),
            capacity=1,
        )
    with pytest.raises(EventError, match="unknown event kind"):
        create_event(
            session=db_session,
            kind="party",
            title_ko="x",
            title_en="",
            starts_at=aware,
            ends_at=aware,
            capacity=1,
        )
    event = _event(db_session)
    with pytest.raises(EventError, match="not an e-mail"):
        register(session=db_session, event=event, name="x", email="nope")
    past = _event(db_session, days=-10)
    with pytest.raises(EventConflict, match="over"):
        register(session=db_session, event=past, name="x", email="x@x.kr")


def test_four_a_year_rule(db_session: Session) -> None:
    year = datetime.now(UTC).year
    now = datetime(year, 7, 1, tzinfo=UTC)
    made = []
    for month, kind in ((2, "education"), (3, "seminar"), (5, "result_sharing"), (9, "seminar")):
        start = datetime(year, month, 10, 9, tzinfo=UTC)
        made.append(
            create_event(
                session=db_session,
                kind=kind,
                title_ko=f"{month}월",
                title_en="",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=30,
                region="daegu",
            )
        )
    req = year_requirement(session=db_session, year=year, region="daegu", now=now)
    assert (len(req.held), len(req.scheduled), req.met, req.on_track) == (3, 1, False, True)
    assert req.held == [e.id for e in made[:3]]
    made[3].status = "cancelled"
    db_session.flush()
    assert not year_requirement(session=db_session, year=year, region="daegu", now=now).on_track
    assert year_requirement(session=db_session, year=year, region="ulsan", now=now).held == []
    late = datetime(year, 12, 31, tzinfo=UTC)
    start = datetime(year, 10, 1, tzinfo=UTC)
    create_event(
        session=db_session,
        kind="education",
        title_ko="10월",
        title_en="",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        capacity=5,
    )  # every region
    assert year_requirement(session=db_session, year=year, region="daegu", now=late).met


ops = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.integers(0, 9)),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
    ),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(1, 4), steps=ops)
def test_waiting_list_invariants(
    db_session: Session, capacity: int, steps: list[tuple[str, int]]
) -> None:
    event = _event(db_session, capacity=capacity)
    tokens: dict[int, str] = {}
    order: list[int] = []  # model: person ids in registration order (active only)
    for op, person in steps:
        if op == "register" and person not in tokens:
            _row, tokens[person] = register(
                session=db_session, event=event, name=f"p{person}", email=f"p{person}@x.kr"
            )
            order.append(person)
        elif op == "cancel" and person in tokens:
            row = registration_for_token(session=db_session, token=tokens.pop(person))
            cancel(session=db_session, registration=row)
            order.remove(person)
        active = [
            r for r in registrations(session=db_session, event=event) if r.status != "cancelled"
        ]
        confirmed = [r.name for r in active if r.status == "registered"]
        waiting = [r.name for r in active if r.status == "waitlisted"]
        # the first `capacity` people still in, in registration order, hold the places
        assert confirmed == [f"p{p}" for p in order[:capacity]]
        assert waiting == [f"p{p}" for p in order[capacity:]]
    db_session.rollback()
