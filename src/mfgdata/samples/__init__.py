"""Bundled sample data: injection-moulding process logs (CP949, Korean headers, 3 daily files).

Made by ``scripts/make_demo_data.py`` (seeded). Realistic defects on purpose: preamble before the
header, units in brackets, Korean AM/PM times, gaps, a stuck sensor, spikes, historian junk
strings, thousands separators and an OK/NG defect label.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from mfgdata.pipeline.context import BuildOptions, build_options


def demo_files() -> tuple[Path, ...]:
    """The three daily CSV files of the demo, in date order."""
    folder = Path(str(files("mfgdata.samples").joinpath("injection_molding")))
    return tuple(sorted(folder.glob("*.csv")))


def demo_options(out: Path) -> BuildOptions:
    return build_options(
        demo_files(),
        out,
        {
            "time_column": "일시",
            "target": "불량여부",
            "id_column": "설비ID",
            "timezone": "Asia/Seoul",  # the demo plant is in Korea: stated, not assumed
            "title": "사출성형 공정 데이터 / Injection moulding process data",
            "product_id": "demo-injection-molding",
        },
    )
