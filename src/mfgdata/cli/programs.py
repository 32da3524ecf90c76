"""``mfgdata programs``: programme administration from the command line (a thin shell)."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.catalog.errors import NotFound
from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.migrate import upgrade
from mfgdata.db.tables import ProgApplication, ProgAssignment, User, utcnow
from mfgdata.programs import service as svc
from mfgdata.programs.errors import ProgramError, ScoreSheetError
from mfgdata.programs.scoring import Ranked, rank_applicants
from mfgdata.programs.sheetfiles import read_bonus, read_scores, read_site_checks
from mfgdata.programs.templates import load_template, template_names

programs_app = typer.Typer(
    help="사업 공고·평가·선정 / Programme calls, evaluation and selection",
    no_args_is_help=True,
    add_completion=False,
)


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


def _table(title: str, results: list[Ranked]) -> Table:
    table = Table(title=title)
    for head in ("순위 / rank", "신청자 / applicant", "점수 / score", "가점 / bonus"):
        table.add_column(head, justify="right" if head != "신청자 / applicant" else "left")
    table.add_column("최종 / final", justify="right")
    table.add_column("선정 / selected")
    table.add_column("사유 / reason")
    for r in results:
        d = r.to_dict()
        table.add_row(
            "-" if r.rank is None else str(r.rank),
            r.applicant,
            str(d["score"]),
            str(d["bonus"]),
            str(d["final"]),
            "예 / yes" if r.selected else "아니오 / no",
            r.reason,
        )
    return table


@programs_app.command("templates")
def templates() -> None:
    """내장 공고 템플릿 / The built-in call templates."""
    for name in template_names():
        t = load_template(name)
        console.print(f"{name}\t{t.title_ko} / {t.title_en}", highlight=False)


@programs_app.command("rank")
@handle_errors
def rank(
    template: Annotated[str, typer.Option(help="공고 템플릿 / call template name or YAML file")],
    scores: Annotated[Path, typer.Option(help="applicant,evaluator,category,score CSV (UTF-8)")],
    bonus: Annotated[Path | None, typer.Option(help="applicant,item CSV: 가점 / bonus")] = None,
    site_check: Annotated[
        Path | None, typer.Option(help="applicant,item,result(적/부) CSV: 현장점검 / site check")
    ] = None,
    slots: Annotated[int | None, typer.Option(min=1, help="선정 인원 / places")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """평가 점수로 순위와 선정을 계산합니다 / Rank applicants by the call's rules."""
    call = load_template(template)
    try:
        results = rank_applicants(
            call,
            read_scores(scores),
            bonus=read_bonus(bonus, call) if bonus else None,
            site_checks=read_site_checks(site_check, call) if site_check else None,
            slots=slots,
        )
    except ScoreSheetError as e:
        if e.where.line is None or e.where.file is not None:
            raise
        # a line number without a file comes from a score row: name the scores file
        raise ScoreSheetError(e.ko, e.en, file=scores, line=e.where.line) from None
    if fmt is Format.JSON:
        rows = [r.to_dict() for r in results]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, sort_keys=False))
    else:
        console.print(_table(f"{call.title_ko} / {call.title_en}", results))


# -- the workflow in the database (operator commands; ``--as`` names the staff account) ------
AsUser = Annotated[str, typer.Option("--as", help="담당자 이메일 / the staff account's e-mail")]


def _user(session: Session, email: str) -> User:
    found = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if found is None or not found.active:
        raise NotFound(f"계정을 찾을 수 없습니다: {email}", f"no such account: {email}")
    return found


def _app(session: Session, app_id: int, user: User) -> ProgApplication:
    return svc.get_application(session, app_id, user)


