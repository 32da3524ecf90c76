"""One time zone everywhere (issue #10, item 6): quality evidence gives times in the product's zone
with its offset, the same text the profile gives for the same gap (it gave naive UTC: 13:57 for a
gap the profile showed at 22:57+09:00)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.quality.columns import Params
from mfgdata.quality.contract import Contract
from mfgdata.quality.evaluate import Extras, evaluate
from mfgdata.quality.scan import scan_table

runner = CliRunner()


def _historian_csv(path: Path) -> Path:
    """A CP949 export in Seoul wall-clock time, one sample a minute, with the line stopped from
    22:57 to 01:12 (2 h 15 min)."""
    lines = ["측정시각,반응기온도[℃],유량[m3/h]"]
    t = datetime(2024, 3, 1, 20, 0)
    for i in range(240):
        if t == datetime(2024, 3, 1, 22, 57):
            t += timedelta(hours=2, minutes=15)
        lines.append(f"{t:%Y-%m-%d %H:%M},{150 + (i % 7) * 0.3:.1f},{12 + (i % 5) * 0.1:.2f}")
        t += timedelta(minutes=1)
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


def _measure(quality: dict[str, Any], mid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in quality["measures"] if m["id"] == mid)
    return found


def test_gap_evidence_is_the_profile_gap_with_the_offset(tmp_path: Path) -> None:
    src = _historian_csv(tmp_path / "반응기_이력.csv")
    out = tmp_path / "product"
    result = runner.invoke(app, ["build", str(src), "--out", str(out), "--timezone", "Asia/Seoul"])
    assert result.exit_code == 0, result.output
    quality = json.loads((out / "quality.json").read_text(encoding="utf-8"))
    profile = json.loads((out / "profile.json").read_text(encoding="utf-8"))
    (gap,) = profile["time"]["gaps"]["items"]
    assert (gap["start"], gap["end"]) == ("2024-03-01T22:56:00+09:00", "2024-03-02T01:12:00+09:00")
    for mid in ("completeness.gaps", "completeness.longest_gap"):
        (evidence,) = _measure(quality, mid)["evidence"]["ranges"]
        assert (evidence["start"], evidence["end"]) == (gap["start"], gap["end"])
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "2024-03-01T13:56:00" not in report  # the naive UTC text of the same instant


def _frame(zone: str | None) -> pl.LazyFrame:
    stamps = [datetime(2024, 7, 1, 8, 0) + timedelta(minutes=i) for i in range(60)]
    stamps = stamps[:30] + [s + timedelta(hours=1) for s in stamps[30:]]
    df = pl.DataFrame({"t": stamps, "v": [float(i % 9) for i in range(60)]})
    t = pl.col("t").cast(pl.Datetime("us"))
    return df.with_columns(t.dt.replace_time_zone(zone) if zone else t).lazy()


def test_scan_keeps_the_column_zone_and_its_offset() -> None:
    """A zone with summer time and a naive column: the wall clock of the data, never shifted."""
    c = Contract(id="p", name="p", time_column="t")
    chicago = scan_table(_frame("America/Chicago"), c, Params()).time
    assert chicago is not None
    (gap,) = chicago.gaps
    assert (gap["start"], gap["end"]) == ("2024-07-01T08:29:00-05:00", "2024-07-01T09:30:00-05:00")
    naive = scan_table(_frame(None), c, Params()).time
    assert naive is not None
    assert naive.gaps[0]["start"] == "2024-07-01T08:29:00"


def test_freshness_evidence_is_in_the_column_zone() -> None:
    c = Contract(id="p", name="p", time_column="t", sla_seconds=3600)
    ref = datetime.fromisoformat("2024-07-01T16:00:00+00:00")
    report = evaluate(_frame("Asia/Seoul"), c, Extras(reference=ref))
    (fresh,) = [m for m in report.measures if m.id == "currentness.freshness"]
    assert fresh.evidence["newest"] == "2024-07-01T09:59:00+09:00"
    assert fresh.evidence["reference_time"] == "2024-07-02T01:00:00+09:00"
