"""The hostile corpus (tests/corpus) through ``mfgdata build``, one real process per case:
the outcome, the build's own wall time (after imports) and the process's peak RSS, then the
totals of issue 13's table.

    python benchmarks/bench_corpus.py [--timeout 300] [case ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from corpus.cases import BY_NAME, CASES  # noqa: E402
from corpus.run import ERROR_PREFIX, Outcome, judge  # noqa: E402


def child(name: str, root: Path) -> None:
    """In the measured process: import, then time one ``mfgdata build`` of the case."""
    import contextlib
    import io

    from mfgdata.cli.app import app
    from mfgdata.flow import default_steps

    default_steps()  # imports every step: not part of the case's time
    case = BY_NAME[name]
    inputs = case.make(root / "in")
    out = root / "out" / "product"
    args = ["build", *map(str, inputs), "--out", str(out), *case.args]
    buf = io.StringIO()
    t0 = time.perf_counter()
    code = 0
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            rv = app(args, standalone_mode=False)
            code = rv if isinstance(rv, int) else 0
        except SystemExit as e:
            code = int(e.code or 0)
        except BaseException as e:  # click raises typer.Exit as click.exceptions.Exit
            code = int(getattr(e, "exit_code", 1))
            if not hasattr(e, "exit_code"):
                import traceback

                buf.write("Traceback\n" + "".join(traceback.format_exception(e)))
    seconds = time.perf_counter() - t0
    print(json.dumps({"code": code, "seconds": seconds, "output": buf.getvalue()}))


def run(name: str, timeout: float) -> tuple[str, float, float, str]:
    case = BY_NAME[name]
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "MFGDATA_HOME": str(root / "home"), "COLUMNS": "250"}
        cmd = [sys.executable, __file__, "--child", name, str(root)]
        log = root / "log.json"
        with log.open("wb") as fh:
            proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.DEVNULL, env=env)
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            _, status, usage = os.wait4(proc.pid, 0)
            timer.cancel()
        rss = usage.ru_maxrss / 1024
        if os.WIFSIGNALED(status):
            return "timeout", timeout, rss, ""
        got = json.loads(log.read_text().strip().splitlines()[-1])
        errors = [ln for ln in got["output"].splitlines() if ln.startswith(ERROR_PREFIX)]
        outcome = Outcome(got["code"], got["output"], errors, "Traceback" in got["output"])
        problem = judge(case, outcome, root / "out" / "product")
        verdict = "ok" if problem is None else "WRONG"
        return verdict, got["seconds"], rss, problem or (errors[0] if errors else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--child", nargs=2, metavar=("CASE", "DIR"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    names = args.cases or [c.name for c in CASES]
    print(f"{'case':28} {'expect':8} {'verdict':8} {'s':>6} {'MB':>6}  detail")
    rows = []
    for name in names:
        verdict, sec, rss, detail = run(name, args.timeout)
        rows.append((name, BY_NAME[name].outcome, verdict, sec, rss))
        print(
            f"{name:28} {BY_NAME[name].outcome:8} {verdict:8} {sec:6.2f} {rss:6.0f}  {detail[:110]}"
        )
        sys.stdout.flush()
    ok = [r for r in rows if r[2] == "ok"]
    slow = max(rows, key=lambda r: r[3])
    big = max(rows, key=lambda r: r[4])
    print(
        f"\n{len(rows)} cases: {sum(r[1] == 'product' for r in ok)} correct products, "
        f"{sum(r[1] == 'refusal' for r in ok)} clear refusals, "
        f"{sum(r[2] != 'ok' for r in rows)} wrong/timeouts; slowest {slow[0]} {slow[3]:.2f} s; "
        f"largest peak RSS {big[0]} {big[4]:.0f} MB"
    )


if __name__ == "__main__":
    main()
