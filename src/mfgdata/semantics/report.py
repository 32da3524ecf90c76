"""The semantics section of report.html: the mapping table, low-confidence rows highlighted."""

from __future__ import annotations

from html import escape
from typing import Any

from mfgdata.report.section import ReportSection

_HEAD = {
    "ko": ("열", "속성", "ID", "표준", "원래 단위", "표준 단위", "신뢰도", "승인"),
    "en": (
        "column",
        "property",
        "id",
        "standard",
        "original unit",
        "canonical unit",
        "confidence",
        "accepted by",
    ),
}
_TEXT = {
    "ko": (
        "{n}개 열 중 {m}개를 사전 속성에 매핑했습니다 ({s}개 표준 ID). 노란 행은 확인이 "
        "필요합니다. 매핑 출처: {src}.",
        "예",
        "아니오 (로컬)",
        "—",
    ),
    "en": (
        "{m} of {n} columns are mapped to dictionary properties ({s} with a standard id). "
        "Yellow rows need review. Mapping source: {src}.",
        "yes",
        "no (local)",
        "—",
    ),
}


def _cell(v: Any) -> str:
    return f"<td>{escape(str(v))}</td>"


def _unit(c: dict[str, Any], lang: str) -> str:
    """The stored unit, with its reference conditions for a normal/standard volume, and marked
    when the header gave no unit (the property's unit is then assumed)."""
    if not c["unit"]:
        return "—"
    ref = c.get("unit_reference")
    text = f"{c['unit']} ({ref})" if ref else str(c["unit"])
    if c.get("unit_assumed"):
        text += (
            " (추정: 머리글에 단위 없음)" if lang == "ko" else " (assumed: no unit in the header)"
        )
    return text


def _table(columns: list[dict[str, Any]], source: str, lang: str) -> str:
    intro, yes, no, dash = _TEXT[lang]
    mapped = [c for c in columns if c["property"]]
    head = "".join(f"<th>{escape(h)}</th>" for h in _HEAD[lang])
    rows = []
    for c in columns:
        name = c["name_ko"] if lang == "ko" else c["name_en"]
        std = dash if c["standard"] is None else yes if c["standard"] else no
        conf = dash if c["confidence"] is None else f"{c['confidence']:.2f}"
        low = c["review"] or (c["property"] is None and c["confidence"] is not None)
        style = ' class="review" style="background:#fff3bf"' if low else ""
        cells = (
            c["name"],
            name or dash,
            c["property"] or dash,
            std,
            c["unit_original"] or dash,
            _unit(c, lang) if c["property"] else dash,
            conf,
            c["accepted_by"] or dash,
        )
        rows.append(f"<tr{style}>" + "".join(_cell(v) for v in cells) + "</tr>")
    text = intro.format(
        n=len(columns), m=len(mapped), s=sum(bool(c["standard"]) for c in mapped), src=source
    )
    return (
        f'<p>{escape(text)}</p><table class="semantics"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def semantics_section(columns: list[dict[str, Any]], source: str) -> ReportSection:
    return ReportSection(
        key="semantics",
        title_ko="속성 표준화 (IEC CDD / ECLASS)",
        title_en="Semantic standardization (IEC CDD / ECLASS)",
        html_ko=_table(columns, source, "ko"),
        html_en=_table(columns, source, "en"),
        order=40,
    )
