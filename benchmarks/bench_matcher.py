"""Column-matcher benchmark: top-1 / top-3 accuracy and the confusion cases on the labelled set.

Run: .venv/bin/python benchmarks/bench_matcher.py [labelled.csv]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.evaluate import evaluate, read_labelled

DEFAULT = Path(__file__).parents[1] / "tests" / "semantics" / "data" / "headers_labelled.csv"


def main(path: Path = DEFAULT) -> int:
    rows = read_labelled(path)
    dictionary = load_dictionary()
    t0 = time.perf_counter()
    ev = evaluate(rows, dictionary)
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(rows))
    print(f"headers: {len(rows)} ({ev.in_dictionary} in dictionary, {ev.out_of_dictionary} not)")
    print(f"top-1: {ev.top1}/{ev.in_dictionary} = {ev.top1_rate:.1%}")
    print(f"top-3: {ev.top3}/{ev.in_dictionary} = {ev.top3_rate:.1%}")
    print(f"confident wrong on out-of-dictionary: {ev.confident_wrong_ood}/{ev.out_of_dictionary}")
    print(f"time per header: {ms:.2f} ms")
    print("confusions (header | expected | got | confidence):")
    for header, want, got, conf in ev.confusions:
        print(f"  {header} | {want} | {got} | {conf:.2f}")
    ok = ev.top1_rate >= 0.9 and ev.confident_wrong_ood == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT))
