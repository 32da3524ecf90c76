"""Open API rows vs Datasette: a 1M-row table, the same filtered page of 100 rows, same load.

mfgdata: ``mfgdata serve`` (uvicorn, one process) on a registered, published product, called
with an API token of the owner organisation (``Authorization: Bearer mfg_...``, scope ``api``):
authentication, authorization and metering on, as a customer meets them.
Datasette: the same table in SQLite (index on the filtered text column), its fair API setting
(``_shape=array&_size=100&_nosuggest=1``), from the anchors' venv that ``setup_anchors.sh`` makes
(``benchmarks/.venv-anchors``, from PyPI; the benchmark runs it when Datasette is missing; never
the project's venv).
Load: wrk (2 threads, 16 connections) on 127.0.0.1, the two servers measured alternately in
``--rounds`` paired rounds of ``--seconds`` each; without wrk a bounded httpx loop.
Prints requests/s, p50 and p99 for both, each server's CPU seconds under load (and per 1,000
requests) and peak RSS (Linux ``/proc``), the ratio and the machine's load.
Target (issue 12): >= 1.5x Datasette's requests/s at <= its p99.

    .venv/bin/python benchmarks/bench_api.py [--rows 1000000] [--seconds 20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
BENCH_PY = HERE / ".venv-anchors" / "bin" / "python"
#: what ``mfgdata serve --port P --log-level warning --no-access-log`` runs
SERVE = (
    "from mfgdata.cli.serve import serve; "
    "serve(host='127.0.0.1', port={port}, workers=1, log_level='warning', access_log=False)"
)


def make_table(n: int) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    start = np.datetime64("2024-01-01T00:00:00")
    return pl.DataFrame(
        {
            "ts": (start + np.arange(n).astype("timedelta64[s]")).astype("datetime64[us]"),
            "machine": np.array([f"M{i}" for i in range(20)])[rng.integers(0, 20, n)],
            "temp": rng.normal(200, 5, n).round(2),
            "pressure": rng.normal(80, 3, n).round(2),
            "speed": rng.normal(50, 8, n).round(2),
            "count": rng.integers(0, 1000, n),
        }
    )


def make_product(df: pl.DataFrame, folder: Path) -> None:
    from mfgdata.pipeline.manifest import write_manifest

    (folder / "data").mkdir(parents=True)
    df.write_parquet(folder / "data" / "table.parquet", row_group_size=64_000, statistics=True)
    fields = [{"name": c, "type": "string"} for c in df.columns]
    package = {
        "name": "bench",
        "resources": [{"path": "data/table.parquet", "schema": {"fields": fields}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    (folder / "lineage.json").write_text(json.dumps({"options": {"time_column": "ts"}}))
    write_manifest(folder, {"product_id": "bench", "version": "1"})


def bench_python() -> Path:
    """The anchors' interpreter with Datasette (``setup_anchors.sh`` is run if it is missing)."""
    probe = [str(BENCH_PY), "-c", "import datasette"]
    if BENCH_PY.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return BENCH_PY
    print("setting up the anchors' venv (Datasette from PyPI) ...", flush=True)
    subprocess.run(["sh", str(HERE / "setup_anchors.sh"), sys.executable], check=True)
    return BENCH_PY


def register(folder: Path, home: Path) -> str:
    """Register and publish the product; an ``api`` token of the owner organisation."""
    from sqlalchemy.orm import Session

    from mfgdata.accounts import tokens
    from mfgdata.catalog.register import register_product
    from mfgdata.db.engine import make_engine
    from mfgdata.db.migrate import upgrade
    from mfgdata.db.repositories.organisations import get_or_create_organisation
    from mfgdata.db.repositories.users import UserCreate, create_user
    from mfgdata.settings import Settings

    url = f"sqlite:///{home / 'mfgdata.db'}"
    upgrade(url)
    settings = Settings(home=home, database_url=url)
    with Session(make_engine(url), expire_on_commit=False) as session:
        org = get_or_create_organisation(session=session, name="bench", kind="manufacturer")
        row = register_product(folder, session=session, owner_org=org, settings=settings)
        row.status = "published"  # the benchmark skips the quality workflow
        user = create_user(
            session=session,
            data=UserCreate(
                email="bench@bench.kr",
                name="bench",
                org_id=org.id,
                role="member",
                password="bench-password-1",
            ),
        )
        made = tokens.create_token(session=session, user=user, name="bench", scopes=["api"])
        session.commit()
        return made.secret


