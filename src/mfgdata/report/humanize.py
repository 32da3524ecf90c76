"""Values as a person reads them in report.html: durations in hours and minutes, evidence as small
tables (never raw JSON), an em dash for a missing value (never ``None``).

Every function returns escaped HTML or plain text; ``lang`` is ``ko`` or ``en``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

DASH = "—"
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T)(\d{2}:\d{2}.*)$")
#: at most this many items of a list are shown (the product files keep the whole evidence)
MAX_ITEMS = 10

_UNITS = {
    "ko": {"d": "일", "h": "시간", "min": "분", "s": "초"},
    "en": {"d": "d", "h": "h", "min": "min", "s": "s"},
}
#: evidence keys as a person reads them; other keys are shown with spaces for underscores
_LABELS: dict[str, tuple[str, str]] = {
    "count": ("건수", "count"),
    "cells": ("셀", "cells"),
    "rows": ("행", "rows"),
    "row": ("행", "row"),
    "ranges": ("구간", "ranges"),
    "start": ("시작", "start"),
    "end": ("끝", "end"),
    "seconds": ("길이", "length"),
    "longest_seconds": ("최장 길이", "longest"),
    "span_seconds": ("전체 기간", "time span"),
    "interval_seconds": ("샘플링 간격", "sampling interval"),
    "age_seconds": ("경과 시간", "age"),
    "sla_seconds": ("SLA", "SLA"),
    "newest": ("최신 기록", "newest record"),
    "reference_time": ("기준 시각", "reference time"),
    "observed": ("관측", "observed"),
    "expected": ("기대", "expected"),
    "columns": ("열", "columns"),
    "column": ("열", "column"),
    "missing": ("누락", "missing"),
    "examples": ("예시", "examples"),
    "value": ("값", "value"),
    "values": ("값", "values"),
}


def fmt_duration(seconds: float | None, lang: str = "en") -> str:
    """``8100`` → ``2 h 15 min`` / ``2시간 15분``: the two largest units (seconds only below an
    hour, minutes only below a day); below a minute, seconds with up to three digits."""
    if seconds is None or seconds != seconds:
        return DASH
    u = _UNITS[lang]
    sep = "" if lang == "ko" else " "
    sign, s = ("-" if seconds < 0 else ""), abs(float(seconds))

    def part(n: int, unit: str) -> str:
        return f"{n:,}{sep}{u[unit]}"

    if s < 60:
        return sign + f"{s:.3g}{sep}{u['s']}"
    if s < 3600:
        m, rest = divmod(round(s), 60)
        parts = [part(m, "min")] + ([part(rest, "s")] if rest else [])
    elif s < 86400:
        h, m = divmod(round(s / 60), 60)
        parts = [part(h, "h")] + ([part(m, "min")] if m else [])
    else:
        d, h = divmod(round(s / 3600), 24)
        parts = [part(d, "d")] + ([part(h, "h")] if h else [])
    return sign + " ".join(parts)


def label(key: str, lang: str) -> str:
    ko, en = _LABELS.get(key, (key.replace("_", " "), key.replace("_", " ")))
    return ko if lang == "ko" else en


def fmt_value(value: Any, lang: str, key: str = "") -> str:
    """One evidence value as text: durations for ``*seconds`` keys, ``—`` for None."""
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return ("예" if value else "아니오") if lang == "ko" else ("yes" if value else "no")
    if isinstance(value, int | float) and (key == "seconds" or key.endswith("_seconds")):
        return fmt_duration(value, lang)
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int):
        return f"{value:,}" if key not in ("row", "rows") else str(value)
    return str(value)


def _cell(value: Any, lang: str, key: str) -> str:
    if isinstance(value, Mapping) and value:
        return evidence_table(value, lang)
    if isinstance(value, list | tuple):
        return _list(value, lang, key)
    if isinstance(value, str) and (m := _STAMP.match(value)):
        return f"{escape(m[1])}<wbr>{escape(m[2])}"  # a narrow column breaks after the date
    return escape(fmt_value(value, lang, key))


def _list(items: Sequence[Any], lang: str, key: str) -> str:
    if not items:
        return DASH
    more = len(items) - MAX_ITEMS
    shown = list(items[:MAX_ITEMS])
    tail = f" … (+{more:,})" if more > 0 else ""
    if all(isinstance(i, Mapping) for i in shown):
        keys = list(dict.fromkeys(k for i in shown for k in i))
        head = "".join(f"<th>{escape(label(k, lang))}</th>" for k in keys)
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(i.get(k), lang, k)}</td>" for k in keys) + "</tr>"
            for i in shown
        )
        return (
            f'<table class="evidence"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>'
            f"</table>{escape(tail)}"
        )
    return escape(", ".join(fmt_value(i, lang, key) for i in shown) + tail)


def evidence_table(evidence: Mapping[str, Any], lang: str) -> str:
    """A measure's or finding's evidence as a two-column table (nested lists of records as
    tables of their own)."""
    if not evidence:
        return DASH
    rows = "".join(
        f"<tr><th>{escape(label(str(k), lang))}</th><td>{_cell(v, lang, str(k))}</td></tr>"
        for k, v in evidence.items()
    )
    return f'<table class="evidence"><tbody>{rows}</tbody></table>'
