"""Suppliers, matches with stages, and consulting on both backends (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mfgdata.consulting.errors import ConsultingError
from mfgdata.consulting.models import ConsultRequest, Expert
from mfgdata.db.repositories import consulting as crepo
from mfgdata.db.repositories import suppliers as srepo
from mfgdata.suppliers.errors import StageError
from mfgdata.suppliers.files import read_catalogue
from mfgdata.suppliers.match import match
from mfgdata.suppliers.models import Demand
from mfgdata.suppliers.stages import Stage

DATA = Path(__file__).parents[1] / "suppliers" / "data" / "suppliers.yaml"


def test_catalogue_round_trip_match_and_stages(db_session: Session) -> None:
    catalogue = read_catalogue(DATA)
    srepo.import_catalogue(session=db_session, catalogue=catalogue)
    db_session.commit()
    loaded = srepo.load_catalogue(session=db_session)
    # every facet, price and certification expiry survives (listed by id)
    assert sorted(loaded.suppliers, key=lambda s: s.id) == sorted(
        catalogue.suppliers, key=lambda s: s.id
    )

    demand = Demand(company="가람정공", text="사출성형 불량", process_family="injection_molding")
    result = match(loaded, demand)
    rows = srepo.propose(
        session=db_session, demand=demand, result=result, actor=None, day=dt.date(2026, 3, 2)
    )
    db_session.commit()
    first = rows[0]
    assert first.solution_key == "mold-temp" and first.reasons["words"]
    srepo.advance_match(
        session=db_session,
        match_id=first.id,
        stage=Stage.MEETING,
        day=dt.date(2026, 3, 9),
        actor=None,
    )
    with pytest.raises(StageError):
        srepo.advance_match(
            session=db_session,
            match_id=first.id,
            stage=Stage.INTRODUCED,
            day=dt.date(2026, 3, 10),
            actor=None,
        )
    db_session.commit()
    assert srepo.match_dict(first)["stages"] == {"proposed": "2026-03-02", "meeting": "2026-03-09"}
    counts = srepo.stage_counts(session=db_session)
    assert counts["proposed"] == len(rows) and counts["meeting"] == 1 and counts["introduced"] == 0
    assert srepo.stage_counts(session=db_session, since=dt.date(2026, 3, 5))["proposed"] == 0


def test_onboarding_review(db_session: Session) -> None:
    catalogue = read_catalogue(DATA)
    srepo.import_catalogue(session=db_session, catalogue=catalogue)
    pending = [s.id for s in srepo.list_suppliers(session=db_session, status="pending")]
    assert pending == ["newco"]


def test_consulting_rerun_keeps_accepted_and_logs_completion(db_session: Session) -> None:
    crepo.save_expert(
        session=db_session,
        data=Expert("김전문", frozenset({"AI"}), frozenset({"경남"}), 1, frozenset()),
    )
    crepo.save_expert(
        session=db_session,
        data=Expert("이박사", frozenset({"AI"}), frozenset({"서울"}), 1, frozenset()),
    )
    crepo.apply(session=db_session, data=ConsultRequest("가나정밀", "AI", "서울"))
    first = crepo.run_assignment(session=db_session)
    assert [(p.company, p.expert, p.score) for p in first.pairs] == [("가나정밀", "이박사", 3)]
    (a,) = crepo.list_assignments(session=db_session)
    crepo.accept(session=db_session, assignment_id=a.id, actor=None)
    # a new application that would fit 이박사 better... the accepted pair stays
    crepo.apply(session=db_session, data=ConsultRequest("다라테크", "AI", "서울"))
    second = crepo.run_assignment(session=db_session)
    pairs = {p.company: (p.expert, p.accepted) for p in second.pairs}
    assert pairs == {"가나정밀": ("이박사", True), "다라테크": ("김전문", False)}
    with pytest.raises(ConsultingError, match="already applied"):
        crepo.apply(session=db_session, data=ConsultRequest("다라테크", "AI", "서울"))
    # sessions only on accepted assignments; completion recorded
    other = next(x for x in crepo.list_assignments(session=db_session) if x.accepted_at is None)
    with pytest.raises(ConsultingError, match="accepted"):
        crepo.log_session(
            session=db_session,
            assignment_id=other.id,
            held_on=dt.date(2026, 4, 1),
            hours=Decimal("2"),
            notes="",
            complete=False,
            actor=None,
        )
    crepo.log_session(
        session=db_session,
        assignment_id=a.id,
        held_on=dt.date(2026, 4, 1),
        hours=Decimal("2.5"),
        notes="데이터 수집 계획",
        complete=True,
        actor=None,
    )
    db_session.commit()
    assert crepo.completed_companies(session=db_session) == ["가나정밀"]
    logs = crepo.sessions_of(session=db_session, assignment_id=a.id)
    assert [(s.held_on, s.hours) for s in logs] == [(dt.date(2026, 4, 1), Decimal("2.50"))]
