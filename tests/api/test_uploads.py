"""Streamed uploads: limits (413, nothing left), sniffing, zip bombs and traversal, isolation."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from mfgdata.settings import Settings
from webapp import signup, web_app, web_settings

LIMIT = 256 * 1024
CSV = "일시,온도[℃]\n2024-03-01 00:00:00,200.5\n".encode("cp949")
_buf = io.BytesIO()
pl.DataFrame({"a": [1, 2]}).write_parquet(_buf)
PARQUET = _buf.getvalue()


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Settings]]:
    settings = web_settings(tmp_path / "home", db_url, max_upload_bytes=LIMIT)
    with TestClient(web_app(settings), raise_server_exceptions=False) as c:
        signup(c, "Acme")
        yield c, settings


def files_under(settings: Settings) -> list[Path]:
    root = settings.home / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client: TestClient, name: str, data: bytes) -> object:
    return client.post("/api/v1/uploads", files={"file": (name, data)})


def zipped(entries: dict[str, bytes], symlink: str | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def test_upload_streams_hashes_and_sanitises(world: tuple[TestClient, Settings]) -> None:
    client, settings = world
    resp = post(client, "../../evil/사출 로그<1>.csv", CSV)
    assert resp.status_code == 201, resp.text  # type: ignore[attr-defined]
    body = resp.json()  # type: ignore[attr-defined]
    assert (
        body["filename"] == "사출 로그1.csv" and body["kind"] == "csv" and body["bytes"] == len(CSV)
    )
    import hashlib

    assert body["sha256"] == hashlib.sha256(CSV).hexdigest()
    [stored] = files_under(settings)
    assert stored.read_bytes() == CSV and stored.is_relative_to(settings.home / "uploads")
    assert [u["id"] for u in client.get("/api/v1/uploads").json()] == [body["id"]]


def test_over_the_limit_is_413_and_leaves_no_file(world: tuple[TestClient, Settings]) -> None:
    client, settings = world
    big = b"a,b\n" + b"1,2\n" * (LIMIT // 4 + 10)
    resp = post(client, "big.csv", big)
    assert resp.status_code == 413  # type: ignore[attr-defined]
    err = resp.json()["error"]  # type: ignore[attr-defined]
    assert err["code"] == "upload_too_large" and err["message_ko"] and err["message_en"]
    raw = client.post("/api/v1/uploads?filename=big.csv", content=iter([big[:100_000]] * 4))
    assert raw.status_code == 413
    assert files_under(settings) == []
    assert client.get("/api/v1/uploads").json() == []


def test_a_file_that_only_looks_like_parquet_is_refused_at_upload(
    world: tuple[TestClient, Settings],
) -> None:
    client, settings = world
    resp = post(client, "x.parquet", b"PAR1" + b"\x00" * 20 + b"PAR1")
    assert resp.status_code == 422, resp.text  # type: ignore[attr-defined]
    assert "parquet" in resp.json()["error"]["message_en"]  # type: ignore[attr-defined]
    assert files_under(settings) == []


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("table.txt", CSV, "csv"),
        ("rows.data", b'{"a": 1}\n{"a": 2}\n', "jsonl"),
        ("x.csv", PARQUET, "parquet"),
    ],
)
def test_kind_is_sniffed_from_content(
    world: tuple[TestClient, Settings], name: str, data: bytes, kind: str
) -> None:
    client, _ = world
    resp = post(client, name, data)
    assert resp.status_code == 201 and resp.json()["kind"] == kind  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.csv", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ],
)
def test_binary_disguised_as_csv_is_rejected(
    world: tuple[TestClient, Settings], name: str, data: bytes
) -> None:
    client, settings = world
    resp = post(client, name, data)
    assert resp.status_code == 422 and resp.json()["error"]["message_ko"]  # type: ignore[attr-defined]
    assert files_under(settings) == []


def test_safe_zip_is_unpacked(world: tuple[TestClient, Settings]) -> None:
    client, _ = world
    resp = post(client, "day.zip", zipped({"a/1.csv": CSV, "2.csv": CSV}))
    assert resp.status_code == 201, resp.text  # type: ignore[attr-defined]
    assert resp.json()["kind"] == "zip" and resp.json()["files"] == ["2.csv", "a/1.csv"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entries", "symlink", "word"),
    [
        ({"../../etc/cron.d/x.csv": CSV}, None, "traversal"),
        ({"/abs/x.csv": CSV}, None, "traversal"),
        ({"ok.csv": CSV}, "link.csv", "symbolic link"),
        ({"bomb.csv": b"0" * (8 * 1024 * 1024)}, None, "zip bomb"),
        ({f"f{i}.csv": CSV for i in range(1001)}, None, "too many entries"),
        ({"inner.zip": b"PK\x05\x06" + b"\x00" * 18}, None, "nested"),
    ],
)
def test_unsafe_zip_is_rejected(
    world: tuple[TestClient, Settings], entries: dict[str, bytes], symlink: str | None, word: str
) -> None:
    client, settings = world
    resp = post(client, "x.zip", zipped(entries, symlink))
    assert resp.status_code == 422, resp.text  # type: ignore[attr-defined]
    err = resp.json()["error"]  # type: ignore[attr-defined]
    assert word in err["message_en"] and err["message_ko"]
    assert files_under(settings) == []
    assert not (settings.home.parent / "etc").exists()


def test_other_organisation_cannot_see_uploads(world: tuple[TestClient, Settings]) -> None:
    client, _ = world
    upload_id = post(client, "a.csv", CSV).json()["id"]  # type: ignore[attr-defined]
    other = TestClient(client.app)
    signup(other, "Bolt")
    assert other.get("/api/v1/uploads").json() == []
    for probe in (upload_id, upload_id + 1000):
        resp = other.get(f"/api/v1/uploads/{probe}")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    build = other.post("/api/v1/jobs/build", json={"uploads": [upload_id]})
    assert build.status_code == 404
    buyer = TestClient(client.app)
    signup(buyer, "Shop", kind="buyer")
    assert post(buyer, "a.csv", CSV).status_code == 403  # type: ignore[attr-defined]
    assert TestClient(client.app).get("/api/v1/uploads").status_code == 401


def deep_jsonl(levels: int) -> bytes:
    record = b'{"a": ' + b'{"b": ' * (levels - 1) + b"1" + b"}" * levels
    return b'{"ok": 1}\n' + record + b"\n"


@pytest.mark.parametrize("where", ["first line", "second line", "inside a zip"])
def test_deeply_nested_jsonl_is_a_clear_4xx_not_a_500(
    world: tuple[TestClient, Settings], where: str
) -> None:
    client, settings = world
    deep = b'{"a": ' * 4999 + b"1" + b"}" * 4999 + b"\n"
    data = {"first line": deep, "second line": deep_jsonl(5000)}.get(where)
    if data is None:  # stored, not deflated: deflated, it is refused as a zip bomb first
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("rows.jsonl", deep_jsonl(5000))
        resp = post(client, "x.zip", buf.getvalue())
    else:
        resp = post(client, "deep.jsonl", data)
    assert resp.status_code == 422, resp.text  # type: ignore[attr-defined]
    err = resp.json()["error"]  # type: ignore[attr-defined]
    assert err["code"] == "limit_exceeded"
    assert f"limit {settings.max_json_depth}" in err["message_en"] and "한도" in err["message_ko"]
    assert err["line"] == (1 if where == "first line" else 2)
    assert files_under(settings) == []


def test_nesting_within_the_limit_is_accepted(world: tuple[TestClient, Settings]) -> None:
    client, settings = world
    ok = deep_jsonl(settings.max_json_depth)
    resp = post(
        client, "ok.jsonl", ok + b'{"s": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}\n' * 3
    )
    assert resp.status_code == 201, resp.text  # type: ignore[attr-defined]
    assert resp.json()["kind"] == "jsonl"  # type: ignore[attr-defined]


def test_an_upload_a_build_would_refuse_is_refused_at_once(
    world: tuple[TestClient, Settings],
) -> None:
    """10,000 columns (issue 13): the upload runs the build's own limits, not a worker later."""
    client, settings = world
    header = ",".join(f"c{i}" for i in range(10_000))
    row = ",".join("1" for _ in range(10_000))
    resp = post(client, "wide.csv", f"{header}\n{row}\n".encode())
    assert resp.status_code == 422, resp.text  # type: ignore[attr-defined]
    err = resp.json()["error"]  # type: ignore[attr-defined]
    assert err["code"] == "limit_exceeded"
    assert f"{settings.max_columns}" in err["message_en"] and "열" in err["message_ko"]
    assert err["file"] == "wide.csv"  # as the user named it, never the server's path
    assert files_under(settings) == []
