"""The operator commands over the workflow database (embedded SQLite under MFGDATA_HOME)."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import ProgApplication
from mfgdata.programs import service as svc
from mfgdata.settings import get_settings
from programs.flow import CATS, DOCS, form, make_people

runner = CliRunner()
SEOUL = dt.timezone(dt.timedelta(hours=9))


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["programs", *args], env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_operator_commands_run_the_flow() -> None:
    upgrade()
    with session_scope() as s:
        people = make_people(s)
    deadline = (dt.datetime.now(SEOUL) + dt.timedelta(days=10)).date()
    code, out = cli("open-call", "--as", "staff@prog.kr", "--template",
                    "regional-ai-center-2025", "--deadline", deadline.isoformat())  # fmt: skip
    assert code == 0, out
    assert "17:00:00+09:00" in out
    code, out = cli("open-call", "--as", "alpha@prog.kr", "--template",
                    "regional-ai-center-2025", "--deadline", deadline.isoformat())  # fmt: skip
    assert code == 2 and "staff" in out
    code, out = cli("open-call", "--as", "staff@prog.kr", "--template", "x", "--deadline", "12/20")
    assert code == 2 and "YYYY-MM-DD" in out
    now = dt.datetime.now(dt.UTC)
    with session_scope() as s:
        call = svc.list_calls(s)[0]
        f = form("alpha")
        f["budget"] = {"track": "center", "government": 2_000_000_000, "cash": 1_700_000_000,
                       "in_kind": 300_000_000, "applying_alone": False}  # fmt: skip
        alpha = people.user(s, "alpha")
        app_row = svc.save_application(
            session=s, actor=alpha, call=call, form=svc.parse_form(f), now=now
        )
        lead = svc.members_of(s, app_row)[0]
        for doc_id in DOCS:
            svc.add_document(
                session=s, actor=alpha, app=app_row, member_id=lead.id, doc_id=doc_id,
                issued_on=deadline - dt.timedelta(days=5), filename="d.pdf", content=b"d",
                settings=get_settings(),
            )  # fmt: skip
        svc.submit(session=s, actor=alpha, app=app_row, now=now)
        app_id = app_row.id
    code, out = cli("applications", "--as", "staff@prog.kr")
    assert code == 0 and "submitted" in out
    code, out = cli("review", "--as", "staff@prog.kr", str(app_id), "--eligible")
    assert code == 0 and "eligible" in out
    for ev in ("ev1", "ev2", "ev3"):
        code, out = cli(
            "assign", "--as", "staff@prog.kr", str(app_id), "--evaluator", f"{ev}@prog.kr"
        )
        assert code == 0, out
    # trimmed mean of 3: drop 95 and 60 → 80.00
    totals = {"ev1": ("30", "30", "20", "15"), "ev2": ("20", "20", "10", "10"),
              "ev3": ("30", "25", "15", "10")}  # fmt: skip
    with session_scope() as s:
        for ev, values in totals.items():
            user = people.user(s, ev)
            a = svc.my_assignments(s, user)[0]
            svc.declare(session=s, actor=user, assignment=a, conflict=False, note="", now=now)
            cats = [c.name for c in svc.template_of(call).categories]
            svc.score(
                session=s,
                actor=user,
                assignment=a,
                scores=dict(zip(cats, values, strict=True)),
                now=now,
            )
    code, out = cli("rank-call", "--as", "staff@prog.kr", str(call.id), "--publish",
                    "--format", "json")  # fmt: skip
    assert code == 0, out
    rows = json.loads(out)
    assert (rows[0]["score"], rows[0]["selected"]) == ("80.00", True)
    code, out = cli("audit", str(app_id))
    assert code == 0
    for action in ("program.application.submit", "program.application.review",
                   "program.panel.assign", "program.score.submit"):  # fmt: skip
        assert action in out
    with session_scope() as s:
        got = s.get(ProgApplication, app_id)
        assert got is not None and got.status == "eligible"
    assert CATS[0] not in out  # the regional call's categories, not the productization ones
