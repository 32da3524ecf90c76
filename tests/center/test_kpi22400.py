"""ISO 22400-2 KPIs on worked examples, by the standard's formulas (computed here by hand)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mfgdata.center.errors import KpiInputError
from mfgdata.center.kpi22400 import KpiInputs, compare, compute_kpis

D = Decimal


def _by_id(inputs: KpiInputs) -> dict[str, float | None]:
    return {k.id: k.value for k in compute_kpis(inputs)}


def test_worked_example_one_shift() -> None:
    # One 8 h shift (480 min planned busy time), 60 min of stops -> APT 420 min.
    # Ideal cycle 0.75 min/pcs, 500 pcs made: 475 good, 15 scrap, 10 rework.
    inputs = KpiInputs(
        pbt=D(480), apt=D(420), pri=D("0.75"), pq=D(500), gq=D(475), sq=D(15), rq=D(10)
    )
    k = _by_id(inputs)
    assert k["availability"] == pytest.approx(420 / 480)  # 0.875
    assert k["effectiveness"] == pytest.approx(0.75 * 500 / 420)  # 0.892857...
    assert k["quality_ratio"] == pytest.approx(475 / 500)  # 0.95
    # OEE = A x E x QR, which telescopes to PRI x GQ / PBT = 356.25 / 480
    assert k["oee"] == 0.7421875
    assert k["scrap_ratio"] == pytest.approx(0.03)
    assert k["rework_ratio"] == pytest.approx(0.02)
    assert k["fall_off_ratio"] == pytest.approx(0.05)
    # optional KPIs are absent without their elements, not zero
    assert "nee" not in k and "setup_ratio" not in k and "throughput_rate" not in k


def test_formula_text_units_and_display() -> None:
    inputs = KpiInputs(pbt=D(480), apt=D(420), pri=D("0.75"), pq=D(500), gq=D(475))
    kpis = {k.id: k for k in compute_kpis(inputs)}
    oee = kpis["oee"]
    assert oee.formula == "Availability × Effectiveness × Quality ratio"
    assert "0.75 min/pcs × 475 pcs / 480 min" in oee.worked
    assert oee.display() == "74.2 %"
    assert kpis["availability"].worked == "420 min / 480 min"
    assert kpis["availability"].display() == "87.5 %"  # half up, 87.5 exactly
    assert kpis["effectiveness"].display(2) == "89.29 %"
    assert kpis["scrap_ratio"].trend == "lower"
    assert oee.number == 6 and kpis["quality_ratio"].number == 10


def test_optional_kpis_from_their_elements() -> None:
    # OPC UA MachineTool-style example: POT 600, PBT 540, AUPT 470 (incl. 30 setup), APT 440,
    # delay 20, order execution 500 min.
    inputs = KpiInputs(
        pot=D(600),
        pbt=D(540),
        apt=D(440),
        aupt=D(470),
        aust=D(30),
        adet=D(20),
        aoet=D(500),
        pri=D("0.5"),
        pq=D(800),
        gq=D(780),
        sq=D(12),
        rq=D(8),
        psq=D(10),
    )
    k = _by_id(inputs)
    qr = 780 / 800
    eff = 0.5 * 800 / 440
    assert k["nee"] == pytest.approx(470 / 540 * eff * qr)
    assert k["setup_ratio"] == pytest.approx(30 / 470)
    assert k["technical_efficiency"] == pytest.approx(440 / 460)
    assert k["actual_to_planned_scrap"] == pytest.approx(1.2)
    assert k["equipment_load_ratio"] == pytest.approx(470 / 600)
    assert k["throughput_rate"] == pytest.approx(1.6)
    tput = next(x for x in compute_kpis(inputs) if x.id == "throughput_rate")
    assert tput.unit == "pcs/min" and tput.display(2) == "1.60 pcs/min"


def test_zero_production_leaves_quality_undefined_not_zero() -> None:
    k = _by_id(KpiInputs(pbt=D(480), apt=D(0), pri=D(1), pq=D(0), gq=D(0)))
    assert k["availability"] == 0
    assert k["effectiveness"] is None and k["quality_ratio"] is None and k["oee"] is None


@pytest.mark.parametrize(
    ("values", "column", "en"),
    [
        ({"pbt": 480, "apt": 500, "pri": 1, "pq": 10, "gq": 10}, "apt", "cannot exceed"),
        ({"pbt": 480, "apt": 400, "pri": 1, "pq": 10, "gq": 9, "sq": 2}, "pq", "exceeds"),
        ({"pbt": 480, "apt": 400, "pri": 1, "pq": 500, "gq": 9}, "pri", "above 100%"),
        ({"pbt": 0, "apt": 0, "pri": 1, "pq": 0, "gq": 0}, "pbt", "above 0"),
        ({"pbt": 480, "apt": -1, "pri": 1, "pq": 0, "gq": 0}, "apt", "negative"),
        ({"pbt": 480, "apt": 400, "pri": 1, "pq": 10}, "gq", "required"),
        ({"pbt": "8h", "apt": 400, "pri": 1, "pq": 10, "gq": 9}, "pbt", "not a number"),
        ({"pbt": 480, "apt": 400, "pri": 1, "pq": 10, "gq": 9, "oee": 1}, "oee", "unknown"),
    ],
)
def test_bad_inputs_are_one_clear_line(values: dict[str, object], column: str, en: str) -> None:
    with pytest.raises(KpiInputError) as e:
        KpiInputs.from_mapping(values)
    assert e.value.where.column == column
    assert en in e.value.en
    assert e.value.ko and "\n" not in e.value.message()


def test_from_mapping_reads_form_strings() -> None:
    inputs = KpiInputs.from_mapping(
        {"PBT": "480", "apt": "420", "pri": "0.4", "pq": "1,000", "gq": "950", "sq": "", "rq": None}
    )
    assert inputs.pq == 1000 and inputs.sq == 0


def test_before_after_change_in_percentage_points() -> None:
    before = KpiInputs(pbt=D(480), apt=D(420), pri=D("0.75"), pq=D(500), gq=D(475), sq=D(25))
    after = KpiInputs(pbt=D(480), apt=D(450), pri=D("0.75"), pq=D(560), gq=D(550), sq=D(10))
    changes = {c.id: c for c in compare(before, after)}
    oee = changes["oee"]
    assert oee.before == pytest.approx(0.75 * 475 / 480)
    assert oee.after == pytest.approx(0.75 * 550 / 480)
    assert oee.delta_display() == "+11.7 %p"  # 85.9375 - 74.21875 = 11.71875
    assert oee.improved is True
    scrap = changes["scrap_ratio"]
    assert scrap.delta is not None and scrap.delta < 0 and scrap.improved is True


@given(data=st.data())
def test_oee_identity_and_bounds(data: st.DataObject) -> None:
    pq = data.draw(st.integers(1, 10_000), label="pq")
    gq = data.draw(st.integers(0, pq), label="gq")
    pri = Decimal(data.draw(st.integers(1, 1000), label="pri_milli")) / 1000
    apt = data.draw(st.integers(max(1, math.ceil(pri * pq)), 20_000), label="apt")
    pbt = data.draw(st.integers(apt, 30_000), label="pbt")
    k = _by_id(KpiInputs(pbt=D(pbt), apt=D(apt), pri=pri, pq=D(pq), gq=D(gq)))
    assert k["oee"] is not None
    assert 0 <= k["oee"] <= 1
    assert k["oee"] == pytest.approx(float(pri * gq / pbt), rel=1e-9)
    assert k["fall_off_ratio"] == pytest.approx(1 - k["quality_ratio"])  # type: ignore[operator]
