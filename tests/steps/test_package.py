"""The package step: data files, datapackage.json, lineage.json, report.html, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest
from frictionless import Package, validate

from mfgdata.errors import ProductError, StepFailed
from mfgdata.flow import build
from mfgdata.pipeline.context import BuildOptions, RunContext
from mfgdata.pipeline.manifest import check_manifest, read_manifest
from mfgdata.pipeline.results import IngestResult
from mfgdata.pipeline.step import StepResult
from mfgdata.steps.package import PackageStep
from steps.package_fakes import EVIL, fill_results, final_frame, make_context

DETERMINISTIC = (
    "data/table.parquet",
    "data/table.csv",
    "datapackage.json",
    "lineage.json",
    "report.html",
)


def _package(tmp_path: Path, df: pl.DataFrame | None = None, name: str = "p") -> RunContext:
    ctx = make_context(tmp_path, name)
    frame = (df if df is not None else final_frame()).lazy()
    fill_results(ctx, frame)
    result = PackageStep().run(frame, ctx)
    ctx.results["package"] = result
    return ctx


def _json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text(encoding="utf-8"))


def test_data_files_round_trip(tmp_path: Path) -> None:
    ctx = _package(tmp_path)
    root = ctx.product.root
    parquet = pl.read_parquet(root / "data/table.parquet")
    assert parquet.equals(final_frame())
    csv = pl.read_csv(root / "data/table.csv", schema=parquet.schema)
    assert csv.equals(parquet)
    head = (root / "data/table.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert head == [
        "time,temperature,pressure,line,ok,count",
        '2024-03-01T08:00:00,,120.0,"B,""2""",false,0',
    ]


