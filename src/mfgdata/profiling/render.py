"""HTML fragments (Korean and English) of the profile section; every value is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import escape

from mfgdata.report.humanize import DASH, fmt_duration

_HEAD = {
    "ko": ("열", "단위", "종류", "결측 %", "최솟값", "평균", "최댓값", "고유값 수"),
    "en": ("column", "unit", "kind", "nulls %", "min", "mean", "max", "distinct"),
}
_TEXT = {
    "ko": {
        "rows": "행 {rows:,}개, 열 {cols}개.",
        "time": "시간 열 {column}: {start} ~ {end}, 샘플링 간격 {interval} 초, "
        "공백 {gaps}건(총 {gap_time}), 중복 시각 {dups}건, 역순 {back}건.",
        "entities": "개체 {count}개 (공백이 있는 개체 {with_gaps}개).",
        "hist": "분포",
        "series": "시계열 (빨간 띠: 공백)",
    },
    "en": {
        "rows": "{rows:,} rows, {cols} columns.",
        "time": "Time column {column}: {start} to {end}, sampling interval {interval} s, "
        "{gaps} gaps ({gap_time} in total), {dups} duplicated timestamps, "
        "{back} backward steps.",
        "entities": "{count} entities ({with_gaps} with gaps).",
        "hist": "Distributions",
        "series": "Time series (red bands: gaps)",
    },
}


def _fmt(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _table(lang: str, columns: Mapping[str, Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in _HEAD[lang])
    rows = []
    for name, c in columns.items():
        ratio = c.get("null_ratio")
        cells = (
            name,
            c.get("unit") or DASH,
            c.get("kind"),
            DASH if ratio is None else f"{100 * ratio:.2f}",
            _fmt(c.get("min")),
            _fmt(c.get("mean")),
            _fmt(c.get("max")),
            _fmt(c.get("distinct")),
        )
        rows.append("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in cells) + "</tr>")
    body = "".join(rows)
    return (
        f'<table class="profile-columns"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _charts(ids: Sequence[str]) -> str:
    return "".join(f'<div class="chart" data-chart="{escape(i)}"></div>' for i in ids)


def render(
    lang: str,
    profile: Mapping[str, Any],
    hist_ids: Sequence[str],
    series_ids: Sequence[str],
) -> str:
    """The section body in ``lang`` (``ko`` or ``en``)."""
    text = _TEXT[lang]
    columns = profile["columns"]
    parts = [f"<p>{escape(text['rows'].format(rows=profile['rows'], cols=len(columns)))}</p>"]
    time = profile.get("time")
    if time:
        line = text["time"].format(
            column=time["column"],
            start=time["start"],
            end=time["end"],
            interval=_fmt(time["interval_seconds"]),
            gaps=time["gaps"]["count"],
            gap_time=fmt_duration(time["gaps"]["total_seconds"], lang),
            dups=time["duplicates"]["count"],
            back=time["backward_steps"]["count"],
        )
        parts.append(f"<p>{escape(line)}</p>")
    entities = profile.get("entities")
    if entities:
        parts.append(f"<p>{escape(text['entities'].format(**entities))}</p>")
    parts.append(_table(lang, columns))
    if series_ids:
        parts.append(f"<h3>{escape(text['series'])}</h3>{_charts(series_ids)}")
    if hist_ids:
        parts.append(f"<h3>{escape(text['hist'])}</h3>{_charts(hist_ids)}")
    return "".join(parts)
