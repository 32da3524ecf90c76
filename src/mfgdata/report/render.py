"""report.html: one self-contained, offline page that a person reads first.

Vega, Vega-Lite and vega-embed (vendored in ``static/``) and the CSS are inlined; a
Content-Security-Policy forbids every network request. Chart specs are embedded as JSON with
``<``, ``>`` and ``&`` escaped, so no value can close the ``<script>`` element.
``render_report`` is pure (same arguments, same text), so the web app can reuse it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.humanize import DASH
from mfgdata.report.section import ReportSection

#: Sections ordered before this come before the findings table; the rest after it.
FINDINGS_ORDER = 900
SEVERITIES = ("error", "warning", "info")
VENDORED = ("vega/vega.min.js", "vega-lite/vega-lite.min.js", "vega-embed/vega-embed.min.js")


@dataclass(frozen=True)
class ReportInput:
    """One raw input file as the header shows it."""

    name: str
    bytes: int | None = None
    encoding: str | None = None
    rows: int | None = None
    sha256: str | None = None


def fmt_num(value: Any, digits: int | None = None) -> str:
    """Thousands separators; floats with ``digits`` decimals or four significant digits."""
    if value is None:
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if digits is not None:
        return f"{value:,.{digits}f}"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def fmt_bytes(value: int | None) -> str:
    if value is None:
        return DASH
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} TB"  # pragma: no cover


def script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _safe_script(code: str) -> str:
    code = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", code)
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


@lru_cache(maxsize=1)
def vendored_scripts() -> tuple[str, ...]:
    """The vendored chart libraries, ready to inline."""
    static = resources.files("mfgdata.report") / "static"
    return tuple(_safe_script((static / rel).read_text(encoding="utf-8")) for rel in VENDORED)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mfgdata.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = fmt_num
    env.filters["filesize"] = fmt_bytes
    env.filters["script_json"] = script_json
    return env


def sections_from_results(results: Iterable[StepResult]) -> list[ReportSection]:
    """Every step's report section, sorted by ``order`` (then key, for a stable page)."""
    found = [r.report for r in results if r.report is not None]
    return sorted(found, key=lambda s: (s.order, s.key))


def findings_from_results(results: Iterable[StepResult]) -> list[Finding]:
    """All findings, most severe first, then by step order and code."""
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    out = [f for r in results for f in r.findings]
    return sorted(out, key=lambda f: (rank.get(f.severity, 9), -f.count, f.code, f.column or ""))


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def render_report(
    *,
    title: str,
    product_id: str,
    rows: int,
    columns: int,
    inputs: Sequence[ReportInput],
    sections: Sequence[ReportSection],
    findings: Sequence[Finding] = (),
    notes: Mapping[str, str] | None = None,
) -> str:
    """The whole report.html as text. ``notes`` (optional ``ko``/``en``) go under the title."""
    ordered = sorted(sections, key=lambda s: (s.order, s.key))
    charts = {f"{s.key}/{cid}": spec for s in ordered for cid, spec in sorted(s.charts.items())}
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title,
        product_id=product_id,
        rows=rows,
        columns=columns,
        inputs=list(inputs),
        before=[s for s in ordered if s.order < FINDINGS_ORDER],
        after=[s for s in ordered if s.order >= FINDINGS_ORDER],
        findings=list(findings),
        severity=severity_counts(findings),
        charts=charts,
        notes=dict(notes or {}),
        scripts=vendored_scripts(),
    )
