"""Profile step: per-column statistics, the time axis, entities; profile.json and a report section.

Lazy passes over the ingested table: one read and one sort per numeric column (Parquet reads just
that column; memory is one column, not the table), one ``select`` over the other columns, one small
group-by per non-numeric column (top values), one read of the time/entity columns, and one bucketed
group-by for the time-series charts. On Spark (issue 19) the same statistics' expressions run as
two aggregate passes over the table instead of the per-column reads (profiling/backend.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from mfgdata.engine import SparkFrame
from mfgdata.errors import ConfigError, InputError
from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import IngestResult, ProfileResult
from mfgdata.pipeline.step import StepResult
from mfgdata.profiling.backend import count_rows
from mfgdata.profiling.charts import (
    MAX_HISTOGRAMS,
    MAX_SERIES,
    SeriesFeed,
    downsample,
    histogram_spec,
    magnitude,
    timeseries_spec,
)
from mfgdata.profiling.columns import column_metas, column_stats
from mfgdata.profiling.findings import column_findings, time_findings
from mfgdata.profiling.render import render
from mfgdata.profiling.timerules import TimeProfile
from mfgdata.profiling.timeseries import time_profile
from mfgdata.report.section import ReportSection

PROFILE_FILE = "profile.json"


def _check_column(schema: pl.Schema, name: str | None, option: str) -> None:
    if name is not None and name not in schema:
        raise ConfigError(
            f"{option} 옵션의 열 '{name}'이 표에 없습니다",
            f"the {option} column '{name}' is not in the table",
            column=name,
        )


def _charts(
    frame: Any,
    profile: Mapping[str, Any],
    tp: TimeProfile | None,
    skip: set[str],
    feed: SeriesFeed | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str], list[str]]:
    """Chart specs by id, histogram ids and time-series ids."""
    charts: dict[str, dict[str, Any]] = {}
    hist_ids, series_ids = [], []
    numeric = [
        (i, name, c)
        for i, (name, c) in enumerate(profile["columns"].items())
        if "histogram" in c and c["count"] and name not in skip
    ]
    for i, name, c in numeric[:MAX_HISTOGRAMS]:
        cid = f"profile-hist-{i}"
        charts[cid] = histogram_spec(name, c["unit"], c["histogram"])
        hist_ids.append(cid)
    if tp is not None and tp.clock and tp.start_us is not None and tp.end_us is not None:
        chosen = numeric[:MAX_SERIES]
        fed = feed.points([name for _, name, _ in chosen]) if feed is not None else None
        points = fed or downsample(
            frame,
            tp.data["column"],
            [name for _, name, _ in chosen],
            tp.start_us,
            tp.end_us,
            tp.clock,
            time_sorted=tp.sorted,
            magnitudes={name: magnitude(c) for _, name, c in chosen},
        )
        for i, name, c in chosen:
            cid = f"profile-ts-{i}"
            charts[cid] = timeseries_spec(name, c["unit"], points[name], tp.data["gaps"]["items"])
            series_ids.append(cid)
    return charts, hist_ids, series_ids


def _feed(frame: Any, tp: TimeProfile | None, skip: set[str]) -> SeriesFeed | None:
    """The time-series charts fed by the column statistics' reads (Polars, a time axis)."""
    if not isinstance(frame, pl.LazyFrame) or tp is None or not tp.clock:
        return None
    if tp.start_us is None or tp.end_us is None:
        return None
    return SeriesFeed(
        frame,
        tp.data["column"],
        tp.start_us,
        tp.end_us,
        tp.clock,
        time_sorted=tp.sorted,
        skip=skip,
    )


class ProfileStep:
    """Describes the ingested table; never changes it (``frame`` of the result is ``None``).

    Runs on both engines (issue 19): ``frame`` is a Polars lazy frame or a SparkFrame, and every
    statistic is one narwhals expression evaluated by the engine (profiling/backend.py)."""

    name = "profile"
    title_ko = "프로파일"
    title_en = "Profile"
    engines = ("polars", "spark")

    def run(self, frame: pl.LazyFrame | SparkFrame | None, ctx: RunContext) -> StepResult:
        if frame is None:
            raise InputError("프로파일할 표가 없습니다", "there is no table to profile")
        ingest = ctx.maybe(IngestResult)
        meta: Mapping[str, Any] = ingest or {}
        schema = frame.collect_schema()
        time_column = ctx.column("time_column")
        id_column = ctx.column("id_column")
        _check_column(schema, time_column, "time_column")
        _check_column(schema, id_column, "id_column")
        _check_column(schema, ctx.column("target"), "target")
        if time_column is not None and not schema[time_column].is_temporal():
            time_column = None
        rows_hint = meta.get("rows")
        if not isinstance(rows_hint, int):
            rows_hint = count_rows(frame)

        ctx.progress(self.name, 0.05, "time axis")
        tp = time_profile(frame, time_column, id_column, ctx.timezone) if time_column else None
        skip = {c for c in (time_column, id_column) if c}
        feed = _feed(frame, tp, skip)
        ctx.progress(self.name, 0.2, "column statistics")
        metas = column_metas(schema, meta.get("columns", []))
        rows, columns = column_stats(
            frame,
            metas,
            rows_hint=rows_hint,
            tz=ctx.timezone,
            on_values=feed.take if feed else None,
        )
        profile: dict[str, Any] = {
            "rows": rows,
            "columns": columns,
            "time": tp.data if tp else None,
            "entities": tp.entities if tp else None,
            "target": ctx.column("target"),
        }
        ctx.progress(self.name, 0.8, "charts")
        charts, hist_ids, series_ids = _charts(frame, profile, tp, skip, feed)
        ctx.product.write_json(PROFILE_FILE, profile)
        findings = column_findings(columns) + (time_findings(tp) if tp else [])
        section = ReportSection(
            key="profile",
            title_ko=self.title_ko,
            title_en=self.title_en,
            html_ko=render("ko", profile, hist_ids, series_ids),
            html_en=render("en", profile, hist_ids, series_ids),
            charts=charts,
            order=20,
        )
        counts: dict[str, int | float] = {"rows": rows, "columns": len(columns)}
        if tp:
            counts["time_gaps"] = tp.data["gaps"]["count"]
        return StepResult(
            step=self.name,
            data=ProfileResult(**profile),
            findings=tuple(findings),
            counts=counts,
            files=(PROFILE_FILE,),
            report=section,
        )
