"""A report section: what one step shows a person in report.html."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReportSection:
    """``html_ko``/``html_en`` are trusted HTML fragments the step rendered (values escaped).

    ``charts`` maps a chart id to a Vega-Lite spec (a dict, data inline); a fragment places a chart
    with ``<div class="chart" data-chart="ID"></div>``. ``order`` sorts sections in the report.
    """

    key: str
    title_ko: str
    title_en: str
    html_ko: str
    html_en: str
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: int = 100
