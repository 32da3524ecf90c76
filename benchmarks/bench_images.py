"""Inspect a real image dataset and print time, peak memory and the figures.

    PYTHONPATH=src python benchmarks/bench_images.py IMAGES_DIR [LABELS]

(ELPV solar cells: ``pip install --target /tmp/elpv elpv-dataset`` then
``/tmp/elpv/elpv_dataset/data/images /tmp/elpv/elpv_dataset/data/labels.csv``.)
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from mfgdata.images.inspect import inspect


def main() -> None:
    paths = [Path(sys.argv[1])]
    labels = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    t0 = time.perf_counter()
    ins = inspect(paths, labels)
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p = ins.profile
    print(f"images {p.images} unreadable {p.unreadable} in {dt:.1f} s, peak RSS {peak:.0f} MiB")
    print(f"classes {p.classes}")
    print(f"formats {p.formats} sizes {dict(list(p.sizes.items())[:3])} bits {p.bit_depths}")
    print(f"brightness {p.brightness}\ncontrast {p.contrast}\nblur {p.blur}")
    print(f"over {p.overexposed_share} under {p.underexposed_share} blurred {p.blurred_share}")
    print(f"exact groups {len(p.exact_duplicates)} near groups {len(p.near_duplicates)}")
    for g in p.near_duplicates[:5]:
        print(f"  near ({len(g)}):", " ~ ".join(g[:6]))
    for m in ins.quality.measures:
        print(f"  {m.id:18} {m.value:.4f} {'pass' if m.passed else 'FAIL'}")
    print(f"grade {ins.quality.grade} score {ins.quality.score}")
    for f in ins.findings:
        print(f"  finding {f.code} x{f.count}: {[e[:80] for e in f.examples[:2]]}")


if __name__ == "__main__":
    main()
