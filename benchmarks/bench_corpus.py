"""The hostile corpus (tests/corpus) through ``mfgdata build`` as a real process per case:
outcome, wall time and peak RSS of each case, and the totals of issue 13's table.

    python benchmarks/bench_corpus.py [--timeout 120] [case ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from corpus.cases import CASES  # noqa: E402
from corpus.run import ERROR_PREFIX, Outcome, judge  # noqa: E402


def run(case_name: str, timeout: float) -> tuple[str, float, float, str]:
    case = next(c for c in CASES if c.name == case_name)
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        root = Path(tmp)
        inputs = case.make(root / "in")
        out = root / "out" / "product"
        cmd = [sys.executable, "-c", "from mfgdata.cli.app import main; main()", "build"]
        cmd += [*map(str, inputs)]
        cmd += ["--out", str(out), *case.args]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MFGDATA_HOME": str(root / "home")}
        env["COLUMNS"] = "200"
        t0 = time.perf_counter()
        log = root / "log.txt"
        with log.open("wb") as fh:
            proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            timer.cancel()
        seconds = time.perf_counter() - t0
        rss = usage.ru_maxrss / 1024
        if os.WIFSIGNALED(status):
            return "timeout", seconds, rss, ""
        code = os.waitstatus_to_exitcode(status)
        text = log.read_bytes()
        output = text.decode("utf-8", "replace")
        errors = [ln for ln in output.splitlines() if ln.startswith(ERROR_PREFIX)]
        outcome = Outcome(code, output, errors, "Traceback" in output)
        problem = judge(case, outcome, out)
        verdict = "ok" if problem is None else "WRONG"
        return verdict, seconds, rss, problem or (errors[0] if errors else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    names = args.cases or [c.name for c in CASES]
    print(f"{'case':32} {'expect':8} {'verdict':8} {'s':>7} {'MB':>7}  detail")
    for name in names:
        verdict, sec, rss, detail = run(name, args.timeout)
        case = next(c for c in CASES if c.name == name)
        print(f"{name:32} {case.outcome:8} {verdict:8} {sec:7.1f} {rss:7.0f}  {detail[:150]}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
