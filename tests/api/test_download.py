"""The product zip: equals the product folder, cached by manifest, HTTP ranges (206, suffix,
416, several ranges → whole file, If-Range), ETag; owner and granted organisations only."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mfgdata.api.routes.download import parse_range
from web.world import PUBLISHED, World, make_world

URL = f"/api/v1/products/{PUBLISHED}/versions/1/download"


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, built_product: Path
) -> Iterator[tuple[World, dict[str, TestClient]]]:
    made = make_world(tmp_path_factory.mktemp("dl-home"), built_product)
    yield made
    for c in made[1].values():
        c.close()


def test_the_zip_equals_the_product_folder_and_is_cached(
    world: tuple[World, dict[str, TestClient]],
) -> None:
    w, clients = world
    resp = clients["maker"].get(URL)
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/zip"
    assert resp.headers["accept-ranges"] == "bytes"
    assert int(resp.headers["content-length"]) == len(resp.content)
    files = {
        p.relative_to(w.folder).as_posix(): p.read_bytes()
        for p in w.folder.rglob("*")
        if p.is_file()
    }
    with zipfile.ZipFile(io.BytesIO(resp.content)) as zf:
        got = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}
    assert got == files
    assert "manifest.json" in got
    assert {"LICENSE.ko.md", "LICENSE.en.md"} <= set(got)  # the licence travels with the data
    cached = list((w.settings.home / "objects" / "zips").glob("*.zip"))
    assert len(cached) == 1 and cached[0].read_bytes() == resp.content
    assert clients["maker"].get(URL).content == resp.content


def test_ranges(world: tuple[World, dict[str, TestClient]]) -> None:
    _, clients = world
    c = clients["maker"]
    whole = c.get(URL).content
    size = len(whole)
    etag = c.get(URL).headers["etag"]
    first = c.get(URL, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.content == whole[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    suffix = c.get(URL, headers={"Range": "bytes=-50"})
    assert suffix.status_code == 206 and suffix.content == whole[-50:]
    assert suffix.headers["content-range"] == f"bytes {size - 50}-{size - 1}/{size}"
    tail = c.get(URL, headers={"Range": f"bytes={size - 10}-"})
    assert tail.status_code == 206 and tail.content == whole[-10:]
    clipped = c.get(URL, headers={"Range": f"bytes=10-{size + 1000}"})
    assert clipped.status_code == 206 and clipped.content == whole[10:]
    bad = c.get(URL, headers={"Range": f"bytes={size}-"})
    assert bad.status_code == 416
    assert bad.headers["content-range"] == f"bytes */{size}"
    several = c.get(URL, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200 and several.content == whole
    stale = c.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == whole
    fresh = c.get(URL, headers={"Range": "bytes=0-9", "If-Range": etag})
    assert fresh.status_code == 206 and fresh.content == whole[:10]
    assert c.get(URL, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-0", 10, (0, 0)),
        ("bytes=-3", 10, (7, 9)),
        ("bytes=-30", 10, (0, 9)),
        ("bytes=4-", 10, (4, 9)),
        ("bytes=10-", 10, "416"),
        ("bytes=-0", 10, "416"),
        ("bytes=5-2", 10, None),
        ("items=0-1", 10, None),
        ("bytes=0-1,3-4", 10, None),
        ("bytes=x-y", 10, None),
    ],
)
def test_parse_range(header: str, size: int, expected: object) -> None:
    assert parse_range(header, size) == expected


def test_access_is_denied_without_a_grant(world: tuple[World, dict[str, TestClient]]) -> None:
    w, clients = world
    assert w.client().get(URL).status_code == 401
    for who in ("buyer", "other"):
        resp = clients[who].get(URL)
        assert resp.status_code == 403, who
        assert resp.json()["error"]["code"] == "permission_denied"
    assert clients["buyer"].get(URL.replace(PUBLISHED, "web-draft")).status_code == 404
    assert clients["maker"].get(URL.replace(PUBLISHED, "web-draft")).status_code == 200


def test_a_token_needs_the_download_scope(world: tuple[World, dict[str, TestClient]]) -> None:
    _, clients = world
    maker = clients["maker"]
    csrf = {"X-CSRF-Token": str(maker.cookies.get("mfgdata_csrf"))}
    read = maker.post("/api/v1/tokens", json={"name": "r", "scopes": ["read"]}, headers=csrf)
    dl = maker.post("/api/v1/tokens", json={"name": "d", "scopes": ["download"]}, headers=csrf)
    assert read.status_code == 201 and dl.status_code == 201
    plain = TestClient(maker.app)
    bearer = {"Authorization": f"Bearer {read.json()['token']}"}
    assert plain.get(URL, headers=bearer).status_code == 403
    bearer = {"Authorization": f"Bearer {dl.json()['token']}"}
    assert plain.get(URL, headers=bearer).status_code == 200
