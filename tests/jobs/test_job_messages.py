"""A failed job tells its owner the problem in the file's own name, never a server path."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mfgdata.errors import InputError
from mfgdata.jobs.build import run_build_job
from mfgdata.jobs.messages import public_message, scrub_paths
from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = web_settings(tmp_path / "home", db_url)
    with TestClient(web_app(settings), raise_server_exceptions=False) as c:
        signup(c, "Acme")
        yield c, settings


def _zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _ragged_late() -> bytes:
    """Fine where the upload checks look (the first rows), broken where only the build reads."""
    rows = ["일시,온도"] + [
        f"2024-03-01 00:{i // 60:02d}:{i % 60:02d},{20 + i % 7}" for i in range(300)
    ]
    return ("\n".join([*rows, "2024-03-01 09:00:00,1,2,3"]) + "\n").encode("cp949")


@pytest.mark.parametrize(
    ("filename", "data", "shown"),
    [
        ("라인2 잘림.csv", _ragged_late(), "라인2 잘림.csv"),
        ("day.zip", _zip("logs/a.csv", _ragged_late()), "logs/a.csv"),
    ],
)
def test_failed_job_message_has_no_server_path(
    world: tuple[TestClient, Settings], filename: str, data: bytes, shown: str
) -> None:
    client, settings = world
    up = client.post("/api/v1/uploads", files={"file": (filename, data)})
    assert up.status_code == 201, up.text
    job = client.post("/api/v1/jobs/build", json={"uploads": [up.json()["id"]]}).json()
    assert run_build_job(job["id"], settings) == "failed"
    body = client.get(f"/api/v1/jobs/{job['id']}").json()
    message = body["message"]
    assert body["status"] == "failed" and " / " in message
    assert str(settings.home) not in message and "/uploads/" not in message
    assert shown in message, message
    assert str(settings.home) not in client.get(f"/api/v1/jobs/{job['id']}").text


def test_public_message_names_files_as_their_owner_knows_them(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    stored = settings.home / "uploads" / "3" / "ab12" / "files" / "day 1" / "a.csv"
    error = InputError("헤더만 있습니다", "header only", file=stored, line=1)
    assert public_message(error, settings) == "헤더만 있습니다 / header only (day 1/a.csv, line 1)"
    text = f"cannot read {settings.home}/uploads/3/ab12/x.csv and '/etc/secret/key.pem'"
    assert scrub_paths(text, settings) == "cannot read x.csv and 'key.pem'"
    crash = OSError(f"[Errno 2] No such file: '{stored}'")
    shown = public_message(crash, settings)
    assert "OSError" in shown and str(tmp_path) not in shown and " / " in shown
