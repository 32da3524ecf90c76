"""Vega-Lite specs for the quality section, from pre-aggregated, bounded data."""

from __future__ import annotations

from typing import Any

from mfgdata.profiling.charts import wall_clock
from mfgdata.profiling.values import round_sig
from mfgdata.quality.scan import TableStats

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_COLUMNS = 30
#: times are drawn as the plant's wall clock on a UTC scale, whatever the reader's browser zone
UTC = {"type": "utc"}


def _wall(stamp: str) -> str | None:
    """A time as the spike profile keeps it (``str(datetime)``) as a wall-clock stamp."""
    return wall_clock(stamp.replace(" ", "T", 1)) if stamp and stamp != "None" else None


def completeness_heatmap(s: TableStats) -> dict[str, Any] | None:
    t = s.time
    if t is None or not t.bucket_ends:
        return None
    ends = t.bucket_ends
    sizes = [ends[0]] + [ends[i] - ends[i - 1] for i in range(1, len(ends))]
    labels = (
        [str(t.iso(u)) for u in t.bucket_starts_us]
        if t.bucket_starts_us
        else [f"#{i}" for i in range(len(ends))]
    )
    values = []
    for name, st in list(s.columns.items())[:MAX_COLUMNS]:
        for i, nn in enumerate(st.bucket_nonnull):
            share = nn / sizes[i] if sizes[i] else None
            values.append({"column": name, "bucket": labels[i], "share": share, "rows": sizes[i]})
    return {
        "$schema": SCHEMA,
        "description": "non-null share per column and time bucket",
        "data": {"values": values},
        "mark": "rect",
        "width": "container",
        "encoding": {
            "x": {"field": "bucket", "type": "ordinal", "title": "time bucket", "sort": None},
            "y": {"field": "column", "type": "nominal", "sort": None},
            "color": {"field": "share", "type": "quantitative", "scale": {"domain": [0, 1]}},
            "tooltip": [
                {"field": "column"},
                {"field": "bucket"},
                {"field": "share"},
                {"field": "rows"},
            ],
        },
    }


def gaps_timeline(s: TableStats) -> dict[str, Any] | None:
    t = s.time
    if t is None or not t.gaps:
        return None
    rows_per_bucket = []
    if t.bucket_starts_us:
        ends = t.bucket_ends
        for i, u in enumerate(t.bucket_starts_us):
            n = ends[i] - (ends[i - 1] if i else 0)
            rows_per_bucket.append({"time": wall_clock(t.iso(u)), "rows": n})
    gaps = [
        {
            "start": wall_clock(g["start"]),
            "end": wall_clock(g["end"]),
            "from": g["start"],
            "to": g["end"],
            "seconds": g["seconds"],
        }
        for g in t.gaps
    ]
    return {
        "$schema": SCHEMA,
        "description": "rows per time bucket, the longest gaps shaded",
        "width": "container",
        "layer": [
            {
                "data": {"values": gaps},
                "mark": {"type": "rect", "color": "#d62728", "opacity": 0.35},
                "encoding": {
                    "x": {"field": "start", "type": "temporal", "title": "time", "scale": UTC},
                    "x2": {"field": "end"},
                    "tooltip": [{"field": "from"}, {"field": "to"}, {"field": "seconds"}],
                },
            },
            {
                "data": {"values": rows_per_bucket},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "time", "type": "temporal", "scale": UTC},
                    "y": {"field": "rows", "type": "quantitative", "title": "rows per bucket"},
                },
            },
        ],
    }


def spikes_bar(s: TableStats) -> dict[str, Any] | None:
    values = [
        {"column": k, "kind": kind, "count": n}
        for k, st in s.columns.items()
        for kind, n in (("spikes", st.spikes), ("stuck samples", st.stuck_samples))
        if n
    ][: MAX_COLUMNS * 2]
    if not values:
        return None
    return {
        "$schema": SCHEMA,
        "description": "spikes and stuck samples per column",
        "data": {"values": values},
        "mark": "bar",
        "width": "container",
        "encoding": {
            "y": {"field": "column", "type": "nominal"},
            "x": {"field": "count", "type": "quantitative"},
            "color": {"field": "kind", "type": "nominal"},
            "yOffset": {"field": "kind"},
        },
    }


def _readable(point: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: None if point[k] is None else round_sig(float(point[k])) for k in keys}


def spikes_marked(s: TableStats) -> dict[str, Any] | None:
    prof = s.spike_profile
    if not prof:
        return None
    x = {"field": "time", "type": "temporal", "title": "time", "scale": UTC}
    # numbers as a person reads them (6 significant digits, as the profile's charts): a bucket
    # mean's last digits are summation-order noise that also differs between engines
    buckets = [
        {**b, **_readable(b, "min", "mean", "max"), "time": _wall(b["time"])}
        for b in prof["buckets"]
    ]
    spikes = [
        {**p, **_readable(p, "value"), "time": _wall(p["time"]), "at": p["time"]}
        for p in prof["spikes"]
    ]
    return {
        "$schema": SCHEMA,
        "description": f"{prof['column']}: min-max band and mean per time bucket, spikes marked",
        "width": "container",
        "layer": [
            {
                "data": {"values": buckets},
                "mark": {"type": "area", "opacity": 0.3},
                "encoding": {
                    "x": x,
                    "y": {"field": "min", "type": "quantitative", "title": prof["column"]},
                    "y2": {"field": "max"},
                },
            },
            {
                "data": {"values": buckets},
                "mark": "line",
                "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}},
            },
            {
                "data": {"values": spikes},
                "mark": {"type": "point", "color": "#d62728", "filled": True, "size": 60},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "at"}, {"field": "value"}, {"field": "row"}],
                },
            },
        ],
    }


def charts(s: TableStats) -> dict[str, dict[str, Any]]:
    out = {
        "quality-completeness": completeness_heatmap(s),
        "quality-gaps": gaps_timeline(s),
        "quality-spikes": spikes_bar(s),
        "quality-spike-series": spikes_marked(s),
    }
    return {k: v for k, v in out.items() if v is not None}
