"""``mfgdata programs``: programme administration from the command line (a thin shell)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mfgdata.cli.console import console, handle_errors
from mfgdata.programs.errors import ScoreSheetError
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