def make_sqlite(df: pl.DataFrame, path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE readings (ts TEXT, machine TEXT, temp REAL, pressure REAL, speed REAL, "
        "count INTEGER)"
    )
    rows = df.with_columns(pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S")).iter_rows()
    con.executemany("INSERT INTO readings VALUES (?,?,?,?,?,?)", rows)
    con.execute("CREATE INDEX readings_machine ON readings(machine)")
    con.commit()
    con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not come up: {url}")


def wrk(url: str, seconds: int, headers: dict[str, str]) -> dict[str, float]:
    extra = [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}

    def latency(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        return float(m.group(1)) * scale[m.group(2)] if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latency("50"),
        "p99": latency("99"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


def httpx_load(url: str, seconds: int, headers: dict[str, str]) -> dict[str, float]:
    """Fallback: 16 threads of a blocking client (bounded in time)."""
    from concurrent.futures import ThreadPoolExecutor

    end = time.monotonic() + seconds

    def worker(_: int) -> list[float]:
        times = []
        with httpx.Client(headers=headers) as c:
            while time.monotonic() < end:
                t = time.perf_counter()
                c.get(url).raise_for_status()
                times.append((time.perf_counter() - t) * 1e3)
        return times

    with ThreadPoolExecutor(16) as pool:
        lat = np.concatenate([np.array(t) for t in pool.map(worker, range(16))])
    return {"rps": len(lat) / seconds, "p50": float(np.percentile(lat, 50)),
            "p99": float(np.percentile(lat, 99)), "non2xx": 0.0}  # fmt: skip


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its threads so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_peak_mib(pid: int) -> float:
    """The process' peak resident set (``VmHWM``) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_load(url: str, seconds: int, headers: dict[str, str], pid: int) -> dict[str, float]:
    """One load window; with the server's CPU seconds spent in it and per 1,000 requests."""
    cpu = process_cpu(pid)
    got = wrk(url, seconds, headers) if shutil.which("wrk") else httpx_load(url, seconds, headers)
    got["cpu"] = process_cpu(pid) - cpu
    got["requests"] = got["rps"] * seconds
    return got


def combine(runs: list[dict[str, float]]) -> dict[str, float]:
    """Rounds of one server: mean requests/s and p50, worst p99, all non-2xx."""
    return {
        "rps": float(np.mean([r["rps"] for r in runs])),
        "p50": float(np.mean([r["p50"] for r in runs])),
        "p99": float(max(r["p99"] for r in runs)),
        "non2xx": float(sum(r["non2xx"] for r in runs)),
        "cpu": float(sum(r["cpu"] for r in runs)),
        "cpu_per_1k": 1e3 * sum(r["cpu"] for r in runs) / max(sum(r["requests"] for r in runs), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    datasette_py = bench_python()
    work = Path(tempfile.mkdtemp(prefix="bench-api-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        df = make_table(args.rows)
        make_product(df, work / "build")
        secret = register(work / "build", work / "home")
        make_sqlite(df, work / "bench.db")
        env = {
            "MFGDATA_HOME": str(work / "home"),
            "PATH": str(Path(sys.executable).parent),
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        }
        mport, dport = free_port(), free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-c", SERVE.format(port=mport)], env=env, cwd=work))  # fmt: skip
        procs.append(subprocess.Popen(
            [str(datasette_py), "-m", "datasette", "serve", str(work / "bench.db"), "-p",
             str(dport), "-h", "127.0.0.1", "--setting", "default_page_size", "100"],
            cwd=work, stdout=subprocess.DEVNULL))  # fmt: skip
        ours = (
            f"http://127.0.0.1:{mport}/api/v1/products/bench/versions/1/rows"
            "?f.machine=M3&f.temp__gte=205&limit=100"
        )
        theirs = (
            f"http://127.0.0.1:{dport}/bench/readings.json"
            "?machine=M3&temp__gte=205&_size=100&_shape=array&_nosuggest=1"
        )
        auth = {"Authorization": f"Bearer {secret}"}
        wait_up(theirs, procs[1])
        end = time.monotonic() + 60
        while True:
            try:
                if httpx.get(ours, headers=auth, timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if procs[0].poll() is not None or time.monotonic() > end:
                raise RuntimeError("mfgdata did not answer 200 with the token")
            time.sleep(0.3)
        assert httpx.get(ours).status_code == 401, "the rows API must need a token"
        a, b = httpx.get(ours, headers=auth).json()["rows"], httpx.get(theirs).json()
        assert len(a) == len(b) == 100, (len(a), len(b))
        assert [r["temp"] for r in a] == [r["temp"] for r in b], "the two pages differ"
        tool = "wrk" if shutil.which("wrk") else "httpx threads"
        print(f"{args.rows} rows; load: {tool}, 16 connections, {args.rounds} paired rounds of "
              f"{args.seconds} s; load average before: {os.getloadavg()[0]:.2f}")  # fmt: skip
        runs: dict[str, list[dict[str, float]]] = {"mfgdata": [], "datasette": []}
        for i in range(args.rounds):
            order = [("mfgdata", ours, auth, procs[0]), ("datasette", theirs, {}, procs[1])]
            for name, url, headers, proc in order if i % 2 == 0 else order[::-1]:
                runs[name].append(run_load(url, args.seconds, headers, proc.pid))
        results = {name: combine(r) for name, r in runs.items()}
        peaks = {name: process_peak_mib(p.pid) for name, p in zip(runs, procs, strict=True)}
        for name, r in results.items():
            print(f"{name:10s} {r['rps']:9.1f} req/s  p50 {r['p50']:7.2f} ms  "
                  f"p99 {r['p99']:7.2f} ms  non-2xx {int(r['non2xx'])}  "
                  f"server {r['cpu']:6.1f} CPU-s ({r['cpu_per_1k']:.2f} per 1,000 requests)  "
                  f"peak RSS {peaks[name]:6.0f} MiB")  # fmt: skip
        ratio = results["mfgdata"]["rps"] / max(results["datasette"]["rps"], 1e-9)
        p99 = results["mfgdata"]["p99"] / max(results["datasette"]["p99"], 1e-9)
        ok = ratio >= 1.5 and p99 <= 1.0 and results["mfgdata"]["non2xx"] == 0
        print(f"ratio {ratio:.2f}x requests/s, p99 {p99:.2f}x of Datasette's; "
              f"target (>= 1.5x at <= its p99) {'met' if ok else 'NOT met'}; "
              f"load average after: {os.getloadavg()[0]:.2f}")  # fmt: skip
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
