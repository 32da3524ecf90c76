"""Leases of running jobs: ``{home}/jobs/<id>/lease.json`` renewed by the worker's heartbeat.

A lease names its holder (host, pid). It is stale when it was not renewed for
``job_lease_seconds``, or at once when its holder is a dead process on this host.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from pathlib import Path

from mfgdata.settings import Settings

HEARTBEAT_SECONDS = 2.0


def job_dir(settings: Settings, job_id: int) -> Path:
    return settings.home / "jobs" / str(job_id)


def lease_path(settings: Settings, job_id: int) -> Path:
    return job_dir(settings, job_id) / "lease.json"


def holder() -> dict[str, object]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def renew(settings: Settings, job_id: int) -> None:
    path = lease_path(settings, job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**holder(), "at": time.time()}), encoding="utf-8")
    os.replace(tmp, path)


def release(settings: Settings, job_id: int) -> None:
    lease_path(settings, job_id).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(settings: Settings, job_id: int, now: float | None = None) -> bool:
    """True when nobody holds the job's lease any more."""
    path = lease_path(settings, job_id)
    try:
        lease = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    if lease.get("host") == socket.gethostname() and not _alive(int(lease.get("pid", 0))):
        return True
    if lease.get("host") == socket.gethostname() and int(lease.get("pid", 0)) == os.getpid():
        return False
    return (now or time.time()) - float(lease.get("at", 0)) > settings.job_lease_seconds


class Heartbeat:
    """Renews a job's lease in a daemon thread while the job runs (a context manager)."""

    def __init__(self, settings: Settings, job_id: int) -> None:
        self.settings, self.job_id = settings, job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"lease-{job_id}")

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            renew(self.settings, self.job_id)

    def __enter__(self) -> Heartbeat:
        renew(self.settings, self.job_id)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        release(self.settings, self.job_id)
