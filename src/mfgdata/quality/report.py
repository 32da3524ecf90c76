"""The quality section of report.html (Korean and English fragments, values escaped)."""

from __future__ import annotations

from html import escape

from mfgdata.quality.charts import charts
from mfgdata.quality.evaluate import QualityReport
from mfgdata.quality.measures import CHARACTERISTIC_KO
from mfgdata.report.humanize import evidence_table, fmt_value
from mfgdata.report.section import ReportSection


def _reasons(q: QualityReport, ko: bool) -> str:
    """Why the score and grade are what they are: one item per cost or cap (rule in the title)."""
    if not q.reasons:
        none = "감점·상한 사유 없음" if ko else "nothing lowered the score or capped the grade"
        return f'<p class="grade-reasons">{none} (base {q.base:.4f})</p>'
    items = []
    for r in q.reasons:
        extra = []
        if r.cost:
            extra.append(f"−{r.cost:.4f}")
        if r.cap:
            extra.append(("상한 " if ko else "cap ") + escape(r.cap))
        tail = f" <small>({', '.join(extra)})</small>" if extra else ""
        items.append(f"<li>{escape(r.ko if ko else r.en)}{tail}</li>")
    head = (
        f"등급 사유 (기본 점수 {q.base:.4f}에서)"
        if ko
        else f"Why this grade (from a base of {q.base:.4f})"
    )
    rule = escape(q.scheme.get("rule_ko" if ko else "rule", ""))
    return (
        f'<p class="grade-reasons" title="{rule}">{head}</p>'
        f'<ul class="grade-reasons">{"".join(items)}</ul>'
    )


def _html(q: QualityReport, ko: bool, chart_ids: list[str]) -> str:
    head = (
        ("측정 항목", "특성", "값", "기준", "판정", "근거")
        if ko
        else ("Measure", "Characteristic", "Value", "Threshold", "Result", "Evidence")
    )
    rows = []
    for m in q.measures:
        lang = "ko" if ko else "en"
        ev = (
            evidence_table(m.evidence, lang)
            if not m.passed
            else escape(fmt_value(m.evidence.get("count"), lang, "count"))
        )
        ok = ("통과" if ko else "pass") if m.passed else ("미달" if ko else "fail")
        rows.append(
            "<tr>"
            f"<td>{escape(m.name_ko if ko else m.name_en)}"
            f"{' (' + escape(m.column) + ')' if m.column else ''}</td>"
            f"<td>{escape(CHARACTERISTIC_KO[m.characteristic] if ko else m.characteristic)}</td>"
            f"<td>{m.value:.4f}</td><td>{m.threshold:g}</td>"
            f'<td class="{"pass" if m.passed else "fail " + m.severity}">{ok}</td>'
            f"<td>{ev}</td>"
            "</tr>"
        )
    req = escape(q.scheme["registration_grade"])
    verdict = (
        f"<p>점수 <strong>{q.score:.4f}</strong>, 등급 <strong>{escape(q.grade)}</strong>"
        f" ({'등록 가능' if q.registrable else '등록 불가'}, 기준 등급 {req})</p>"
        if ko
        else f"<p>Score <strong>{q.score:.4f}</strong>, grade <strong>{escape(q.grade)}</strong>"
        f" ({'registrable' if q.registrable else 'not registrable'}, required grade "
        f"{escape(q.scheme['registration_grade'])})</p>"
    )
    reasons = _reasons(q, ko)
    table = (
        '<table class="quality"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    divs = "".join(f'<div class="chart" data-chart="{cid}"></div>' for cid in chart_ids)
    return verdict + reasons + table + divs


def section(q: QualityReport) -> ReportSection:
    ch = charts(q.stats)
    ids = sorted(ch)
    return ReportSection(
        key="quality",
        title_ko="품질 검증",
        title_en="Quality verification",
        html_ko=_html(q, True, ids),
        html_en=_html(q, False, ids),
        charts=ch,
        order=60,
    )
