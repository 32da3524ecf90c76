"""Generate the bundled demo data: injection-moulding process logs as a Korean SME exports them.

Three daily CSV files in CP949 with a preamble before the header, Korean headers with units in
brackets, two machines, a time column in Korean AM/PM notation with gaps, a stuck sensor, pressure
spikes, historian junk strings, thousands separators and an OK/NG defect label that depends on the
process (mould temperature and holding pressure out of their window make NG more likely).

Seeded: running it again writes the same bytes. Usage: python scripts/make_demo_data.py
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "mfgdata" / "samples" / "injection_molding"
HEADER = [
    "일시",
    "설비ID",
    "금형온도[℃]",
    "실린더온도(℃)",
    "사출압력[bar]",
    "보압[bar]",
    "사출속도[mm/s]",
    "스크류회전수[rpm]",
    "형체력[kN]",
    "사이클타임[s]",
    "냉각시간[s]",
    "생산수량",
    "불량여부",
]
JUNK = ["Bad", "Scan Timeout", "#N/A", "-", "I/O Timeout"]
INTERVAL = timedelta(seconds=60)


def korean_time(t: datetime) -> str:
    half = "오전" if t.hour < 12 else "오후"
    hour = t.hour % 12 or 12
    return f"{t:%Y-%m-%d} {half} {hour}:{t:%M:%S}"


def day_rows(rng: np.random.Generator, day: datetime, machine: str, k: int) -> list[list[str]]:
    n = 24 * 60
    times = [day + i * INTERVAL for i in range(n)]
    keep = np.ones(n, dtype=bool)
    if k == 0 and machine == "IMM-01":
        keep[600:645] = False  # 45-minute network outage
    if k == 2:
        keep[780:960] = False  # 3-hour planned maintenance, both machines
    mold = 60 + 1.2 * np.sin(np.arange(n) / 180) + rng.normal(0, 0.6, n)
    if k == 1 and machine == "IMM-02":
        mold[300:390] = 61.3  # stuck sensor for 90 minutes
    barrel = 230 + rng.normal(0, 1.5, n)
    inj = 1200 + rng.normal(0, 25, n)
    spikes = rng.choice(n, size=6, replace=False)
    inj[spikes] += rng.choice([-1, 1], size=6) * rng.uniform(400, 700, 6)
    hold = 800 + 40 * np.sin(np.arange(n) / 300 + k) + rng.normal(0, 15, n)
    speed = 80 + rng.normal(0, 3, n)
    rpm = 120 + rng.normal(0, 4, n)
    clamp = 1250 + rng.normal(0, 20, n)
    cycle = 32 + 0.05 * (mold - 60) + rng.normal(0, 0.4, n)
    cooling = 12 + rng.normal(0, 0.3, n)
    risk = -4.2 + 0.9 * np.abs(mold - 60) ** 1.5 + 0.004 * np.clip(760 - hold, 0, None) * 10
    defect = rng.random(n) < 1 / (1 + np.exp(-risk))
    rows = []
    for i in np.flatnonzero(keep):
        row = [
            korean_time(times[i]),
            machine,
            f"{mold[i]:.1f}",
            f"{barrel[i]:.1f}",
            f"{inj[i]:.0f}",
            f"{hold[i]:.0f}",
            f"{speed[i]:.1f}",
            f"{rpm[i]:.0f}",
            f"{clamp[i]:,.1f}",
            f"{cycle[i]:.2f}",
            f"{cooling[i]:.2f}",
            "1",
            "NG" if defect[i] else "OK",
        ]
        if rng.random() < 0.004:  # historian junk in a numeric column
            row[int(rng.integers(2, 11))] = str(rng.choice(JUNK))
        if rng.random() < 0.002:  # an empty cell
            row[int(rng.integers(2, 11))] = ""
        rows.append(row)
    return rows


def main() -> None:
    rng = np.random.default_rng(20240301)
    OUT.mkdir(parents=True, exist_ok=True)
    for k in range(3):
        day = datetime(2024, 3, 1 + k)
        rows: list[list[str]] = []
        for machine in ("IMM-01", "IMM-02"):
            rows += day_rows(rng, day, machine, k)
        buf = io.StringIO()
        buf.write("사출성형 공정 데이터 내보내기,,,\r\n")
        buf.write(f"라인: 사출 2라인,일자: {day:%Y-%m-%d},,\r\n\r\n")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        (OUT / f"사출공정_{day:%Y%m%d}.csv").write_bytes(buf.getvalue().encode("cp949"))


if __name__ == "__main__":
    main()
