"""First run just works: ``mfgdata serve`` on an empty MFGDATA_HOME answers its home page.

The server is a real subprocess (uvicorn), as a new user starts it; a PostgreSQL database that is
behind on migrations is refused with the command to run, never migrated behind the operator.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from mfgdata.db.engine import dispose_engines, make_engine
from mfgdata.db.migrate import SchemaBehind, downgrade, ensure_schema, head_revision
from mfgdata.settings import Settings

CLI = "from mfgdata.cli.app import main; main()"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MFGDATA_")}
    env["MFGDATA_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


def test_serve_on_an_empty_home_answers_200(tmp_path: Path) -> None:
    home = tmp_path / "new-user-home"  # does not even exist yet
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "--port", str(port), "--log-level", "warning"],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline, resp = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        assert resp is not None, proc.communicate(timeout=10)[0].decode(errors="replace")
        assert resp.status_code == 200, resp.text[:2000]
        assert "mfgdata" in resp.text
        for path in ("/library", "/api/v1/catalog.jsonld"):
            assert httpx.get(f"http://127.0.0.1:{port}{path}", timeout=10).status_code < 500
        # uvicorn's own default would believe X-Forwarded-For from 127.0.0.1: not here
        login = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            json={"email": "nobody@x.kr", "password": "wrong password"},
            headers={"X-Forwarded-For": "203.0.113.9"},
            timeout=10,
        )
        assert login.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert (home / "mfgdata.db").is_file()
    with sqlite3.connect(home / "mfgdata.db") as con:
        ips = [r[0] for r in con.execute("SELECT ip FROM audit_log WHERE action LIKE 'login%'")]
    assert ips == ["127.0.0.1"]


def test_ensure_schema_migrates_sqlite_and_refuses_a_server_db_behind(db_url: str) -> None:
    downgrade(db_url, "base")
    settings = Settings(home=Path("/nonexistent-home-unused"), database_url=db_url)
    if db_url.startswith("sqlite"):
        settings = Settings(home=Path(db_url.split("///", 1)[1]).parent, database_url=db_url)
        assert ensure_schema(settings) == head_revision()
        engine = make_engine(db_url)
        assert "product_versions" in inspect(engine).get_table_names()
        engine.dispose()
        return
    with pytest.raises(SchemaBehind) as info:
        ensure_schema(settings)
    assert "mfgdata db upgrade" in info.value.en and "mfgdata db upgrade" in info.value.ko
    engine = make_engine(db_url)
    assert "product_versions" not in inspect(engine).get_table_names()  # not touched
    engine.dispose()
    dispose_engines()


def test_worker_refuses_a_server_db_behind(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("the embedded database is migrated, not refused")
    downgrade(db_url, "base")
    env = {**_env(Path("/tmp/unused-home")), "MFGDATA_DATABASE_URL": db_url}
    done = subprocess.run(
        [sys.executable, "-c", CLI, "worker"], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "mfgdata db upgrade" in err and "Traceback" not in err
