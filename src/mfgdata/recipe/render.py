"""The preprocess report section: a bilingual table of operations with their change counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from mfgdata.report.section import ReportSection

_HEAD = {
    "ko": ("#", "작업", "열", "영향 행", "영향 셀", "세부"),
    "en": ("#", "operation", "column", "rows affected", "cells affected", "details"),
}
_INTRO = {
    "ko": {
        "proposed": "레시피 파일이 없어 프로파일을 바탕으로 보수적인 레시피를 제안해 "
        "적용했습니다. 적용한 레시피는 recipe.yaml 에 있습니다.",
        "given": "지정한 레시피 파일 {file}을(를) 그대로 적용했습니다 (recipe.yaml).",
        "rows": "행: {rows_in} → {rows_out}.",
        "notes": "참고",
        "none": "적용한 작업이 없습니다.",
    },
    "en": {
        "proposed": "No recipe file was given: a conservative recipe was proposed from the profile "
        "and applied. The applied recipe is in recipe.yaml.",
        "given": "The recipe file {file} was applied as given (recipe.yaml).",
        "rows": "Rows: {rows_in} → {rows_out}.",
        "notes": "Notes",
        "none": "No operations were applied.",
    },
}
_SKIP = {"index", "op", "column", "rows_affected", "cells_affected"}


def _fmt(value: Any) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    if value is None:
        return "—"
    return str(value)


def _details(op: Mapping[str, Any]) -> str:
    parts = []
    for key, value in op.items():
        if key in _SKIP or value in (None, [], {}):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        parts.append(f"{key}={_fmt(value)}")
    return "; ".join(parts)


def _html(
    lang: str,
    operations: Sequence[Mapping[str, Any]],
    notes: Sequence[tuple[str, str]],
    source: str | None,
    rows: tuple[int | None, int | None],
) -> str:
    text = _INTRO[lang]
    intro = text["given"].format(file=escape(source)) if source else text["proposed"]
    out = [f"<p>{intro} {text['rows'].format(rows_in=_fmt(rows[0]), rows_out=_fmt(rows[1]))}</p>"]
    if not operations:
        out.append(f"<p>{text['none']}</p>")
    else:
        head = "".join(f"<th>{h}</th>" for h in _HEAD[lang])
        body = []
        for op in operations:
            cells = (
                op.get("index"),
                op.get("op"),
                op.get("column"),
                op.get("rows_affected"),
                op.get("cells_affected"),
                _details(op),
            )
            tds = "".join(
                f'<td class="num">{_fmt(v)}</td>'
                if isinstance(v, int)
                else f"<td>{escape(_fmt(v))}</td>"
                for v in cells
            )
            body.append(f"<tr>{tds}</tr>")
        out.append(f'<table class="operations"><thead><tr>{head}</tr></thead>'
                   f"<tbody>{''.join(body)}</tbody></table>")  # fmt: skip
    if notes:
        items = "".join(f"<li>{escape(n[0] if lang == 'ko' else n[1])}</li>" for n in notes)
        out.append(f"<p>{text['notes']}</p><ul>{items}</ul>")
    return "\n".join(out)


def section(
    operations: Sequence[Mapping[str, Any]],
    *,
    notes: Sequence[tuple[str, str]] = (),
    source: str | None = None,
    rows: tuple[int | None, int | None] = (None, None),
) -> ReportSection:
    """The ``preprocess`` section (order 30); ``source`` is the recipe file, None if proposed."""
    return ReportSection(
        key="preprocess",
        title_ko="전처리",
        title_en="Preprocess",
        html_ko=_html("ko", operations, notes, source, rows),
        html_en=_html("en", operations, notes, source, rows),
        order=30,
    )
