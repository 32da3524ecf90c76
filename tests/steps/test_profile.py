"""The profile step on tables of known structure: exact statistics, gaps, entities, report."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from mfgdata.errors import ConfigError
from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult, ProfileResult
from mfgdata.pipeline.step import StepResult
from mfgdata.settings import Settings
from mfgdata.steps.profile import ProfileStep

SEOUL = ZoneInfo("Asia/Seoul")
T0 = datetime(2024, 3, 1, 8, 0, 0, tzinfo=SEOUL)
MISSING = [*range(100, 110), *range(200, 230)]  # two gaps: 10 and 30 missing samples


def _series_seconds() -> list[int]:
    """1 Hz, 0..299 without MISSING, 3 duplicates (after 50, 51, 52), 2 swapped pairs."""
    secs: list[int] = []
    for s in range(300):
        if s in MISSING:
            continue
        secs.append(s)
        if s in (50, 51, 52):
            secs.append(s)
    for a in (250, 270):  # swap two adjacent rows: one backward step each
        i = secs.index(a)
        secs[i], secs[i + 1] = secs[i + 1], secs[i]
    return secs


def _known_table(path: Path) -> tuple[pl.LazyFrame, np.ndarray]:
    secs = _series_seconds()
    n = len(secs)
    rng = np.random.default_rng(7)
    temp = rng.normal(180.0, 4.0, n)
    temp_list: list[float | None] = [float(x) for x in temp]
    for k in range(0, n, 17):
        temp_list[k] = None
    df = pl.DataFrame(
        {
            "시각": [T0 + timedelta(seconds=s) for s in secs],
            "금형온도": temp_list,
            "압력": [5.0] * n,
            "빈열": pl.Series([None] * n, dtype=pl.Float64),
            "상태": (["RUN", "RUN", "STOP"] * n)[:n],
        }
    )
    df.write_parquet(path)
    values = np.array([v for v in temp_list if v is not None])
    return pl.scan_parquet(path), values


INGEST_COLUMNS = [
    {"name": "시각", "raw_name": "시각", "unit": None, "dtype": "Datetime", "kind": "datetime"},
    {
        "name": "금형온도",
        "raw_name": "금형온도(℃)",
        "unit": "°C",
        "dtype": "Float64",
        "kind": "numeric",
    },
    {"name": "압력", "raw_name": "압력(MPa)", "unit": "MPa", "dtype": "Float64", "kind": "numeric"},
    {"name": "빈열", "raw_name": "빈열", "unit": None, "dtype": "Float64", "kind": "numeric"},
    {"name": "상태", "raw_name": "상태", "unit": None, "dtype": "String", "kind": "categorical"},
]


def _ctx(tmp_path: Path, ingest: dict[str, Any], **options: Any) -> RunContext:
    out = tmp_path / "product"
    out.mkdir(parents=True, exist_ok=True)
    ctx = RunContext(
        run_id="test",
        options=BuildOptions(inputs=(tmp_path / "in.csv",), out=out, **options),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(out),
        work_dir=tmp_path,
    )
    ctx.results["ingest"] = StepResult(step="ingest", data=IngestResult(**ingest))
    return ctx


@pytest.fixture
def known(tmp_path: Path) -> tuple[StepResult, np.ndarray, RunContext]:
    lf, values = _known_table(tmp_path / "t.parquet")
    ingest = {"columns": INGEST_COLUMNS, "time_column": "시각", "rows": len(_series_seconds())}
    ctx = _ctx(tmp_path, ingest)
    return ProfileStep().run(lf, ctx), values, ctx


def test_column_statistics_match_numpy(known: tuple[StepResult, np.ndarray, RunContext]) -> None:
    result, values, _ = known
    n = len(_series_seconds())
    c = result.of(ProfileResult).columns["금형온도"]
    assert result.of(ProfileResult).rows == n
    assert c["unit"] == "°C" and c["kind"] == "numeric"
    assert c["count"] == len(values) and c["nulls"] == n - len(values)
    assert c["null_ratio"] == pytest.approx((n - len(values)) / n, rel=1e-5)
    assert c["min"] == pytest.approx(values.min(), rel=1e-5)
    assert c["max"] == pytest.approx(values.max(), rel=1e-5)
    assert c["mean"] == pytest.approx(values.mean(), rel=1e-5)
    assert c["std"] == pytest.approx(values.std(ddof=1), rel=1e-5)
    for key, q in (("p01", 0.01), ("p25", 0.25), ("p50", 0.5), ("p99", 0.99)):
        assert c["quantiles"][key] == pytest.approx(np.quantile(values, q), rel=1e-5)
    hist = c["histogram"]
    assert len(hist["counts"]) == 30 and len(hist["edges"]) == 31
    assert sum(hist["counts"]) == c["count"]
    expected, _ = np.histogram(values, bins=30, range=(values.min(), values.max()))
    assert np.abs(np.array(hist["counts"]) - expected).sum() <= 2  # edge rounding only
    assert c["distinct"] == len(np.unique(values)) and c["distinct_exact"] is True


def test_categorical_top_values_and_special_columns(
    known: tuple[StepResult, np.ndarray, RunContext],
) -> None:
    result, _, _ = known
    cols = result.of(ProfileResult).columns
    n = result.of(ProfileResult).rows
    top = cols["상태"]["top_values"]
    assert [t["value"] for t in top] == ["RUN", "STOP"]
    assert sum(t["count"] for t in top) == n
    assert cols["빈열"]["count"] == 0 and cols["빈열"]["histogram"] == {"edges": [], "counts": []}
    assert cols["압력"]["distinct"] == 1 and cols["압력"]["histogram"]["counts"] == [n]
    by_code = {(f.code, f.column): f for f in result.findings}
    assert ("all_null_column", "빈열") in by_code
    assert ("constant_column", "압력") in by_code
    assert not any(f.column == "금형온도" for f in result.findings)


def test_time_axis_gaps_duplicates_backward_steps(
    known: tuple[StepResult, np.ndarray, RunContext],
) -> None:
    result, _, _ = known
    t = result.of(ProfileResult).time
    assert t["start"] == T0.isoformat() and t["start"].endswith("+09:00")
    assert t["end"] == (T0 + timedelta(seconds=299)).isoformat()
    assert t["interval_seconds"] == 1.0
    gaps = t["gaps"]
    assert gaps["count"] == 2
    assert [(g["start"], g["end"], g["seconds"], g["missing_samples"]) for g in gaps["items"]] == [
        (
            (T0 + timedelta(seconds=99)).isoformat(),
            (T0 + timedelta(seconds=110)).isoformat(),
            11.0,
            10,
        ),
        (
            (T0 + timedelta(seconds=199)).isoformat(),
            (T0 + timedelta(seconds=230)).isoformat(),
            31.0,
            30,
        ),
    ]
    assert gaps["total_seconds"] == 42.0 and gaps["missing_samples"] == 40
    assert t["duplicates"]["count"] == 3
    assert t["backward_steps"]["count"] == 2
    secs = _series_seconds()
    assert [secs[r] for r in t["backward_steps"]["rows"]] == [250, 270]
    assert all(secs[r] == secs[r - 1] for r in t["duplicates"]["rows"])
    codes = {f.code: f for f in result.findings}
    assert codes["time_gaps"].count == 2
    assert codes["time_gaps"].rows[0] == secs.index(230)  # the largest gap first
    assert codes["duplicate_timestamps"].count == 3
    assert codes["non_monotonic_timestamps"].count == 2


def test_profile_json_is_written_and_deterministic(
    known: tuple[StepResult, np.ndarray, RunContext], tmp_path: Path
) -> None:
    result, _, ctx = known
    assert result.files == ("profile.json",) and result.frame is None
    first = ctx.product.path("profile.json").read_bytes()
    assert json.loads(first) == json.loads(json.dumps(dict(result.data), default=str))
    again = _ctx(tmp_path / "again", dict(ctx.results["ingest"].data))
    ProfileStep().run(pl.scan_parquet(tmp_path / "t.parquet"), again)
    assert again.product.path("profile.json").read_bytes() == first


def test_report_section_charts_are_bounded_and_escaped(
    known: tuple[StepResult, np.ndarray, RunContext],
) -> None:
    result, _, _ = known
    section = result.report
    assert section is not None and section.key == "profile" and section.order == 20
    charts = section.charts
    hist = [k for k in charts if k.startswith("profile-hist-")]
    series = [k for k in charts if k.startswith("profile-ts-")]
    assert len(hist) == 2 and len(series) == 2  # 금형온도, 압력 (빈열 has no values)
    for cid in charts:
        assert f'data-chart="{cid}"' in section.html_ko and f'data-chart="{cid}"' in section.html_en
        assert charts[cid]["$schema"].endswith("vega-lite/v5.json")
    ts = charts[series[0]]
    assert 0 < len(ts["data"]["values"]) <= 1000
    gap_layer = ts["layer"][0]
    assert gap_layer["mark"]["type"] == "rect" and len(gap_layer["data"]["values"]) == 2
    assert "금형온도" in section.html_ko and "결측 %" in section.html_ko
    assert "nulls %" in section.html_en


def test_entities_have_their_own_gaps(tmp_path: Path) -> None:
    a = [T0 + timedelta(seconds=s) for s in range(100) if not 40 <= s < 45]  # 1 s, one gap
    b = [T0 + timedelta(seconds=1000 + 2 * k) for k in range(50) if not 20 <= k < 24]  # 2 s
    rows = [("A", t, 1.0) for t in a] + [("B", t, 2.0) for t in b]
    rows.sort(key=lambda r: (r[0], r[1]))
    df = pl.DataFrame(rows, schema=["machine", "ts", "v"], orient="row")
    df.write_parquet(tmp_path / "e.parquet")
    ingest = {"columns": [], "time_column": "ts", "rows": df.height}
    ctx = _ctx(tmp_path, ingest, id_column="machine")
    result = ProfileStep().run(pl.scan_parquet(tmp_path / "e.parquet"), ctx)
    t, ent = result.of(ProfileResult).time, result.of(ProfileResult).entities
    assert t["gaps"]["count"] == 2  # no gap between A's end and B's start
    assert {(g["entity"], g["seconds"]) for g in t["gaps"]["items"]} == {("A", 6.0), ("B", 10.0)}
    assert ent["count"] == 2 and ent["with_gaps"] == 2
    items = {e["id"]: e for e in ent["items"]}
    assert items["A"]["rows"] == 95 and items["A"]["interval_seconds"] == 1.0
    assert items["B"]["rows"] == 46 and items["B"]["interval_seconds"] == 2.0
    assert items["A"]["gaps"] == 1 and items["B"]["gaps"] == 1
    assert t["backward_steps"]["count"] == 0


def test_interleaved_entities_are_not_backward_steps(tmp_path: Path) -> None:
    ts = [T0 + timedelta(seconds=s) for s in range(20)]
    rows = [(m, t) for t in ts for m in ("B", "A")]  # B then A at each second
    df = pl.DataFrame(rows, schema=["machine", "ts"], orient="row")
    ctx = _ctx(
        tmp_path, {"columns": [], "time_column": "ts", "rows": df.height}, id_column="machine"
    )
    t = ProfileStep().run(df.lazy(), ctx).of(ProfileResult).time
    assert t["backward_steps"]["count"] == 0 and t["duplicates"]["count"] == 0
    assert t["gaps"]["count"] == 0


def test_unknown_id_column_is_a_config_error(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, {"columns": [], "time_column": None, "rows": 1}, id_column="없는열")
    with pytest.raises(ConfigError) as err:
        ProfileStep().run(pl.LazyFrame({"a": [1]}), ctx)
    assert err.value.where.column == "없는열" and err.value.ko and err.value.en


def test_html_escapes_values(tmp_path: Path) -> None:
    lf = pl.LazyFrame({"<b>x</b>": [1.0, 2.0], "c": ["<script>", "&"]})
    ctx = _ctx(tmp_path, {"columns": [], "time_column": None, "rows": 2})
    result = ProfileStep().run(lf, ctx)
    assert result.report is not None
    for html in (result.report.html_ko, result.report.html_en):
        assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert result.of(ProfileResult).time is None and result.of(ProfileResult).entities is None
