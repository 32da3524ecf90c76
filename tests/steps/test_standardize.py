from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.results import PreprocessResult, ProfileResult, StandardizeResult
from mfgdata.pipeline.step import StepResult
from mfgdata.semantics.errors import SemanticsError, UnitError
from mfgdata.settings import Settings
from mfgdata.steps.standardize import StandardizeStep

COLUMNS = [
    {"name": "금형온도", "source": "금형온도[℃]", "unit": "℃", "description": None},
    {"name": "사출압력", "source": "사출압력(bar)", "unit": "bar", "description": None},
    {"name": "Process temperature", "source": "Process temperature [K]", "unit": "K"},
    {"name": "Rotational speed", "source": "Rotational speed [rpm]", "unit": "rpm"},
    {"name": "양품수", "source": "양품수", "unit": None},
    {"name": "비고", "source": "비고", "unit": None},
]
FRAME = pl.LazyFrame(
    {
        "금형온도": [40.0, 55.5],
        "사출압력": [1200.0, 987.5],
        "Process temperature": [300.0, 310.15],
        "Rotational speed": [1551, 2861],
        "양품수": [10, 12],
        "비고": ["a", None],
    }
)


def make_ctx(tmp_path: Path, **options: Any) -> RunContext:
    stage = tmp_path / "stage"
    stage.mkdir(parents=True)
    ctx = RunContext(
        run_id="t",
        options=BuildOptions(inputs=(), out=tmp_path / "out", **options),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(stage),
        work_dir=tmp_path,
    )
    ctx.results["preprocess"] = StepResult(
        step="preprocess", data=PreprocessResult(columns=COLUMNS)
    )
    ctx.results["profile"] = StepResult(
        step="profile",
        data=ProfileResult(columns={"금형온도": {"kind": "numeric", "min": 40.0, "max": 55.5}}),
    )
    return ctx


def test_proposal_converts_exactly_and_writes_semantics(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    result = StandardizeStep().run(FRAME, ctx)
    assert result.frame is not None
    out = result.frame.collect()
    assert out.columns == FRAME.collect_schema().names()  # names kept
    assert out["사출압력"].to_list() == [120.0, 98.75]  # bar -> MPa
    assert out["Process temperature"].to_list() == pytest.approx([26.85, 37.0])  # K -> °C
    assert out["Rotational speed"].to_list() == [1551.0, 2861.0]  # rpm -> 1/min is 1:1
    assert out["금형온도"].to_list() == [40.0, 55.5]
    assert out["비고"].to_list() == ["a", None]
    cols = {c["name"]: c for c in result.of(StandardizeResult).columns}
    assert cols["사출압력"]["property"] == "urn:mfgdata:property:injection-pressure"
    assert cols["사출압력"]["unit"] == "MPa" and cols["사출압력"]["unit_original"] == "bar"
    assert cols["사출압력"]["standard"] is False and cols["사출압력"]["converted"] is True
    assert cols["금형온도"]["unit_irdi"] == "0112/2///62720#UAA033"
    assert cols["양품수"]["standard"] is True
    assert cols["비고"]["property"] is None
    doc = yaml.safe_load((ctx.product.root / "semantics.yaml").read_text(encoding="utf-8"))
    assert [c["column"] for c in doc["columns"]] == [c["name"] for c in COLUMNS]
    assert result.report is not None and result.report.key == "semantics"
    assert "금형온도" in result.report.html_ko and "mould temperature" in result.report.html_en
    assert result.files == ("semantics.yaml",)


def test_accepted_mapping_is_reused(tmp_path: Path) -> None:
    first = StandardizeStep().run(FRAME, make_ctx(tmp_path / "a"))
    doc = yaml.safe_load((tmp_path / "a" / "stage" / "semantics.yaml").read_text("utf-8"))
    doc["columns"][1]["property"] = "0112/2///61987#ABN616#001"  # user: plain pressure
    doc["columns"][1]["accepted_by"] = "kim"
    accepted = tmp_path / "p.semantics.yaml"
    accepted.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    second = StandardizeStep().run(FRAME, make_ctx(tmp_path / "b", semantics=accepted))
    cols = {c["name"]: c for c in second.of(StandardizeResult).columns}
    assert cols["사출압력"]["property"] == "0112/2///61987#ABN616#001"
    assert cols["사출압력"]["accepted_by"] == "kim"
    assert second.of(StandardizeResult).source == "p.semantics.yaml"
    assert first.frame is not None and second.frame is not None
    assert second.frame.collect()["사출압력"].to_list() == [120.0, 98.75]


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (
            {
                "column": "사출압력",
                "property": "0112/2///61987#ABA927#005",
                "unit": {"original": "bar"},
            },
            UnitError,
        ),
        ({"column": "사출압력", "property": "0173-1#02-NOPE00#001"}, SemanticsError),
    ],
)
def test_bad_accepted_mapping_writes_nothing(
    tmp_path: Path, entry: dict[str, Any], error: type[SemanticsError]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"columns": [entry]}, allow_unicode=True), encoding="utf-8")
    ctx = make_ctx(tmp_path, semantics=bad)
    with pytest.raises(error) as e:
        StandardizeStep().run(FRAME, ctx)
    assert e.value.where.column == "사출압력"
    assert list(ctx.product.root.iterdir()) == []


def test_unknown_unit_on_a_mapped_column_names_it(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    cols = [{"name": "사출압력", "source": "사출압력", "unit": "stream 1"}]
    ctx.results["preprocess"] = StepResult(step="preprocess", data=PreprocessResult(columns=cols))
    with pytest.raises(UnitError) as e:
        StandardizeStep().run(FRAME.select("사출압력"), ctx)
    assert e.value.where.column == "사출압력"
    assert list(ctx.product.root.iterdir()) == []
