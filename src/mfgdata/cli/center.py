"""``mfgdata center``: the regional AI center from the command line (a thin shell).

``center kpi``: ISO 22400-2 KPIs from the elements (``--before pbt=480,apt=420,...``, optional
``--after``); ``center companies import|list``; ``center surveys create|open|close|link|
analyse|export``. The database is the configured one (``mfgdata db upgrade`` first).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.center import surveystore
from mfgdata.center.codes import format_business_number
from mfgdata.center.companies import get_company_by_number, list_companies
from mfgdata.center.companyimport import import_companies
from mfgdata.center.dashboard import build_dashboard, dashboard_xlsx
from mfgdata.center.errors import KpiInputError
from mfgdata.center.events import year_requirement
from mfgdata.center.kpi22400 import KpiInputs, compare, compute_kpis
from mfgdata.center.surveyanalysis import analyse, export_csv, export_xlsx
from mfgdata.center.surveytemplates import TEMPLATES, template
from mfgdata.cli.console import console, handle_errors
from mfgdata.db.engine import session_scope
from mfgdata.db.tables import CenterCompany

center_app = typer.Typer(
    help="지역특화 제조AI센터 / Regional Manufacturing AI Center",
    no_args_is_help=True,
    add_completion=False,
)
companies_app = typer.Typer(help="기업 / Companies", no_args_is_help=True, add_completion=False)
surveys_app = typer.Typer(help="설문 / Surveys", no_args_is_help=True, add_completion=False)
center_app.add_typer(companies_app, name="companies")
center_app.add_typer(surveys_app, name="surveys")


class Format(StrEnum):
    JSON = "json"
    TABLE = "table"


def _pairs(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise KpiInputError(
                f"'요소=값' 형식이 아닙니다: {part}", f"not 'element=value': {part}"
            )
        out[key.strip()] = value.strip()
    return out


@center_app.command("kpi")
@handle_errors
def kpi(
    before: Annotated[str, typer.Option(help="pbt=480,apt=420,pri=0.75,pq=500,gq=475 (min, pcs)")],
    after: Annotated[str | None, typer.Option(help="지원 후 / after support, same form")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="json | table")] = Format.TABLE,
) -> None:
    """ISO 22400-2 KPI (가동률, 성능, 품질, OEE ...) / KPIs from the standard's elements."""
    b = KpiInputs.from_mapping(_pairs(before))
    kpis = compute_kpis(b)
    changes = compare(b, KpiInputs.from_mapping(_pairs(after))) if after else []
    if fmt == Format.JSON:
        doc: dict[str, object] = {"before": [k.to_dict() for k in kpis]}
        if changes:
            doc["change"] = [c.to_dict() for c in changes]
        console.print_json(json.dumps(doc, ensure_ascii=False))
        return
    table = Table(title="ISO 22400-2 KPI")
    for head in ("#", "KPI", "공식 / formula", "계산 / worked", "값 / value"):
        table.add_column(head)
    for k in kpis:
        table.add_row(str(k.number), f"{k.name_ko} / {k.name_en}", k.formula, k.worked, k.display())
    console.print(table)
    if changes:
        diff = Table(title="지원 전후 / before → after")
        for head in ("KPI", "전 / before", "후 / after", "차이 / change"):
            diff.add_column(head)
        for c in changes:
            shown = [
                "-" if v is None else (f"{v * 100:.1f} %" if c.unit == "%" else f"{v:.3f} {c.unit}")
                for v in (c.before, c.after)
            ]
            diff.add_row(f"{c.name_ko} / {c.name_en}", *shown, c.delta_display())
        console.print(diff)


@companies_app.command("import")
@handle_errors
def companies_import(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8/CP949) 또는 XLSX / CSV or XLSX")],
    write: Annotated[bool, typer.Option("--write", help="저장 / write (default: dry run)")] = False,
) -> None:
    """기업 일괄 등록 (기본: 모의 실행) / Import companies (dry run unless --write)."""
    with session_scope() as session:
        report = import_companies(session=session, path=file, dry_run=not write)
    for e in report.errors:
        console.print(
            f"line {e.line}"
            + (f", column '{e.column}'" if e.column else "")
            + f": {e.ko} / {e.en}",
            highlight=False,
        )
    ko, en = report.summary()
    console.print(f"{ko} / {en}", highlight=False)
    if report.errors:
        raise typer.Exit(2)


@companies_app.command("list")
@handle_errors
def companies_list(
    region: Annotated[str | None, typer.Option(help="daegu, ulsan, ...")] = None,
) -> None:
    """등록된 기업 / Registered companies."""
    with session_scope() as session:
        rows = list_companies(session=session, region=region)
        table = Table(title="기업 / Companies")
        for head in (
            "#",
            "사업자등록번호",
            "회사명 / name",
            "KSIC",
            "지역 / region",
            "수준 / level",
        ):
            table.add_column(head)
        for c in rows:
            table.add_row(
                str(c.id),
                format_business_number(c.business_number),
                c.name,
                c.ksic_code,
                c.region,
                f"L{c.maturity}" if c.maturity else "-",
            )
    console.print(table)


@surveys_app.command("create")
@handle_errors
def surveys_create(
    kind: Annotated[str, typer.Option("--template", help="demand | maturity")] = "demand",
    title: Annotated[str | None, typer.Option(help="제목 / title")] = None,
    definition: Annotated[Path | None, typer.Option(help="질문 JSON / questions JSON")] = None,
) -> None:
    """설문 만들기 / Create a survey from a template or a JSON definition."""
    if definition is not None:
        doc = json.loads(definition.read_text(encoding="utf-8"))
        kind_used = "custom"
    else:
        if kind not in TEMPLATES:
            raise typer.BadParameter(f"demand | maturity: {kind}")
        doc, kind_used = template(kind), kind
    with session_scope() as session:
        survey = surveystore.create_survey(
            session=session,
            title_ko=title or doc.get("title_ko", "설문"),
            title_en=title or doc.get("title_en", "survey"),
            definition=doc,
            kind=kind_used,
        )
        console.print(f"survey {survey.id}: {survey.title_ko}", highlight=False)


