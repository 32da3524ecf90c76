from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.semantics.dictionary import load_dictionary
from mfgdata.semantics.evaluate import evaluate, read_labelled
from mfgdata.semantics.matcher import HIGH, ColumnInfo, match_columns, match_header

D = load_dictionary()
LABELLED = Path(__file__).parent / "data" / "headers_labelled.csv"


def test_labelled_set_is_large_and_known() -> None:
    rows = read_labelled(LABELLED)
    assert len(rows) >= 150
    assert sum(p == "NONE" for _, p in rows) >= 30
    for _, p in rows:
        if p != "NONE":
            D.get(p)


def test_matcher_meets_targets_on_labelled_set() -> None:
    ev = evaluate(read_labelled(LABELLED), D)
    assert ev.top1_rate >= 0.90, ev.confusions
    assert ev.confident_wrong_ood == 0, ev.confusions


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("금형온도[℃]", "urn:mfgdata:property:mould-temperature"),
        ("Rotational speed [rpm]", "urn:mfgdata:property:rotational-speed"),
        ("양품수", "http://www.w3id.org/hsu-aut/ISO22400-2#GoodQuantity"),
        ("PS1 [bar]", "0112/2///61987#ABN616#001"),
    ],
)
def test_examples(header: str, want: str) -> None:
    best = match_header(header, D).best
    assert best is not None and best.property.id == want
    assert best.reasons


def test_unit_only_evidence_is_flagged_for_review() -> None:
    m = match_header("PS1 [bar]", D)
    assert m.review and m.best is not None and m.best.confidence < HIGH


def test_setpoint_is_not_confidently_a_measurement() -> None:
    m = match_header("Temperature Setpoint (°C)", D)
    assert not m.candidates or m.candidates[0].confidence < HIGH


def test_wrong_unit_dimension_demotes_a_name_match() -> None:
    good = match_header("압력(bar)", D).best
    bad = match_header("압력(℃)", D).candidates
    assert good is not None and good.confidence >= HIGH
    assert not bad or bad[0].property.id != good.property.id or bad[0].confidence < HIGH


def test_value_range_and_kind_are_evidence() -> None:
    plain = match_columns([ColumnInfo("가열존온도", unit="°C", kind="numeric")], D)[0].best
    inside = match_columns(
        [ColumnInfo("가열존온도", unit="°C", kind="numeric", minimum=20, maximum=80)], D
    )[0].best
    outside = match_columns(
        [ColumnInfo("가열존온도", unit="°C", kind="numeric", minimum=20, maximum=90000)], D
    )[0].best
    assert plain and inside
    assert inside.confidence > plain.confidence
    assert outside is None  # implausible values: no physical property is proposed
    text = match_columns([ColumnInfo("온도", kind="text")], D)[0]
    assert text.best is None


def test_datetime_values_suggest_a_timestamp() -> None:
    m = match_columns([ColumnInfo("수집", kind="datetime")], D)[0]
    assert m.best is not None and m.best.property.id == "0112/2///61360_7#CBA007"


MW_PROP = "urn:mfgdata:property:weight-average-molecular-weight"


@pytest.mark.parametrize(
    ("column", "molecular"),
    [
        (ColumnInfo("Mw", kind="numeric", minimum=80_000, maximum=250_000), True),
        (ColumnInfo("Mw", unit="g/mol", kind="numeric", minimum=80_000, maximum=250_000), True),
        (ColumnInfo("weight average molecular weight", kind="numeric"), True),
        # megawatts, the SI symbol in its own case: a power plant's output, not a polymer's Mw
        (ColumnInfo("MW", kind="numeric", minimum=420, maximum=495), False),
        (ColumnInfo("PE", unit="MW", kind="numeric", minimum=420, maximum=495), False),
        (ColumnInfo("Net MW", kind="numeric", minimum=420, maximum=495), False),
        (ColumnInfo("발전량 MW", kind="numeric", minimum=420, maximum=495), False),
    ],
)
def test_megawatt_is_not_molecular_weight(column: ColumnInfo, molecular: bool) -> None:
    """'MW' on a power plant's output was proposed as the weight-average molecular weight: the
    abbreviation Mw is written in its own case, MW is the megawatt."""
    cands = [c.property.id for c in match_columns([column], D)[0].candidates]
    assert (MW_PROP in cands) is molecular, cands
