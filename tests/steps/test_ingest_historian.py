"""A historian export from another plant: vendor status text in numeric tags, naive or zoned
times (issue 10, items 6 and 9)."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from mfgdata.pipeline.results import IngestResult
from steps.test_ingest import run_ingest, table

#: Status wordings this vendor writes into a tag when there is no value (none is in the
#: built-in vocabulary of Bad / Scan Timeout / #N/A ...).
VENDOR = {"Intf Shut": 9, "Pt Created": 4, "Calc Failed": 3, "Configure": 2, "Not Connect": 2}


def historian_csv(path: Path, stamp: str = "{d} {h:02d}:{m:02d}:00", n: int = 600) -> Path:
    rng = random.Random(11)
    statuses = [w for w, k in VENDOR.items() for _ in range(k)]
    slots = rng.sample(range(n), len(statuses))
    where = dict(zip(slots, statuses, strict=True))
    lines = ["Timestamp,FIC-301.PV,TI-101.PV,Area"]
    for i in range(n):
        t = stamp.format(d="2024-06-03", h=i // 60 % 24, m=i % 60)
        flow = where.get(i, f"{120 + rng.gauss(0, 4):.2f}")
        lines.append(f"{t},{flow},{85 + rng.gauss(0, 1):.2f},{'A1' if i % 2 else 'B2'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_vendor_status_text_keeps_the_tag_numeric(tmp_path: Path) -> None:
    r = run_ingest(tmp_path, historian_csv(tmp_path / "historian.csv"))
    df = table(r)
    assert df.schema["FIC-301.PV"] == pl.Float64
    assert df["FIC-301.PV"].null_count() == sum(VENDOR.values())
    assert df.schema["Area"] == pl.String  # codes like A1 stay text
    junk = r.of(IngestResult).junk["FIC-301.PV"]
    assert junk["count"] == sum(VENDOR.values())
    assert junk["tokens"] == VENDOR  # each wording with its count, most frequent first
    (f,) = [f for f in r.findings if f.code == "junk_value"]
    assert "Intf Shut ×9" in f.message_en and "Not Connect ×2" in f.message_ko
    assert set(f.examples) == set(VENDOR)


def test_naive_times_without_timezone_say_the_zone_was_assumed(tmp_path: Path) -> None:
    r = run_ingest(tmp_path, historian_csv(tmp_path / "historian.csv"))
    (f,) = [f for f in r.findings if f.code == "timezone_assumed"]
    assert f.column == "Timestamp" and "Asia/Seoul" in f.message_ko and "Asia/Seoul" in f.message_en
    assert r.of(IngestResult).timezone == {"zone": "Asia/Seoul", "source": "assumed"}


def test_given_timezone_is_not_assumed(tmp_path: Path) -> None:
    r = run_ingest(tmp_path, historian_csv(tmp_path / "h.csv"), timezone="Europe/Berlin")
    assert not [f for f in r.findings if f.code == "timezone_assumed"]
    assert r.of(IngestResult).timezone == {"zone": "Europe/Berlin", "source": "given"}


def test_times_with_offsets_need_no_assumption(tmp_path: Path) -> None:
    path = historian_csv(tmp_path / "h.csv", stamp="{d}T{h:02d}:{m:02d}:00+01:00")
    r = run_ingest(tmp_path, path)
    assert not [f for f in r.findings if f.code == "timezone_assumed"]
    assert r.of(IngestResult).timezone["source"] == "data"
    first = table(r)["Timestamp"][0]
    assert (first.hour, str(first.tzinfo)) == (8, "Asia/Seoul")  # 00:00+01:00 = 08:00 KST
