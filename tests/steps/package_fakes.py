"""Hand-made results of the steps before package, following the contracts between steps."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult, PreprocessResult, ProfileResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.report.section import ReportSection
from mfgdata.settings import Settings

RAW = "시간,온도(℃),압력(bar),라인,정상\n".encode("cp949") + b"2024-01-01 00:00:00,21.5,1.2,A,1\n"
EVIL = "</script><script>alert(1)</script>"


def final_frame(n: int = 48) -> pl.DataFrame:
    start = dt.datetime(2024, 3, 1, 8, 0, 0)
    return pl.DataFrame(
        {
            "time": [start + dt.timedelta(minutes=10 * i) for i in range(n)],
            "temperature": [20.0 + (i % 7) * 0.25 if i % 11 else None for i in range(n)],
            "pressure": [120.0 + i * 1.5 for i in range(n)],
            "line": ["A-1" if i % 3 else 'B,"2"' for i in range(n)],
            "ok": [i % 5 != 0 for i in range(n)],
            "count": list(range(n)),
        }
    )


def ingest_result(frame: pl.LazyFrame) -> StepResult:
    inputs = [
        {
            "name": "press_line.csv",
            "sha256": hashlib.sha256(RAW).hexdigest(),
            "bytes": len(RAW),
            "format": "csv",
            "encoding": "cp949",
            "delimiter": ",",
            "decimal": ".",
            "header_row": 0,
            "sheet": None,
            "rows": 48,
        }
    ]
    columns = [
        {"name": "time", "raw_name": "시간", "unit": None, "dtype": "Datetime", "kind": "datetime"},
        {
            "name": "temperature",
            "raw_name": "온도(℃)",
            "unit": "°C",
            "dtype": "Float64",
            "kind": "numeric",
        },
        {
            "name": "pressure",
            "raw_name": "압력(bar)",
            "unit": "bar",
            "dtype": "Float64",
            "kind": "numeric",
        },
        {
            "name": "line",
            "raw_name": "라인",
            "unit": None,
            "dtype": "String",
            "kind": "categorical",
        },
        {"name": "ok", "raw_name": "정상", "unit": None, "dtype": "Boolean", "kind": "boolean"},
        {"name": "count", "raw_name": "수량", "unit": None, "dtype": "Int64", "kind": "numeric"},
    ]
    junk = Finding(
        "junk_values",
        "warning",
        "센서 오류 값",
        "historian junk values",
        column="temperature",
        count=4,
        examples=("Bad", "Scan Timeout", EVIL),
        step="ingest",
    )
    return StepResult(
        step="ingest",
        frame=frame,
        data=IngestResult(
            inputs=inputs,
            columns=columns,
            time_column="time",
            rows=48,
            junk={"temperature": {"count": 4, "examples": ["Bad", "Scan Timeout"]}},
        ),
        findings=(junk,),
        counts={"rows": 48, "columns": 6},
    )


def profile_result() -> StepResult:
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "data": {"values": [{"x": i, "y": i * i, "label": EVIL} for i in range(10)]},
        "mark": "line",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
        },
        "width": 400,
    }
    return StepResult(
        step="profile",
        data=ProfileResult(rows=48, columns={}, time=None, entities=None),
        findings=(
            Finding(
                "gap", "info", "시간 간격 누락", "time gap", column="time", count=2, step="profile"
            ),
        ),
        counts={"rows": 48},
        files=("profile.json",),
        report=ReportSection(
            key="profile",
            title_ko="프로파일",
            title_en="Profile",
            html_ko='<p>열 통계</p><div class="chart" data-chart="temp"></div>',
            html_en='<p>Column statistics</p><div class="chart" data-chart="temp"></div>',
            charts={"temp": spec},
            order=10,
        ),
    )


def preprocess_result() -> StepResult:
    columns = [
        {"name": "time", "source": "time", "unit": None, "description": "측정 시각 / timestamp"},
        {"name": "temperature", "source": "temperature", "unit": "°C", "description": None},
        {"name": "pressure", "source": "pressure", "unit": "kPa", "description": "bar → kPa"},
        {"name": "line", "source": "line", "unit": None, "description": None},
        {"name": "ok", "source": "ok", "unit": None, "description": None},
        {"name": "count", "source": "count", "unit": None, "description": None},
    ]
    return StepResult(
        step="preprocess",
        data=PreprocessResult(
            recipe={
                "version": 1,
                "steps": [{"op": "convert_unit", "column": "pressure", "to": "kPa"}],
            },
            operations=[
                {
                    "op": "convert_unit",
                    "column": "pressure",
                    "rows_affected": 48,
                    "cells_affected": 48,
                }
            ],
            columns=columns,
        ),
        counts={"rows_in": 48, "rows_out": 48, "cells_changed": 48},
        files=("recipe.yaml",),
        report=ReportSection(
            key="preprocess",
            title_ko="전처리",
            title_en="Preprocessing",
            html_ko="<p>단위 변환</p>",
            html_en="<p>Unit conversion</p>",
            order=20,
        ),
    )


def make_context(root: Path, out_name: str = "press-line", **opts: object) -> RunContext:
    """A RunContext over a fresh product folder, with the earlier steps' results filled in."""
    product = root / out_name
    work = root / f"{out_name}.work"
    product.mkdir(parents=True)
    work.mkdir()
    options = BuildOptions(
        inputs=(Path("press_line.csv"),),
        out=product,
        product_id="press-line",
        title="프레스 라인 3월",
        **opts,
    )  # type: ignore[arg-type]
    ctx = RunContext(
        run_id="test",
        options=options,
        settings=Settings(),
        product=ProductWriter(product),
        work_dir=work,
    )
    ctx.product.write_json("profile.json", {"rows": 48})
    ctx.product.write_text("recipe.yaml", "version: 1\n")
    return ctx


def fill_results(ctx: RunContext, frame: pl.LazyFrame) -> None:
    ctx.results["ingest"] = ingest_result(frame)
    ctx.results["profile"] = profile_result()
    ctx.results["preprocess"] = preprocess_result()