@programs_app.command("open-call")
@handle_errors
def open_call(
    as_: AsUser,
    template: Annotated[str, typer.Option(help="내장 공고 템플릿 / built-in template")],
    deadline: Annotated[str, typer.Option(help="마감일 YYYY-MM-DD (17:00 Asia/Seoul)")],
    slots: Annotated[int | None, typer.Option(min=1, help="선정 인원 / places")] = None,
) -> None:
    """공고를 등록합니다 / Open a call from a template."""
    try:
        day = dt.date.fromisoformat(deadline)
    except ValueError:
        raise ProgramError(
            f"마감일은 YYYY-MM-DD 형식이어야 합니다: {deadline}",
            f"the deadline must be YYYY-MM-DD: {deadline}",
        ) from None
    upgrade()
    with session_scope() as session:
        call = svc.open_call(
            session=session, actor=_user(session, as_), template=template, deadline_day=day,
            now=utcnow(), slots=slots,
        )  # fmt: skip
        closing = svc.call_deadline(call)
        console.print(
            f"공고 / call {call.id}: {call.title_ko} / {call.title_en}, "
            f"마감 / closes {closing.isoformat()}",
            highlight=False,
        )


@programs_app.command("calls")
@handle_errors
def calls() -> None:
    """공고 목록 / List calls."""
    upgrade()
    with session_scope() as session:
        table = Table(title="공고 / calls")
        for col in ("id", "template", "title", "deadline (Asia/Seoul)", "status"):
            table.add_column(col)
        for c in svc.list_calls(session):
            table.add_row(
                str(c.id), c.template, c.title_ko, svc.call_deadline(c).isoformat(), c.status
            )
        console.print(table)


@programs_app.command("applications")
@handle_errors
def applications(
    as_: AsUser, call: Annotated[int | None, typer.Option(help="공고 번호 / call id")] = None
) -> None:
    """신청서 목록과 자동 검토 사유 / Applications and their review reasons."""
    upgrade()
    with session_scope() as session:
        user = _user(session, as_)
        table = Table(title="신청서 / applications")
        for col in ("id", "call", "title", "status", "submitted (UTC)", "reasons"):
            table.add_column(col)
        for a in svc.list_applications(session, user, call):
            reasons = a.eligibility.get("reasons", [])
            table.add_row(
                str(a.id), str(a.call_id), a.title, a.status,
                a.submitted_at.isoformat() if a.submitted_at else "-",
                "; ".join(f"{r['ko']} / {r['en']}" for r in reasons) or "-",
            )  # fmt: skip
        console.print(table)


@programs_app.command("review")
@handle_errors
def review(
    as_: AsUser,
    application: Annotated[int, typer.Argument(help="신청 번호 / application id")],
    eligible: Annotated[bool, typer.Option("--eligible/--ineligible", help="적격 / eligible")],
    note: Annotated[str, typer.Option(help="검토 의견 / note")] = "",
) -> None:
    """요건 검토 결과를 기록합니다 / Record the staff requirement review."""
    upgrade()
    with session_scope() as session:
        user = _user(session, as_)
        app = svc.review(
            session=session, actor=user, app=_app(session, application, user), eligible=eligible,
            note=note, now=utcnow(),
        )  # fmt: skip
        console.print(f"신청 / application {app.id}: {app.status}", highlight=False)


@programs_app.command("assign")
@handle_errors
def assign(
    as_: AsUser,
    application: Annotated[int, typer.Argument(help="신청 번호 / application id")],
    evaluator: Annotated[str, typer.Option(help="평가위원 이메일 / evaluator's e-mail")],
    round_: Annotated[int, typer.Option("--round", min=1, max=2, help="2: 재평가")] = 1,
) -> None:
    """평가위원을 배정합니다 / Put an evaluator on an application's panel."""
    upgrade()
    with session_scope() as session:
        user = _user(session, as_)
        row = svc.assign(
            session=session, actor=user, app=_app(session, application, user),
            evaluator=_user(session, evaluator), round_=round_,
        )  # fmt: skip
        console.print(f"배정 / assignment {row.id} (round {row.round})", highlight=False)


