"""Issue 10, items 3 and 4: units and semantics a buyer can trust.

Built from files written the way plants write them: a CP949 historian export with a standard
volume flow in ``kscmh`` and a gas flow in ``Nm3/h``, anonymised code headers, ISA-5.1 tags.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest
import yaml

from mfgdata.flow import build
from mfgdata.pipeline.context import BuildOptions
from mfgdata.pipeline.results import PreprocessResult, ProfileResult, StandardizeResult
from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.errors import UnitError
from mfgdata.semantics.evaluate import evaluate, read_unseen
from mfgdata.semantics.mapping import parse_mapping
from mfgdata.semantics.matcher import HIGH, ColumnInfo, match_column, match_columns
from mfgdata.semantics.units import conversion
from mfgdata.settings import Settings
from mfgdata.steps import aas, ingest, package, preprocess, profile, quality, standardize
from mfgdata.steps.standardize import column_infos

D = load_dictionary()
STANDARD_FLOW = "0112/2///61987#ABB292#005"
ACTUAL_FLOW = "0112/2///61987#ABB291#005"
UNSEEN = Path(__file__).parents[2] / "benchmarks" / "data" / "headers_unseen.yaml"


def _flow_csv(path: Path) -> tuple[Path, list[float]]:
    rng = random.Random(7)
    kscmh = [round(0.25 + rng.random() * 0.01, 4) for _ in range(80)]
    lines = ["일시,유량[kscmh],가스[Nm3/h],반응기온도[℃]"]
    for i, q in enumerate(kscmh):
        lines.append(
            f"2024-03-01 {i // 60:02d}:{i % 60:02d}:00,{q},"
            f"{120 + rng.random() * 5:.2f},{60 + rng.random():.2f}"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    return path, kscmh


@pytest.fixture(scope="module")
def flow_product(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    root = tmp_path_factory.mktemp("flow")
    src, kscmh = _flow_csv(root / "유량_2024-03.csv")
    out = root / "product"
    steps = [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        standardize.StandardizeStep(),
        quality.QualityStep(),
        aas.AasStep(),
        package.PackageStep(),
    ]
    build(
        BuildOptions(inputs=(src,), out=out),
        steps=steps,  # type: ignore[arg-type]
        settings=Settings(home=root / "home"),
    )
    return out, kscmh


def _fields(out: Path) -> dict[str, dict[str, object]]:
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    return {f["name"]: f for f in pkg["resources"][0]["schema"]["fields"]}


def test_standard_flows_stay_standard_flows_end_to_end(
    flow_product: tuple[Path, list[float]],
) -> None:
    out, kscmh = flow_product
    fields = _fields(out)
    sem = {c["column"]: c for c in yaml.safe_load((out / "semantics.yaml").read_text())["columns"]}
    # the kscmh column: name without the old unit, standard flow, Sm³/h at its own reference
    assert "유량" in fields and not any("kscmh" in n for n in fields)
    flow = fields["유량"]
    assert flow["propertyIRDI"] == STANDARD_FLOW
    assert flow["unit"] == "Sm³/h" and flow["originalUnit"] == "kscmh"
    assert "15 °C" in str(flow["unitReferenceConditions"])
    assert sem["유량"]["property"] == STANDARD_FLOW
    assert sem["유량"]["unit"]["canonical"] == "Sm³/h"
    assert "15 °C" in sem["유량"]["unit"]["reference"]
    table = pl.read_parquet(out / "data" / "table.parquet")
    assert table["유량"].to_list() == pytest.approx([q * 1000 for q in kscmh])
    # the Nm³/h column: a standard flow at normal conditions, not converted across references
    gas = fields["가스"]
    assert gas["propertyIRDI"] == STANDARD_FLOW and gas["unit"] == "Nm³/h"
    assert "0 °C" in str(gas["unitReferenceConditions"])
    assert sem["가스"]["unit"]["canonical"] == "Nm³/h"
    # no standard flow became an actual volume flow anywhere
    for f in fields.values():
        assert f.get("propertyIRDI") != ACTUAL_FLOW
        assert f.get("unit") not in {"L/min", "m³/h"}
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Sm³/h (15 °C, 101.325 kPa" in report and "Nm³/h (0 °C, 101.325 kPa" in report


def test_flag_columns_get_no_property_and_no_unit(flow_product: tuple[Path, list[float]]) -> None:
    out, _ = flow_product
    assert not [n for n in _fields(out) if n.endswith("__outlier")]  # not in the table
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    (res,) = [r for r in pkg["resources"] if r["name"] == "flags"]
    flags = {f["name"]: f for f in res["schema"]["fields"] if f["name"] != "row"}
    assert flags  # the proposed recipe flags outliers of the numeric columns
    for name, f in flags.items():
        assert f["type"] == "boolean"
        assert "propertyIRDI" not in f and "unitIRDI" not in f, name
        assert f.get("unit") is None, name


def test_a_standard_flow_cannot_be_accepted_as_actual_flow() -> None:
    text = yaml.safe_dump(
        {"columns": [{"column": "유량", "property": ACTUAL_FLOW, "unit": {"original": "kscmh"}}]},
        allow_unicode=True,
    )
    with pytest.raises(UnitError) as info:
        parse_mapping(text, D, columns=["유량"])
    assert "reference conditions" in info.value.en and "기준 상태" in info.value.ko
    with pytest.raises(UnitError):
        conversion(D.units["kscmh"], D.units["L/min"])
    assert conversion(D.units["kscmh"], D.units["Sm³/h"]) == (1000.0, 0.0)


@pytest.mark.parametrize(
    "header", ["xy_000", "ab_000", "xk_01", "col_17", "v1", "tag_3", "ct_01", "ec_3", "XMEAS_7"]
)
def test_short_codes_are_never_matched_confidently(header: str) -> None:
    for info in (
        ColumnInfo(header),
        ColumnInfo(header, kind="numeric", minimum=0.0, maximum=1500.0),
        ColumnInfo(header, kind="numeric", minimum=0.1, maximum=0.9),
    ):
        m = match_column(info, D)
        assert not m.candidates or m.candidates[0].confidence < HIGH, (header, m.candidates[0])


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("TI-101", "0112/2///61987#ABA927#005"),
        ("PT_205", "0112/2///61987#ABN616#001"),
        ("FIC300", ACTUAL_FLOW),
        ("LT-4", "0112/2///61987#ABH329#002"),
        ("TIC_12A", "0112/2///61987#ABA927#005"),
        ("PDT-110", "urn:mfgdata:property:differential-pressure"),
        ("FI-120 [Nm3/h]", STANDARD_FLOW),
        ("FIC-305 (kg/h)", "0112/2///61987#ABB290#005"),
        ("TI-101.PV", "0112/2///61987#ABA927#005"),
    ],
)
def test_isa_tags_map_to_their_measured_variable(header: str, want: str) -> None:
    best = match_column(ColumnInfo(header, kind="numeric"), D).best
    assert best is not None and best.property.id == want, header
    assert any("ISA-5.1" in r for r in best.reasons)


@pytest.mark.parametrize("header", ["TIC-101.SP", "TSH-101", "FV-300", "AI_01", "DI_3"])
def test_isa_set_points_switches_valves_and_plc_channels_are_not_measurements(
    header: str,
) -> None:
    assert match_column(ColumnInfo(header, kind="numeric"), D).best is None


def test_physical_property_needs_numeric_plausible_values() -> None:
    def best(info: ColumnInfo) -> str | None:
        b = match_column(info, D).best
        return b.property.id if b else None

    temp = "0112/2///61987#ABA927#005"
    assert best(ColumnInfo("Temperature (°C)", kind="numeric", minimum=-40, maximum=1200)) == temp
    assert best(ColumnInfo("Temperature (°C)", kind="numeric", minimum=-5000, maximum=40)) is None
    assert best(ColumnInfo("temperature", kind="text")) is None
    cond = "0112/2///61987#ABA560#001"
    assert best(ColumnInfo("Conductivity", kind="numeric", minimum=120, maximum=980)) == cond
    assert best(ColumnInfo("Conductivity", kind="numeric", minimum=-35, maximum=40)) is None
    speed = "urn:mfgdata:property:rotational-speed"
    assert best(ColumnInfo("Spindle Speed", kind="numeric", minimum=0, maximum=12000)) == speed
    assert best(ColumnInfo("Spindle Speed", kind="numeric", minimum=-900, maximum=900)) is None
    assert best(ColumnInfo("Yield (%)", kind="numeric", minimum=-12, maximum=140)) is None
    # sensor noise just below a bound is still plausible
    flow = ColumnInfo("Feed Flow (m3/h)", kind="numeric", minimum=-0.3, maximum=120)
    assert best(flow) == ACTUAL_FLOW


def test_flags_from_the_table_schema_are_never_mapped() -> None:
    columns = [
        {"name": "금형온도", "unit": "℃"},
        {"name": "금형온도__outlier", "unit": None},
        {"name": "압력", "unit": "bar"},
        {"name": "압력_flag", "unit": None},
    ]
    schema = pl.Schema(
        {
            "금형온도": pl.Float64,
            "금형온도__outlier": pl.Boolean,
            "압력": pl.Float64,
            "압력_flag": pl.Boolean,
        }
    )
    profile_data = {"columns": {"금형온도": {"kind": "numeric", "min": 40.0, "max": 55.0}}}
    infos = column_infos(columns, profile_data, schema)
    assert [i.kind for i in infos] == ["numeric", "boolean", "numeric", "boolean"]
    matches = match_columns(infos, D)
    assert matches[0].best is not None
    assert matches[1].best is None and matches[3].best is None
    # even without a kind, the derived-name rule holds
    assert match_column(ColumnInfo("Pressure__outlier"), D).best is None


def test_unseen_benchmark_meets_the_targets() -> None:
    rows = read_unseen(UNSEEN)
    assert len(rows) >= 300
    ev = evaluate(rows, D)
    assert ev.top1_rate >= 0.90, ev.confusions
    assert ev.confident_wrong_ood == 0, ev.confusions  # nothing auto-accepted for a NONE header


def test_an_assumed_unit_is_said_so(tmp_path: Path) -> None:
    from mfgdata.pipeline.context import ProductWriter, RunContext
    from mfgdata.pipeline.step import StepResult
    from mfgdata.steps.standardize import StandardizeStep

    (tmp_path / "stage").mkdir()
    ctx = RunContext(
        run_id="t",
        options=BuildOptions(inputs=(), out=tmp_path / "out"),
        settings=Settings(home=tmp_path / "home"),
        product=ProductWriter(tmp_path / "stage"),
        work_dir=tmp_path,
    )
    cols = [{"name": "TI-101", "unit": None}, {"name": "압력", "unit": "bar"}]
    ctx.results["preprocess"] = StepResult(step="preprocess", data=PreprocessResult(columns=cols))
    stats = {"kind": "numeric", "min": 120.0, "max": 180.0}
    ctx.results["profile"] = StepResult(
        step="profile", data=ProfileResult(columns={"TI-101": stats})
    )
    frame = pl.LazyFrame({"TI-101": [120.0, 180.0], "압력": [1.0, 2.0]})
    result = StandardizeStep().run(frame, ctx)
    data = {c["name"]: c for c in result.of(StandardizeResult).columns}
    assert data["TI-101"]["property"] == "0112/2///61987#ABA927#005"
    assert data["TI-101"]["unit"] == "°C" and data["TI-101"]["unit_assumed"] is True
    assert data["압력"]["unit_assumed"] is False
    assert result.report is not None and "assumed: no unit in the header" in result.report.html_en


@pytest.mark.parametrize("header", ["JacketTemperatureSP", "DryerTemperatureSP", "Temp SV"])
def test_set_points_from_real_dryer_headers_are_not_measurements(header: str) -> None:
    m = match_column(ColumnInfo(header, kind="numeric", minimum=20.0, maximum=80.0), D)
    assert not m.candidates or m.candidates[0].confidence < HIGH


def test_agitator_speed_is_a_rotational_speed() -> None:
    m = match_column(ColumnInfo("AgitatorSpeed", kind="numeric", minimum=0, maximum=15), D)
    assert m.best is not None and m.best.property.id == "urn:mfgdata:property:rotational-speed"