def test_datapackage_types_units_key(tmp_path: Path) -> None:
    root = _package(tmp_path).product.root
    pkg = _json(root / "datapackage.json")
    assert pkg["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert pkg["name"] == "press-line" and pkg["title"] == "프레스 라인 3월"
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0"
    assert pkg["sources"][0]["hash"].startswith("sha256:")
    schema = pkg["resources"][0]["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert {n: f["type"] for n, f in fields.items()} == {
        "time": "datetime",
        "temperature": "number",
        "pressure": "number",
        "line": "string",
        "ok": "boolean",
        "count": "integer",
    }
    assert fields["pressure"]["unit"] == "kPa" and fields["pressure"]["rawName"] == "압력(bar)"
    assert fields["temperature"]["unit"] == "°C"
    assert "required" not in fields["temperature"].get("constraints", {})  # has nulls
    assert fields["count"]["constraints"] == {"required": True}
    assert schema["primaryKey"] == ["time"] and schema["missingValues"] == [""]
    for res in pkg["resources"]:
        digest = hashlib.sha256((root / res["path"]).read_bytes()).hexdigest()
        assert res["hash"] == f"sha256:{digest}"


def test_datapackage_validates_with_frictionless(tmp_path: Path) -> None:
    """frictionless-py reads the v2 descriptor; it reads Parquet only through pandas (not a
    dependency here), so the Parquet resource is checked for metadata and the CSV fully."""
    root = _package(tmp_path).product.root
    assert list(Package.metadata_validate(_json(root / "datapackage.json"))) == []
    report = validate(root / "datapackage.json")
    by_name = {t.name: t for t in report.tasks}
    assert by_name["table-csv"].valid, by_name["table-csv"].flatten(["rowNumber", "message"])
    parquet_errors = by_name["table"].flatten(["type", "message"])
    # frictionless reads Parquet through pandas: without pandas it cannot open it; with pandas it
    # reads the rows but cannot count the bytes of the source. Nothing else may be wrong.
    assert all(
        (t == "source-error" and "pandas" in m) or (t == "byte-count" and '"None"' in m)
        for t, m in parquet_errors
    ), parquet_errors
    package = Package(root / "datapackage.json")
    rows = package.get_resource("table-csv").read_rows()
    assert len(rows) == 48 and rows[1]["temperature"] is not None


def test_frictionless_sees_tampered_csv(tmp_path: Path) -> None:
    root = _package(tmp_path).product.root
    csv = root / "data/table.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("120.0", "121.0"), encoding="utf-8")
    report = validate(root / "datapackage.json")
    errors = {t.name: t.flatten(["type"]) for t in report.tasks}
    assert ["hash-count"] in errors["table-csv"]


@pytest.mark.parametrize(
    ("times", "key"),
    [
        (["2024-01-01 00:00:00", "2024-01-01 00:00:01"], ["time"]),
        (["2024-01-01 00:00:00", "2024-01-01 00:00:00"], None),  # duplicate time: no key
        (["2024-01-01 00:00:00", None], None),  # a null time: no key
    ],
)
def test_primary_key_only_when_unique(
    tmp_path: Path, times: list[str | None], key: list[str] | None
) -> None:
    df = pl.DataFrame({"time": times, "v": [1.0, 2.0]}).with_columns(
        pl.col("time").str.to_datetime()
    )
    pkg = _json(_package(tmp_path, df).product.root / "datapackage.json")
    assert pkg["resources"][0]["schema"].get("primaryKey") == key


@pytest.mark.parametrize(
    ("unit", "zone", "fractional", "first_cell", "fmt"),
    [
        ("us", None, False, "2024-01-01T00:00:00", "%Y-%m-%dT%H:%M:%S"),
        ("ms", None, True, "2024-01-01T00:00:00.250", "%Y-%m-%dT%H:%M:%S.%f"),
        ("us", "Asia/Seoul", False, "2024-01-01T00:00:00+09:00", "%Y-%m-%dT%H:%M:%S%z"),
        ("ns", None, True, "2024-01-01T00:00:00.250000000", "any"),
    ],
)
def test_csv_datetimes_are_iso(
    tmp_path: Path, unit: str, zone: str | None, fractional: bool, first_cell: str, fmt: str
) -> None:
    ms = 250 if fractional else 0
    df = pl.DataFrame({"time": [f"2024-01-01 00:00:00.{ms:03d}", "2024-01-01 00:00:01"]})
    df = df.with_columns(pl.col("time").str.to_datetime(time_unit=unit, time_zone=zone))  # type: ignore[arg-type]
    root = _package(tmp_path, df).product.root
    assert (root / "data/table.csv").read_text().splitlines()[1] == first_cell
    field = _json(root / "datapackage.json")["resources"][1]["schema"]["fields"][0]
    assert field["format"] == fmt
    back = pl.read_csv(root / "data/table.csv", schema={"time": df.schema["time"]})
    assert back.equals(df)
    assert validate(root / "datapackage.json").tasks[1].valid


def test_lineage(tmp_path: Path) -> None:
    ctx = _package(tmp_path)
    lin = _json(ctx.product.root / "lineage.json")
    assert lin["inputs"][0]["sha256"] == ctx.results["ingest"].of(IngestResult).inputs[0]["sha256"]
    assert lin["inputs"][0]["encoding"] == "cp949"
    assert [s["step"] for s in lin["steps"]] == ["ingest", "profile", "preprocess", "package"]
    assert lin["steps"][0]["findings"] == 1 and lin["steps"][0]["findings_by_severity"] == {
        "warning": 1
    }
    assert lin["steps"][3]["counts"]["rows"] == 48
    assert re.fullmatch(r"[0-9a-f]{64}", lin["recipe"]["sha256"])
    assert lin["recipe"]["file_sha256"] == hashlib.sha256(b"version: 1\n").hexdigest()
    assert lin["software"]["polars"] == pl.__version__
    assert {"mfgdata", "python", "pyarrow", "narwhals", "pint", "numpy"} <= set(lin["software"])
    assert lin["options"]["primary_key"] == ["time"]


def test_report_offline_and_complete(tmp_path: Path) -> None:
    html = (_package(tmp_path).product.root / "report.html").read_text(encoding="utf-8")
    markup = re.sub(r"(<script\b[^>]*>).*?</script>", r"\1</script>", html, flags=re.S)
    assert markup.count("<script") == 6  # language, chart specs, vega, vega-lite, embed, page
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", markup, re.I)
    for title in (
        "프로파일",
        "Profile",
        "전처리",
        "Preprocessing",
        "발견 사항",
        "Findings",
        "제품 파일과 사용법",
        "Product files and how to use them",
    ):
        assert title in html
    assert "vegaEmbed" in html and EVIL not in html
    specs = re.search(r'<script type="application/json" id="mfg-charts">(.*?)</script>', html, re.S)
    assert specs is not None
    parsed = json.loads(specs.group(1))
    assert parsed["profile/temp"]["data"]["values"][0]["label"] == EVIL
    assert "data/table.parquet" in html and "pl.read_parquet" in html


def test_same_input_same_bytes(tmp_path: Path) -> None:
    a = _package(tmp_path, name="a").product.root
    b = _package(tmp_path, name="b").product.root
    for rel in DETERMINISTIC:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_no_frame_is_a_product_error(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    with pytest.raises(ProductError) as err:
        PackageStep().run(None, ctx)
    assert err.value.ko and err.value.en


class _Fake:
    """A tiny step that hands back a prepared result (and writes its files)."""

    def __init__(self, name: str, make: object) -> None:
        self.name, self.title_ko, self.title_en, self._make = name, name, name, make

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        return self._make(frame, ctx)  # type: ignore[operator, no-any-return]


def _ingest(frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
    from steps.package_fakes import ingest_result

    path = ctx.work_dir / "ingest.parquet"
    final_frame().write_parquet(path)
    return ingest_result(pl.scan_parquet(path))


def _profile(frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
    from steps.package_fakes import profile_result

    ctx.product.write_json("profile.json", {"rows": 48})
    return profile_result()


def _boom(frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
    raise ZeroDivisionError("boom")


def test_runner_manifest_lists_every_file(tmp_path: Path) -> None:
    out = tmp_path / "product"
    steps = [_Fake("ingest", _ingest), _Fake("profile", _profile), PackageStep()]
    build(BuildOptions(inputs=(Path("press_line.csv"),), out=out), steps=steps)  # type: ignore[list-item]
    manifest = read_manifest(out)
    assert set(manifest["files"]) == {"profile.json", *DETERMINISTIC}
    for rel, meta in manifest["files"].items():
        assert meta["sha256"] == hashlib.sha256((out / rel).read_bytes()).hexdigest()
    assert check_manifest(out) == []


def test_failing_step_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "product"
    steps = [_Fake("ingest", _ingest), _Fake("boom", _boom), PackageStep()]
    with pytest.raises(StepFailed):
        build(BuildOptions(inputs=(Path("x.csv"),), out=out), steps=steps)  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []
