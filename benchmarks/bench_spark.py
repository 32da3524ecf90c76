"""Benchmark the Spark engine on a two-worker standalone cluster against the Polars engine.

Starts a standalone master and two workers on 127.0.0.1 (``spark-class`` from the pyspark
package's ``bin/``; daemons at ``SPARK_DAEMON_MEMORY``, each worker offering 1 core and
``--worker-memory``), generates a seeded table (``--rows``, default 10M; 3 machines, 1 s, gaps,
a stuck run, spikes, nulls, duplicate rows) as Parquet, then builds it twice in fresh driver
processes: ``--engine spark --spark-master spark://127.0.0.1:PORT`` and ``--engine polars``, with
the data steps issue 19 names (ingest, profile, preprocess by recipe, quality, package; ``--steps
all`` for the whole flow). Prints wall time, each process's peak RSS (VmHWM from
/proc/PID/status, sampled every 0.2 s over the driver, the master, the workers and every process
they start: executors, Python workers) and the ratios to the Polars engine; then stops the
cluster and compares every product file of the two builds.

Usage: python benchmarks/bench_spark.py [--rows 10000000] [--dir D] [--out results.txt]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE.parent))

DRIVER = """
import sys
from mfgdata.pipeline.context import build_options
from mfgdata.flow import build, default_steps
src, out, recipe, engine, master, names = sys.argv[1:7]
values = {"recipe": recipe, "engine": engine, "id_column": "설비", "product_id": "bench"}
if engine == "spark":
    values["spark_master"] = master
steps = [s for s in default_steps() if names == "all" or s.name in names.split(",")]
build(build_options([src], out, values), steps=steps)
"""

#: the data steps issue 19 names (ingest, profile, preprocess, quality, package)
DATA_STEPS = "ingest,profile,preprocess,quality,package"


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            out += [int(c) for c in text]
    except OSError:
        pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"


class PeakRss:
    """VmHWM of every process under the given roots, sampled until stopped."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _label(self, root: str, pid: int, depth: int) -> str:
        if depth == 0:
            return root
        cmd = _cmdline(pid)
        kind = (
            "executor"
            if "CoarseGrainedExecutorBackend" in cmd
            else "python"
            if "python" in cmd
            else "child"
        )
        return f"{root}/{kind}:{pid}"

    def _run(self) -> None:
        while not self._stop.is_set():
            for root, pid in self.roots.items():
                todo = [(pid, 0)]
                while todo:
                    p, depth = todo.pop()
                    kb = _status_kb(p, "VmHWM")
                    if kb:
                        label = self.peaks.get(p, (self._label(root, p, depth), 0))[0]
                        self.peaks[p] = (label, max(kb, self.peaks.get(p, ("", 0))[1]))
                    todo += [(c, depth + 1) for c in _children(p)]
            self._stop.wait(0.2)

    def by_label(self) -> list[tuple[str, int]]:
        return sorted(self.peaks.values())


def make_table(path: Path, rows: int) -> None:
    from tests.engine.test_parity import sensor_table

    per = max(rows // 3 - rows // 150, 10)
    t = sensor_table(per).with_columns(pl.col("시간").str.to_datetime("%Y-%m-%d %H:%M:%S%.3f"))
    t.write_parquet(path, row_group_size=1_000_000)


def _log(path: Path) -> Any:
    """The daemon's log file (left open for the daemon's lifetime)."""
    return path.open("wb")


def start_cluster(
    bin_dir: Path, port: int, worker_mem: str, log: Path
) -> dict[str, subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "512m",
        "PYSPARK_PYTHON": sys.executable,
        "SPARK_NO_DAEMONIZE": "1",
    }
    cls = str(bin_dir / "spark-class")
    procs = {
        "master": subprocess.Popen(
            [
                cls,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(port + 1),
            ],
            env=env,
            stdout=_log(log / "master.log"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    }
    time.sleep(6)
    for i in (1, 2):
        procs[f"worker{i}"] = subprocess.Popen(
            [
                cls,
                "org.apache.spark.deploy.worker.Worker",
                f"spark://127.0.0.1:{port}",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                worker_mem,
                "--webui-port",
                str(port + 1 + i),
                "--work-dir",
                str(log / f"work{i}"),
            ],
            env=env,
            stdout=_log(log / f"worker{i}.log"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    time.sleep(8)
    return procs


def stop_cluster(procs: dict[str, subprocess.Popen[bytes]]) -> None:
    for p in procs.values():  # each daemon in its own session: its group only
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs.values():
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def run_driver(
    args: list[str], roots: dict[str, int], env: dict[str, str]
) -> tuple[float, list[tuple[str, int]]]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, *args], env=env)
    with PeakRss({**roots, "driver": proc.pid}) as peaks:
        rc = proc.wait()
    if rc != 0:
        raise SystemExit(f"build failed ({rc}): {args}")
    return time.perf_counter() - t0, peaks.by_label()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--port", type=int, default=17077)
    ap.add_argument("--worker-memory", default="1g")
    ap.add_argument("--executor-memory", default="768m")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--steps",
        default=DATA_STEPS,
        help=f"comma-separated step names, or 'all' (default: {DATA_STEPS})",
    )
    a = ap.parse_args()
    work = a.dir or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "sensors.parquet"
    t0 = time.perf_counter()
    make_table(src, a.rows)
    rows = pl.scan_parquet(src).select(pl.len()).collect().item()
    print(
        f"table: {rows:,} rows, {src.stat().st_size / 2**20:.0f} MiB Parquet "
        f"({time.perf_counter() - t0:.0f} s to generate)",
        flush=True,
    )
    from tests.engine.test_parity import RECIPE

    recipe = work / "recipe.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    import pyspark

    bin_dir = Path(pyspark.__file__).parent / "bin"
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "MFGDATA_HOME": str(work / "home"),
        "PYSPARK_SUBMIT_ARGS": f"--executor-memory {a.executor_memory} --driver-memory 1g "
        "--conf spark.cores.max=2 pyspark-shell",
    }
    lines = [
        f"rows: {rows:,}; cluster: 1 master + 2 workers (1 core, {a.worker_memory} each; "
        f"executors {a.executor_memory}); machine: {os.cpu_count()} cores, shared"
    ]
    for d in ("spark", "polars"):
        shutil.rmtree(work / d, ignore_errors=True)
    procs = start_cluster(bin_dir, a.port, a.worker_memory, work)
    try:
        roots = {k: p.pid for k, p in procs.items()}
        master = f"spark://127.0.0.1:{a.port}"
        spark_s, spark_peaks = run_driver(
            [str(src), str(work / "spark"), str(recipe), "spark", master, a.steps], roots, env
        )
    finally:
        stop_cluster(procs)
    polars_s, polars_peaks = run_driver(
        [str(src), str(work / "polars"), str(recipe), "polars", "", a.steps], {}, env
    )
    from benchmarks.spark_realdata import _files

    a_files, b_files = _files(work / "polars"), _files(work / "spark")
    differ = sorted(k for k in a_files.keys() | b_files.keys() if a_files.get(k) != b_files.get(k))
    lines.append(f"spark  wall {spark_s:7.1f} s   (steps: {a.steps}; recipe: tests/engine RECIPE)")
    lines.append(f"polars wall {polars_s:7.1f} s   ratio spark/polars {spark_s / polars_s:.1f}x")
    lines.append("peak RSS (VmHWM) per process, spark run:")
    lines += [f"  {label:40s} {kb / 1024:8.0f} MiB" for label, kb in spark_peaks]
    total = sum(kb for _, kb in spark_peaks)
    lines.append(f"  {'sum of peaks':40s} {total / 1024:8.0f} MiB")
    pol = max(kb for _, kb in polars_peaks)
    lines.append(
        f"peak RSS polars driver: {pol / 1024:.0f} MiB; "
        f"ratio (sum of spark peaks / polars) {total / pol:.1f}x"
    )
    lines.append(
        f"product files: {len(a_files)} (manifest without run times); "
        + (f"differ: {', '.join(differ)}" if differ else "all byte-identical")
    )
    text = "\n".join(lines)
    print(text)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
