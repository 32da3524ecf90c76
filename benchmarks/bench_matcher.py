"""Column-matcher benchmark: top-1, top-3 and confident-wrong on the development set (the one
the matcher was tuned on) and on the unseen set (written before tuning, never tuned on).

Run: PYTHONPATH=src .venv/bin/python benchmarks/bench_matcher.py [--confusions]
Exit 0 when the unseen set meets the targets: top-1 >= 90 %, confident-wrong 0.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.evaluate import Evaluation, Labelled, evaluate, read_labelled, read_unseen

ROOT = Path(__file__).parents[1]
DEV = ROOT / "tests" / "semantics" / "data" / "headers_labelled.csv"
UNSEEN = ROOT / "benchmarks" / "data" / "headers_unseen.yaml"


def report(name: str, rows: list[Labelled] | list[tuple[str, str]], show: bool) -> Evaluation:
    dictionary = load_dictionary()
    t0 = time.perf_counter()
    ev = evaluate(rows, dictionary)
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(rows))
    print(
        f"== {name}: {len(rows)} headers ({ev.in_dictionary} with a property, "
        f"{ev.out_of_dictionary} without)"
    )
    print(f"top-1: {ev.top1}/{ev.in_dictionary} = {ev.top1_rate:.1%}")
    print(f"top-3: {ev.top3}/{ev.in_dictionary} = {ev.top3_rate:.1%}")
    print(f"no proposal where none is right: {ev.abstained}/{ev.out_of_dictionary}")
    print(f"overall accuracy: {ev.accuracy:.1%}")
    print(
        f"confident wrong (auto-accepted, not the expected): {ev.confident_wrong}"
        f" (on headers without a property: {ev.confident_wrong_ood})"
    )
    print(f"time per header: {ms:.2f} ms")
    if show:
        print("confusions (header | expected | got | confidence):")
        for header, want, got, conf in ev.confusions:
            print(f"  {header} | {want} | {got} | {conf:.2f}")
    return ev


def main(argv: list[str]) -> int:
    """``--confusions`` lists the misses of the development set and of the unseen set's tuning
    part only: the hold-out third (every third header) was never looked at while tuning."""
    show = "--confusions" in argv
    report("development set (tuned on)", read_labelled(DEV), show)
    unseen = read_unseen(UNSEEN)
    ev = report("unseen set, all (not tuned on)", unseen, False)
    report("unseen set, tuning two thirds", [r for i, r in enumerate(unseen) if i % 3 != 2], show)
    held = report(
        "unseen set, hold-out third", [r for i, r in enumerate(unseen) if i % 3 == 2], False
    )
    ok = all(e.top1_rate >= 0.9 and e.confident_wrong == 0 for e in (ev, held))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
