from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from basyx.aas import model

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import IngestResult, PreprocessResult, PriceResult, QualityResult
from mfgdata.pipeline.step import StepResult
from mfgdata.semantics.aas_export import read_aasx, verify
from mfgdata.settings import Settings
from mfgdata.steps.aas import AasStep
from mfgdata.steps.standardize import StandardizeStep

COLUMNS = [
    {"name": "측정시각", "source": "측정시각", "unit": None},
    {"name": "금형온도", "source": "금형온도[℃]", "unit": "℃"},
    {"name": "사출압력", "source": "사출압력(bar)", "unit": "bar"},
    {"name": "양품수", "source": "양품수", "unit": None},
    {"name": "비고", "source": "비고", "unit": None},
]
FRAME = pl.LazyFrame(
    {
        "측정시각": [datetime(2024, 1, 1, 8, 0), datetime(2024, 1, 1, 8, 1)],
        "금형온도": [40.0, 55.5],
        "사출압력": [1200.0, 987.5],
        "양품수": [10, 12],
        "비고": ["a", None],
    }
)


def make_ctx(tmp_path: Path, extra: dict[str, StepResult]) -> RunContext:
    stage = tmp_path / "stage"
    stage.mkdir(parents=True)
    ctx = RunContext(
        run_id="t",
        options=BuildOptions(inputs=(), out=tmp_path / "press-line-2", title="사출 공정 데이터"),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(stage),
        work_dir=tmp_path,
    )
    ctx.results["ingest"] = StepResult(step="ingest", data=IngestResult(time_column="측정시각"))
    ctx.results["preprocess"] = StepResult(
        step="preprocess", data=PreprocessResult(columns=COLUMNS)
    )
    ctx.results.update(extra)
    std = StandardizeStep().run(FRAME, ctx)
    ctx.results["standardize"] = std
    return ctx


def run(tmp_path: Path, extra: dict[str, StepResult]) -> tuple[RunContext, dict[str, Any]]:
    ctx = make_ctx(tmp_path, extra)
    frame = ctx.results["standardize"].frame
    result = AasStep().run(frame, ctx)
    assert result.files == ("aas/environment.json", "aas/product.aasx")
    env = json.loads((ctx.product.root / "aas/environment.json").read_text("utf-8"))
    return ctx, env


def _submodel(env: dict[str, Any], id_short: str) -> dict[str, Any]:
    return next(s for s in env["submodels"] if s["idShort"] == id_short)


QUALITY = StepResult(
    step="quality", data=QualityResult(score=91.5, grade="A", passed=True, measures=[{"x": 1}])
)
PRICE = StepResult(
    step="price",
    data=PriceResult(price_krw=120000, currency="KRW", licence="CC-BY-4.0", approaches={}),
)


def test_environment_verifies_and_aasx_reads_back(tmp_path: Path) -> None:
    ctx, env = run(tmp_path, {"quality": QUALITY, "price": PRICE})
    assert verify(env) == []
    ids = [s["idShort"] for s in env["submodels"]]
    assert sorted(ids) == [
        "DataDescription",
        "DataProductNameplate",
        "QualityAndPrice",
        "TimeSeries",
    ]
    back = read_aasx(ctx.product.root / "aas/product.aasx")
    subs = [o for o in back if isinstance(o, model.Submodel)]
    assert len(subs) == len(env["submodels"])
    for sm in subs:
        src = _submodel(env, str(sm.id_short))
        assert len(sm.submodel_element) == len(src["submodelElements"])
    cds = [o for o in back if isinstance(o, model.ConceptDescription)]
    assert len(cds) == len(env["conceptDescriptions"]) >= 3


def test_data_description_carries_irdis_and_units(tmp_path: Path) -> None:
    _, env = run(tmp_path, {})
    desc = _submodel(env, "DataDescription")["submodelElements"]
    assert len(desc) == len(COLUMNS)
    sem = {e["displayName"][0]["text"]: e.get("semanticId") for e in desc}
    assert sem["비고"] is None
    assert (
        sem["양품수"]["keys"][0]["value"] == "http://www.w3id.org/hsu-aut/ISO22400-2#GoodQuantity"
    )
    cds = {c["id"]: c for c in env["conceptDescriptions"]}
    content = cds["urn:mfgdata:property:mould-temperature"]["embeddedDataSpecifications"][0][
        "dataSpecificationContent"
    ]
    assert content["unit"] == "°C"
    assert content["unitId"]["keys"][0]["value"] == "0112/2///62720#UAA033"
    assert {"language": "ko", "text": "금형온도"} in content["preferredName"]
    assert (
        cds["urn:mfgdata:property:injection-pressure"]["embeddedDataSpecifications"][0][
            "dataSpecificationContent"
        ]["unit"]
        == "MPa"
    )


def test_time_series_segment_links_the_parquet(tmp_path: Path) -> None:
    _, env = run(tmp_path, {})
    ts = _submodel(env, "TimeSeries")
    assert ts["semanticId"]["keys"][0]["value"] == "https://admin-shell.io/idta/TimeSeries/1/1"
    segments = next(e for e in ts["submodelElements"] if e["idShort"] == "Segments")
    seg = {e["idShort"]: e for e in segments["value"][0]["value"]}
    assert seg["File"]["value"].endswith("/data/table.parquet")
    assert seg["RecordCount"]["value"] == "2"
    assert seg["StartTime"]["value"].startswith("2024-01-01T08:00")


def test_quality_and_price_only_when_present(tmp_path: Path) -> None:
    _, without = run(tmp_path / "a", {})
    assert "QualityAndPrice" not in [s["idShort"] for s in without["submodels"]]
    plate = {e["idShort"] for e in _submodel(without, "DataProductNameplate")["submodelElements"]}
    assert "Licence" not in plate and "ManufacturerName" not in plate
    _, with_both = run(tmp_path / "b", {"quality": QUALITY, "price": PRICE})
    qp = _submodel(with_both, "QualityAndPrice")["submodelElements"]
    values = {(c["idShort"], e["idShort"]): e["value"] for c in qp for e in c["value"]}
    assert values[("Quality", "grade")] == "A"
    assert values[("Price", "price_krw")] == "120000"
    assert ("Quality", "measures") not in values
    plate = {
        e["idShort"]: e for e in _submodel(with_both, "DataProductNameplate")["submodelElements"]
    }
    assert plate["Licence"]["value"] == "CC-BY-4.0"


def test_verify_catches_a_broken_environment(tmp_path: Path) -> None:
    _, env = run(tmp_path, {})
    env["conceptDescriptions"][0]["embeddedDataSpecifications"][0]["dataSpecificationContent"][
        "definition"
    ] = [{"language": "ko", "text": "정의"}]
    assert verify(env)


def test_product_without_time_column_has_no_time_series(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, {})
    ctx.results["ingest"] = StepResult(step="ingest", data=IngestResult(time_column=None))
    AasStep().run(ctx.results["standardize"].frame, ctx)
    env = json.loads((ctx.product.root / "aas/environment.json").read_text("utf-8"))
    assert "TimeSeries" not in [s["idShort"] for s in env["submodels"]]
    assert verify(env) == []
