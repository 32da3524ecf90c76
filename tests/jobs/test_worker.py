"""Build jobs run by a real Huey consumer process (``mfgdata worker``), killed and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mfgdata.db.engine import make_engine
from mfgdata.db.tables import Job, Product, ProductVersion
from mfgdata.samples import demo_files
from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings

WORKER = "from mfgdata.cli.worker import worker; worker(workers=1, sweep=True)"
OPTIONS = {"time_column": "일시", "target": "불량여부", "id_column": "설비ID"}


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = web_settings(tmp_path / "home", db_url)
    with TestClient(web_app(settings), raise_server_exceptions=False) as c:
        signup(c, "Acme")
        yield c, settings


@pytest.fixture
def start_worker(
    world: tuple[TestClient, Settings], tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    _, settings = world
    env = {
        **os.environ,
        "MFGDATA_HOME": str(settings.home),
        "MFGDATA_DATABASE_URL": str(settings.database_url),
    }
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-c", WORKER], env=env, stdout=log, stderr=log)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def upload_demo(client: TestClient) -> list[int]:
    ids = []
    for path in demo_files():
        resp = client.post("/api/v1/uploads", files={"file": (path.name, path.read_bytes())})
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    return ids


def wait_for(
    client: TestClient, job_id: int, done: Callable[[dict[str, Any]], bool], timeout: float = 180
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if done(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not reach the state in {timeout}s: {job}")


def leftovers(settings: Settings) -> list[Path]:
    return [p for p in settings.home.rglob("*") if ".partial" in p.name]


def versions(settings: Settings, product_id: str) -> list[tuple[int, str]]:
    engine = make_engine(str(settings.database_url))
    try:
        with Session(engine) as s:
            stmt = select(ProductVersion.version, ProductVersion.status).where(
                ProductVersion.product_id == product_id
            )
            return [(v, st) for v, st in s.execute(stmt).all()]
    finally:
        engine.dispose()


def test_build_job_succeeds_with_a_draft_product(
    world: tuple[TestClient, Settings], start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    client, settings = world
    resp = client.post(
        "/api/v1/jobs/build",
        json={"uploads": upload_demo(client), "product_id": "demo-job", **OPTIONS},
    )
    assert resp.status_code == 202 and resp.json()["status"] == "queued"
    job_id = resp.json()["id"]
    start_worker()
    seen: set[str] = set()

    def finished(job: dict[str, Any]) -> bool:
        seen.add(job["message"].split(":")[0])
        return job["status"] in ("succeeded", "failed")

    job = wait_for(client, job_id, finished)
    assert job["status"] == "succeeded", job["message"]
    assert job["progress"] == 1.0 and job["attempts"] == 1
    assert (job["product_id"], job["product_version"]) == ("demo-job", 1)
    assert versions(settings, "demo-job") == [(1, "draft")]
    assert {"ingest", "quality"} <= seen or len(seen) >= 2  # progress was visible on the way
    stored = settings.home / "objects" / "products" / "demo-job" / "1" / "manifest.json"
    assert stored.is_file() and leftovers(settings) == []
    events = client.get(f"/api/v1/jobs/{job_id}/progress").text
    assert (
        "event: progress" in events and '"status":"succeeded"' in events and "event: done" in events
    )
    other = TestClient(client.app)
    signup(other, "Bolt")
    assert other.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert other.get(f"/api/v1/jobs/{job_id}/progress").status_code == 404
    assert other.get("/api/v1/jobs").json() == []


def test_worker_killed_mid_build_is_retried_once_without_half_registration(
    world: tuple[TestClient, Settings], start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    client, settings = world
    job_id = client.post(
        "/api/v1/jobs/build",
        json={"uploads": upload_demo(client), "product_id": "kill-job", **OPTIONS},
    ).json()["id"]
    first = start_worker()
    wait_for(
        client, job_id, lambda j: j["status"] == "running" and j["progress"] > 0.05, timeout=120
    )
    first.send_signal(signal.SIGKILL)
    first.wait()
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "running" and job["progress"] < 0.95  # killed mid-build
    assert versions(settings, "kill-job") == []
    start_worker()
    job = wait_for(client, job_id, lambda j: j["status"] in ("succeeded", "failed"))
    assert job["status"] == "succeeded", job["message"]
    assert job["attempts"] == 2
    assert versions(settings, "kill-job") == [(1, "draft")]
    assert sorted(
        p.name for p in (settings.home / "objects" / "products" / "kill-job").iterdir()
    ) == ["1"]
    assert leftovers(settings) == []
    assert not (settings.home / "jobs" / str(job_id) / "product").exists()
    engine = make_engine(str(settings.database_url))
    with Session(engine) as s:
        assert s.scalar(select(func.count(Product.id)).where(Product.id == "kill-job")) == 1
        assert s.get(Job, job_id).result_version_id is not None  # type: ignore[union-attr]
    engine.dispose()


def test_bad_input_fails_the_job_without_retry(
    world: tuple[TestClient, Settings], start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    client, settings = world
    up = client.post("/api/v1/uploads", files={"file": ("x.csv", b"a,b\n1,2\n")}).json()["id"]
    job_id = client.post(
        "/api/v1/jobs/build",
        json={"uploads": [up], "time_column": "없는열", "product_id": "bad-job"},
    ).json()["id"]
    start_worker()
    job = wait_for(client, job_id, lambda j: j["status"] in ("succeeded", "failed"), timeout=120)
    assert job["status"] == "failed" and job["attempts"] == 1
    assert " / " in job["message"]  # Korean / English
    assert versions(settings, "bad-job") == [] and leftovers(settings) == []
