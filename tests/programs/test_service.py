"""The programme workflow in the database (SQLite and PostgreSQL): apply before 17:00 Seoul,
documents, review, panels with conflict declarations, ranking by the engine, one appeal with a
re-evaluation, agreement → interim → final inspection → settlement, all in the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.catalog.errors import NotFound, WorkflowError
from mfgdata.db.tables import AuditLog, ProgApplication
from mfgdata.programs import service as svc
from mfgdata.programs.dates import DeadlinePassed
from mfgdata.programs.errors import ProgramError
from mfgdata.settings import get_settings
from programs.flow import AT_CLOSE, BEFORE, CATS, DEADLINE, DOCS, EARLY, LATER, form, make_people


def sheet(*values: str) -> dict[str, str]:
    return dict(zip(CATS, values, strict=True))


def _apply(session: Session, people, call, key: str) -> ProgApplication:  # type: ignore[no-untyped-def]
    user = people.user(session, key)
    app = svc.save_application(
        session=session, actor=user, call=call, form=svc.parse_form(form(key)), now=EARLY
    )
    lead = svc.members_of(session, app)[0]
    for doc_id, issued in DOCS.items():
        svc.add_document(
            session=session, actor=user, app=app, member_id=lead.id, doc_id=doc_id,
            issued_on=issued, filename=f"{doc_id}.pdf", content=b"%PDF-1.4 " + doc_id.encode(),
            settings=get_settings(),
        )  # fmt: skip
    return app


def test_the_whole_flow(db_session: Session) -> None:
    s = db_session
    people = make_people(s)
    staff = people.user(s, "staff")
    call = svc.open_call(
        session=s, actor=staff, template="data-productization-2025", deadline_day=DEADLINE,
        now=EARLY, slots=1,
    )  # fmt: skip
    alpha, beta = _apply(s, people, call, "alpha"), _apply(s, people, call, "beta")
    s.commit()

    # the deadline: 16:59:59 Seoul is on time, 17:00:00 is late (and the refusal is audited)
    svc.submit(session=s, actor=people.user(s, "alpha"), app=alpha, now=BEFORE)
    with pytest.raises(DeadlinePassed, match="17:00:00"):
        svc.submit(session=s, actor=people.user(s, "beta"), app=beta, now=AT_CLOSE)
    assert beta.status == "draft"
    late = s.scalars(select(AuditLog).where(AuditLog.action == "program.application.late")).all()
    assert [a.target for a in late] == [f"prog_application:{beta.id}"]
    svc.submit(
        session=s, actor=people.user(s, "beta"), app=beta, now=BEFORE - dt.timedelta(hours=1)
    )
    assert alpha.eligibility["reasons"] == []  # documents in their windows, budget fine

    for app in (alpha, beta):
        svc.review(session=s, actor=staff, app=app, eligible=True, note="", now=LATER)
    # evaluators: ev1..ev3 on both; alpha's own member cannot evaluate alpha
    with pytest.raises(WorkflowError):
        svc.assign(session=s, actor=staff, app=alpha, evaluator=people.user(s, "alpha"))
    for app in (alpha, beta):
        for ev in ("ev1", "ev2", "ev3"):
            svc.assign(session=s, actor=staff, app=app, evaluator=people.user(s, ev))
    s.commit()
    ev1 = people.user(s, "ev1")
    # an evaluator sees only the assigned applications; a company only its own
    assert {a.id for a in svc.list_applications(s, ev1)} == {alpha.id, beta.id}
    assert [a.id for a in svc.list_applications(s, people.user(s, "beta"))] == [beta.id]
    with pytest.raises(NotFound):
        svc.get_application(s, alpha.id, people.user(s, "beta"))

    marks = {
        "alpha": {"ev1": ("16", "24", "24", "16"), "ev2": ("15", "22", "23", "15"),
                  "ev3": ("17", "25", "25", "17")},
        "beta": {"ev1": ("15", "24", "24", "16"), "ev2": ("16", "23", "23", "15"),
                 "ev3": ("16", "24", "24", "17")},
    }  # fmt: skip
    for key, app in (("alpha", alpha), ("beta", beta)):
        for ev, values in marks[key].items():
            user = people.user(s, ev)
            a = next(x for x in svc.my_assignments(s, user) if x.application_id == app.id)
            with pytest.raises(WorkflowError, match="declare"):
                svc.score(session=s, actor=user, assignment=a, scores=sheet(*values), now=LATER)
            svc.declare(session=s, actor=user, assignment=a, conflict=False, note="", now=LATER)
            svc.score(session=s, actor=user, assignment=a, scores=sheet(*values), now=LATER)
    svc.set_bonus(session=s, actor=staff, app=beta, items=["trading_record"])
    for app in (alpha, beta):
        svc.record_site_check(
            session=s, actor=staff, app=app,
            results={"existence": True, "data_holding": True, "capacity": True},
        )  # fmt: skip
    ranking = svc.compute_ranking(session=s, actor=staff, call=call, now=LATER)
    rows = {r["application_id"]: r for r in ranking.results["rows"]}
    # alpha: (80 + 75 + 84) / 3 = 79.67; beta: (79 + 77 + 81) / 3 = 79.00, + 3 bonus = 82.00
    assert rows[alpha.id]["score"] == "79.67"
    assert (rows[beta.id]["score"], rows[beta.id]["final"]) == ("79.00", "82.00")
    assert rows[beta.id]["rank"] == 1 and rows[beta.id]["selected"]
    assert rows[alpha.id]["rank"] == 2 and not rows[alpha.id]["selected"]
    with pytest.raises(NotFound):
        svc.get_ranking(s, ranking.id, people.user(s, "alpha"))  # not published yet
    svc.publish_ranking(session=s, actor=staff, ranking=ranking, now=LATER)

    # one appeal, upheld; a round-2 panel re-evaluates alpha; no appeal of the re-evaluation
    appeal = svc.file_appeal(
        session=s, actor=people.user(s, "alpha"), app=alpha, text="평가 누락", now=LATER
    )
    with pytest.raises(WorkflowError, match="1"):
        svc.file_appeal(session=s, actor=people.user(s, "alpha"), app=alpha, text="또", now=LATER)
    with pytest.raises(PermissionDenied):
        svc.decide_appeal(
            session=s, actor=people.user(s, "alpha"), appeal=appeal, uphold=True, note="x",
            now=LATER,
        )  # fmt: skip
    svc.decide_appeal(session=s, actor=staff, appeal=appeal, uphold=True, note="재평가", now=LATER)
    for ev, values in (("ev1", ("19", "28", "28", "18")), ("ev2", ("18", "27", "27", "18")),
                       ("ev3", ("19", "28", "28", "19"))):  # fmt: skip
        user = people.user(s, ev)
        a = svc.assign(session=s, actor=staff, app=alpha, evaluator=user, round_=2)
        svc.declare(session=s, actor=user, assignment=a, conflict=False, note="", now=LATER)
        svc.score(session=s, actor=user, assignment=a, scores=sheet(*values), now=LATER)
    second = svc.compute_ranking(session=s, actor=staff, call=call, now=LATER)
    assert second.round == 2
    rows = {r["application_id"]: r for r in second.results["rows"]}
    assert rows[alpha.id]["score"] == "92.33" and rows[alpha.id]["selected"]  # 277 / 3
    svc.publish_ranking(session=s, actor=staff, ranking=second, now=LATER)
    with pytest.raises(WorkflowError, match="re-evaluation cannot be appealed"):
        svc.file_appeal(session=s, actor=people.user(s, "beta"), app=beta, text="x", now=LATER)

    # after selection, in order
    with pytest.raises(WorkflowError, match="not selected"):
        svc.record_stage(session=s, actor=staff, app=beta, kind="agreement", passed=None, note="",
                         now=LATER)  # fmt: skip
    with pytest.raises(WorkflowError, match="agreement"):
        svc.record_stage(session=s, actor=staff, app=alpha, kind="interim", passed=True, note="",
                         now=LATER)  # fmt: skip
    for kind, passed in (
        ("agreement", None),
        ("interim", True),
        ("interim", True),
        ("final", True),
    ):
        svc.record_stage(session=s, actor=staff, app=alpha, kind=kind, passed=passed, note="",
                         now=LATER)  # type: ignore[arg-type]  # fmt: skip
    stage = svc.record_stage(
        session=s, actor=staff, app=alpha, kind="settlement", passed=None, note="", now=LATER,
        spend=svc.Spend(government=36_000_000, cash=5_000_000, in_kind=4_000_000),
    )  # fmt: skip
    d = stage.detail
    assert d["plan_total_krw"] == 50_000_000 and d["actual_total_krw"] == 45_000_000
    assert d["execution_rate_pct"] == "90.00"
    # 80 % of the 45 M spent = 36 M recognised; nothing to return
    assert (d["grant_recognised_krw"], d["grant_to_return_krw"]) == (36_000_000, 0)
    assert d["lines"]["in_kind"]["difference_krw"] == -1_000_000
    s.commit()
    actions = {a.action for a in s.scalars(select(AuditLog))}
    assert {
        "program.call.open", "program.application.submit", "program.document.upload",
        "program.application.review", "program.panel.assign", "program.coi.declare",
        "program.score.submit", "program.ranking.publish", "program.appeal.file",
        "program.appeal.decide", "program.stage.settlement",
    } <= actions  # fmt: skip


def test_conflict_declared_evaluator_cannot_score(db_session: Session) -> None:
    s = db_session
    people = make_people(s)
    staff = people.user(s, "staff")
    call = svc.open_call(
        session=s, actor=staff, template="data-productization-2025", deadline_day=DEADLINE,
        now=EARLY,
    )  # fmt: skip
    app = _apply(s, people, call, "alpha")
    svc.submit(session=s, actor=people.user(s, "alpha"), app=app, now=BEFORE)
    svc.review(session=s, actor=staff, app=app, eligible=True, note="", now=LATER)
    ev = people.user(s, "ev1")
    a = svc.assign(session=s, actor=staff, app=app, evaluator=ev)
    with pytest.raises(ProgramError, match="conflict"):
        svc.declare(session=s, actor=ev, assignment=a, conflict=True, note="", now=LATER)
    svc.declare(session=s, actor=ev, assignment=a, conflict=True, note="전 직장", now=LATER)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        svc.score(session=s, actor=ev, assignment=a, scores=sheet("1", "1", "1", "1"), now=LATER)


def test_documents_budget_and_exclusions_give_reasons(db_session: Session) -> None:
    s = db_session
    people = make_people(s)
    staff = people.user(s, "staff")
    call = svc.open_call(
        session=s, actor=staff, template="data-productization-2025", deadline_day=DEADLINE,
        now=EARLY,
    )  # fmt: skip
    alpha = people.user(s, "alpha")
    bad = form("alpha")
    bad["budget"]["in_kind"] = 12_000_000  # above the 11.25 M cap
    with pytest.raises(ProgramError, match="11,250,000"):
        svc.save_application(session=s, actor=alpha, call=call, form=svc.parse_form(bad), now=EARLY)
    with pytest.raises(ProgramError, match=r"company\.founded"):
        svc.parse_form({**form("alpha"), "company": {"name": "x"}})
    app = svc.save_application(
        session=s, actor=alpha, call=call, form=svc.parse_form(form("alpha", tax_arrears=True)),
        now=EARLY,
    )  # fmt: skip
    lead = svc.members_of(s, app)[0]
    stale = svc.add_document(
        session=s, actor=alpha, app=app, member_id=lead.id, doc_id="national_tax_clearance",
        issued_on=dt.date(2026, 11, 19), filename="tax.pdf", content=b"x", settings=get_settings(),
    )  # fmt: skip
    assert not stale.valid and "2026-11-20" in stale.check_en  # one month before 20 Dec
    with pytest.raises(ProgramError, match="not a document"):
        svc.add_document(
            session=s, actor=alpha, app=app, member_id=lead.id, doc_id="passport",
            issued_on=dt.date(2026, 12, 1), filename="p.pdf", content=b"x",
            settings=get_settings(),
        )  # fmt: skip
    svc.submit(session=s, actor=alpha, app=app, now=BEFORE)
    codes = [r["code"] for r in app.eligibility["reasons"]]
    assert "tax_arrears" in codes
    assert f"{lead.id}:stale:national_tax_clearance" in codes
    assert f"{lead.id}:missing:business_registration" in codes
    assert not any("demand" in c or c.startswith(f"{lead.id + 1}:") for c in codes)  # demand: none
    with pytest.raises(ProgramError, match="note"):
        svc.review(session=s, actor=staff, app=app, eligible=True, note="", now=LATER)
    with pytest.raises(PermissionDenied):
        svc.review(session=s, actor=alpha, app=app, eligible=False, note="", now=LATER)
    svc.review(session=s, actor=staff, app=app, eligible=False, note="체납", now=LATER)
    assert app.status == "ineligible"


def test_settlement_after_a_failed_final_returns_the_grant() -> None:
    plan = svc.BudgetPlan(track="productization", government=40_000_000, cash=5_000_000,
                          in_kind=5_000_000)  # fmt: skip
    spent = svc.Spend(government=40_000_000, cash=5_000_000, in_kind=5_000_000)
    assert svc.settlement(plan, spent, True)["grant_to_return_krw"] == 0
    assert svc.settlement(plan, spent, False)["grant_to_return_krw"] == 40_000_000
    under = svc.Spend(government=40_000_000, cash=2_000_000, in_kind=3_000_000)
    # 45 M spent × 80 % = 36 M recognised: 4 M of the grant goes back
    assert svc.settlement(plan, under, True)["grant_to_return_krw"] == 4_000_000


def test_scores_outside_the_weight_are_refused(db_session: Session) -> None:
    s = db_session
    people = make_people(s)
    staff = people.user(s, "staff")
    call = svc.open_call(
        session=s, actor=staff, template="data-productization-2025", deadline_day=DEADLINE,
        now=EARLY,
    )  # fmt: skip
    app = _apply(s, people, call, "alpha")
    svc.submit(session=s, actor=people.user(s, "alpha"), app=app, now=BEFORE)
    svc.review(session=s, actor=staff, app=app, eligible=True, note="", now=LATER)
    ev = people.user(s, "ev1")
    a = svc.assign(session=s, actor=staff, app=app, evaluator=ev)
    svc.declare(session=s, actor=ev, assignment=a, conflict=False, note="", now=LATER)
    for bad in (
        sheet("21", "1", "1", "1"),
        sheet("1.005", "1", "1", "1"),
        sheet("x", "1", "1", "1"),
    ):
        with pytest.raises(ProgramError):
            svc.score(session=s, actor=ev, assignment=a, scores=bad, now=LATER)
    with pytest.raises(ProgramError, match="missing"):
        svc.score(session=s, actor=ev, assignment=a, scores={CATS[0]: "1"}, now=LATER)
    svc.score(session=s, actor=ev, assignment=a, scores=sheet("20", "30", "30", "19.5"), now=LATER)
    assert svc.sheet_scores(s, a)[CATS[3]] == Decimal("19.5")


def test_a_valid_upload_replaces_a_stale_one_and_others_stay_stale(db_session: Session) -> None:
    s = db_session
    people = make_people(s)
    call = svc.open_call(
        session=s, actor=people.user(s, "staff"), template="data-productization-2025",
        deadline_day=DEADLINE, now=EARLY,
    )  # fmt: skip
    alpha = people.user(s, "alpha")
    app = svc.save_application(
        session=s, actor=alpha, call=call, form=svc.parse_form(form("alpha")), now=EARLY
    )
    lead = svc.members_of(s, app)[0]

    def upload(doc_id: str, issued: dt.date) -> None:
        svc.add_document(
            session=s, actor=alpha, app=app, member_id=lead.id, doc_id=doc_id, issued_on=issued,
            filename="x.pdf", content=b"x", settings=get_settings(),
        )  # fmt: skip

    upload("national_tax_clearance", dt.date(2026, 11, 1))  # stale
    upload("national_tax_clearance", dt.date(2026, 12, 10))  # valid: wins
    upload("local_tax_clearance", dt.date(2026, 12, 10))  # valid first ...
    upload("local_tax_clearance", dt.date(2026, 11, 1))  # ... a later stale one does not undo it
    upload("corporate_register", dt.date(2026, 1, 1))  # stale, reported as stale (not missing)
    codes = {r.code.split(":", 1)[1] for r in svc.document_check(s, app)}
    assert codes == {"missing:business_registration", "stale:corporate_register"}
