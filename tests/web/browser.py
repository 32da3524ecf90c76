"""What every browser test shares: Debian chromium for Playwright, and a real uvicorn server (and
optionally the job worker) started as child processes on a fresh home."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PASSWORD = "correct horse battery"
SERVER = (
    "import uvicorn; uvicorn.run('mfgdata.api.pages.site:create_site', factory=True, "
    "host='127.0.0.1', port={port}, log_level='warning')"
)
WORKER = "from mfgdata.cli.worker import worker; worker(workers=1, sweep=True)"

#: skipped only outside CI when chromium is missing; in CI a missing browser fails the test
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="needs /usr/bin/chromium (apt-get install chromium); required in CI",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


@contextmanager
def serve(home: Path, url: str, logs: Path, *, worker: bool = False) -> Iterator[str]:
    """The site (and the worker) on ``home`` and the database ``url``; yields the base URL.

    Waits until the OpenAPI document answers (30 s at most); a server that dies or never answers
    fails with its log. The processes are terminated (killed after 10 s) on exit."""
    env = {**os.environ, "MFGDATA_HOME": str(home), "MFGDATA_DATABASE_URL": url}
    port = free_port()
    codes = [("server", SERVER.format(port=port))] + ([("worker", WORKER)] if worker else [])
    procs = []
    for name, code in codes:
        log = (logs / f"{name}.log").open("wb")
        procs.append(
            subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log, stderr=log)
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or procs[0].poll() is not None:
                raise RuntimeError((logs / "server.log").read_text(errors="replace"))
            time.sleep(0.2)
        yield base
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