@programs_app.command("rank-call")
@handle_errors
def rank_call(
    as_: AsUser,
    call: Annotated[int, typer.Argument(help="공고 번호 / call id")],
    publish: Annotated[bool, typer.Option(help="바로 공개 / publish at once")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """제출된 평가표로 순위를 산정합니다 / Rank a call from its submitted score sheets."""
    upgrade()
    with session_scope() as session:
        user = _user(session, as_)
        ranking = svc.compute_ranking(
            session=session, actor=user, call=svc.get_call(session, call), now=utcnow()
        )
        if publish:
            svc.publish_ranking(session=session, actor=user, ranking=ranking, now=utcnow())
        rows = ranking.results["rows"]
        if fmt is Format.JSON:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        table = Table(title=f"순위 / ranking {ranking.id} (round {ranking.round})")
        for col in ("rank", "application", "company", "score", "bonus", "final", "selected"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                "-" if r["rank"] is None else str(r["rank"]), str(r["application_id"]),
                r["company"], r["score"], r["bonus"], r["final"],
                ("예 / yes" if r["selected"] else "아니오 / no") + f" ({r['reason']})",
            )  # fmt: skip
        console.print(table)


@programs_app.command("decide-appeal")
@handle_errors
def decide_appeal(
    as_: AsUser,
    appeal: Annotated[int, typer.Argument(help="이의신청 번호 / appeal id")],
    uphold: Annotated[bool, typer.Option("--uphold/--reject", help="인용 / uphold")],
    note: Annotated[str, typer.Option(help="처리 의견 / reason")],
) -> None:
    """이의신청을 처리합니다 (인용 시 재평가) / Decide an appeal (upheld: re-evaluation)."""
    upgrade()
    with session_scope() as session:
        row = svc.decide_appeal(
            session=session, actor=_user(session, as_), appeal=svc.get_appeal(session, appeal),
            uphold=uphold, note=note, now=utcnow(),
        )  # fmt: skip
        console.print(f"이의신청 / appeal {row.id}: {row.status}", highlight=False)


@programs_app.command("stage")
@handle_errors
def stage(
    as_: AsUser,
    application: Annotated[int, typer.Argument(help="신청 번호 / application id")],
    kind: Annotated[str, typer.Option(help="agreement | interim | final | settlement")],
    passed: Annotated[
        bool | None, typer.Option("--passed/--failed", help="적합/부적합 / pass or fail")
    ] = None,
    note: Annotated[str, typer.Option(help="의견 / note")] = "",
    spent_government: Annotated[
        int | None, typer.Option(min=0, help="정부지원금 집행액 (원)")
    ] = None,
    spent_cash: Annotated[int, typer.Option(min=0, help="현금 집행액 (원) / cash, KRW")] = 0,
    spent_in_kind: Annotated[int, typer.Option(min=0, help="현물 집행액 (원) / in kind, KRW")] = 0,
) -> None:
    """협약·중간점검·최종평가·정산을 기록합니다 / Record agreement, interim, final, settlement."""
    if kind not in ("agreement", "interim", "final", "settlement"):
        raise ProgramError(
            f"단계는 agreement, interim, final, settlement 중 하나입니다: {kind}",
            f"the stage is one of agreement, interim, final, settlement: {kind}",
        )
    stage_kind: Literal["agreement", "interim", "final", "settlement"] = kind  # type: ignore[assignment]
    spend = None
    if spent_government is not None:
        spend = svc.Spend(government=spent_government, cash=spent_cash, in_kind=spent_in_kind)
    upgrade()
    with session_scope() as session:
        user = _user(session, as_)
        row = svc.record_stage(
            session=session, actor=user, app=_app(session, application, user), kind=stage_kind,
            passed=passed, note=note, now=utcnow(), spend=spend,
        )  # fmt: skip
        console.print(f"{row.kind}: {json.dumps(row.detail, ensure_ascii=False)}", highlight=False)


@programs_app.command("audit")
@handle_errors
def audit_trail(
    application: Annotated[int, typer.Argument(help="신청 번호 / application id")],
) -> None:
    """신청서의 감사 기록 / The audit trail of one application (times in UTC)."""
    upgrade()
    with session_scope() as session:
        targets = [f"prog_application:{application}"] + [
            f"prog_assignment:{a}"
            for a in session.scalars(
                select(ProgAssignment.id).where(ProgAssignment.application_id == application)
            )
        ]
        rows = sorted(
            (r for t in targets for r in audit.list_audit(session=session, target=t, limit=1000)),
            key=lambda r: r.id,
        )
        for r in rows:
            detail = json.dumps(r.detail, ensure_ascii=False)
            console.print(
                f"{r.at.isoformat()}\t{r.action}\t{r.actor_id}\t{detail}", highlight=False
            )