def _status(survey_id: int, status: str) -> None:
    with session_scope() as session:
        survey = surveystore.get_survey(session=session, survey_id=survey_id)
        surveystore.set_status(session=session, survey=survey, status=status)
    console.print(f"survey {survey_id}: {status}")


@surveys_app.command("open")
@handle_errors
def surveys_open(survey_id: int) -> None:
    """응답 받기 시작 / Open a survey for answers."""
    _status(survey_id, "open")


@surveys_app.command("close")
@handle_errors
def surveys_close(survey_id: int) -> None:
    """마감 / Close a survey."""
    _status(survey_id, "closed")


@surveys_app.command("link")
@handle_errors
def surveys_link(
    survey_id: int,
    company: Annotated[str | None, typer.Option(help="사업자등록번호 / business number")] = None,
    phase: Annotated[str, typer.Option(help="none | before | after")] = "none",
    base_url: Annotated[str, typer.Option(help="사이트 주소 / site URL")] = "",
) -> None:
    """응답 링크 발급 (한 번만 표시) / Issue an answer link (shown once)."""
    with session_scope() as session:
        survey = surveystore.get_survey(session=session, survey_id=survey_id)
        found = None
        if company:
            found = get_company_by_number(session=session, business_number=company)
            if found is None:
                raise typer.BadParameter(f"no such company: {company}")
        _row, token = surveystore.issue_link(
            session=session, survey=survey, company=found, phase=phase
        )
    console.print(f"{base_url.rstrip('/')}/s/{token}", highlight=False, soft_wrap=True)


@surveys_app.command("analyse")
@handle_errors
def surveys_analyse(survey_id: int) -> None:
    """분석 (JSON) / Analysis as JSON."""
    with session_scope() as session:
        result = analyse(session=session, survey_id=survey_id).to_dict()
    console.print_json(json.dumps(result, ensure_ascii=False, default=str))


@surveys_app.command("export")
@handle_errors
def surveys_export(
    survey_id: int, out: Annotated[Path, typer.Option(help="file.csv 또는 file.xlsx")]
) -> None:
    """응답 내보내기 / Export the responses (CSV UTF-8 with BOM, or XLSX)."""
    with session_scope() as session:
        if out.suffix.lower() == ".xlsx":
            export_xlsx(session=session, survey_id=survey_id, path=out)
        else:
            out.write_bytes(export_csv(session=session, survey_id=survey_id))
    console.print(f"{out}", highlight=False)


@surveys_app.command("remind")
@handle_errors
def surveys_remind(survey_id: int) -> None:
    """미응답 링크와 연락처 (알림 시각 기록) / Links not yet submitted, with contacts to remind."""
    with session_scope() as session:
        pending = surveystore.pending_reminders(session=session, survey_id=survey_id)
        for r in pending:
            company = session.get(CenterCompany, r.company_id) if r.company_id else None
            emails = ", ".join(c.email for c in company.contacts if c.email) if company else ""
            name = company.name if company else "-"
            console.print(f"response {r.id}\t{name}\t{emails or '-'}", highlight=False)
        console.print(f"{len(pending)}건 미응답 / {len(pending)} not submitted", highlight=False)


events_app = typer.Typer(help="행사 / Events", no_args_is_help=True, add_completion=False)
center_app.add_typer(events_app, name="events")


@events_app.command("requirement")
@handle_errors
def events_requirement(
    year: Annotated[int, typer.Option(min=2000, max=2100, help="연도 / year")],
    region: Annotated[str | None, typer.Option(help="daegu, ulsan, ...")] = None,
) -> None:
    """연 4회 이상 교육·세미나·성과공유 요건 / The at-least-4-events-a-year rule."""
    with session_scope() as session:
        req = year_requirement(session=session, year=year, region=region)
    state = (
        "충족 / met"
        if req.met
        else ("예정 포함 가능 / on track" if req.on_track else "미충족 / not met")
    )
    console.print(
        f"{year}: 개최 / held {len(req.held)}, 예정 / scheduled {len(req.scheduled)}, "
        f"필요 / required {req.required} — {state}",
        highlight=False,
    )


@center_app.command("dashboard")
@handle_errors
def dashboard(
    year: Annotated[int, typer.Option(min=2000, max=2100, help="연도 / year")],
    region: Annotated[str | None, typer.Option(help="daegu, ulsan, ... (기본: 전체 / all)")] = None,
    out: Annotated[Path | None, typer.Option(help="XLSX 파일 / write an XLSX file")] = None,
) -> None:
    """성과 지표 (연도·지역) / KPI dashboard by year and region."""
    with session_scope() as session:
        board = build_dashboard(session=session, year=year, region=region)
    table = Table(title=f"{year} {region or '전체 / all'}")
    for head in ("항목 / item", "값 / value", "단위 / unit", "근거 / records"):
        table.add_column(head)
    for f in board.figures:
        table.add_row(
            f"{f.ko} / {f.en}",
            "-" if f.value is None else str(f.value),
            f.unit,
            str(len(f.records)),
        )
    console.print(table)
    if out is not None:
        dashboard_xlsx(board, out)
        console.print(str(out), highlight=False)
