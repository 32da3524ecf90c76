"""Time ``mfgdata programs rank`` on a large regional panel: N applicants × 6 evaluators × 4.

Run: ``PYTHONPATH=src python benchmarks/bench_programs_rank.py [N]``; prints rows, seconds and
rows/s for reading the CSV and for ranking (seeded, so the same N gives the same file).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from mfgdata.programs import load_template, rank_applicants
from mfgdata.programs.sheetfiles import read_scores


def main(n: int) -> None:
    template = load_template("regional-ai-center-2025")
    rng = random.Random(18)
    lines = ["applicant,evaluator,category,score"]
    for a in range(n):
        for e in range(6):
            for c in template.categories:
                lines.append(f"신청{a:05d},위원{e},{c.name},{rng.randint(0, c.weight * 2) / 2}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scores.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        rows = read_scores(path)
        t1 = time.perf_counter()
        results = rank_applicants(template, rows)
        t2 = time.perf_counter()
    selected = sum(r.selected for r in results)
    print(f"applicants={n} rows={len(rows)} selected={selected}")
    print(f"read {t1 - t0:.3f} s ({len(rows) / (t1 - t0):,.0f} rows/s)")
    print(f"rank {t2 - t1:.3f} s ({len(rows) / (t2 - t1):,.0f} rows/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
