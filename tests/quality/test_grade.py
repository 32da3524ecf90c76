"""The grade discriminates, and says why: few rows, failed measures, an assumed time zone,
identical input files and mostly-empty columns each lower it, with a ko/en reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import polars as pl
import pytest

from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import Extras, QualityReport, evaluate, evaluate_record
from mfgdata.quality.measures import Measure
from mfgdata.quality.score import judge
from tests.quality.conftest import clean_table


def run(df: pl.DataFrame, extras: Extras | None = None, target: str | None = None) -> QualityReport:
    c = default_contract(
        product_id="p", name="p", schema=df.schema, time_column="ts", target=target
    )
    return evaluate(df.lazy(), c, extras)


def codes(q: QualityReport) -> list[str]:
    return [r.code for r in q.reasons]


@pytest.fixture(scope="module")
def clean() -> QualityReport:
    return run(clean_table())


def test_the_clean_table_is_an_a_and_says_why_not_1(clean: QualityReport) -> None:
    assert clean.grade == "A" and clean.score > 0.9
    d = clean.to_dict()
    assert d["base_score"] >= d["score"]
    for r in d["grade_reasons"]:
        assert r["ko"] and r["en"] and r["code"]
    assert "rule" in d["scheme"] and "rule_ko" in d["scheme"]


@pytest.mark.parametrize(("rows", "worst_allowed"), [(1, "F"), (20, "C"), (60, "B")])
def test_tiny_tables_are_capped(rows: int, worst_allowed: str) -> None:
    q = run(clean_table(rows))
    assert "ABCF".index(q.grade) >= "ABCF".index(worst_allowed)
    assert "cap.rows" in codes(q)
    reason = next(r for r in q.reasons if r.code == "cap.rows")
    assert f"{rows}" in reason.en and f"{rows}" in reason.ko and reason.cap == worst_allowed


def test_a_labelled_table_too_small_for_a_model_is_at_most_c() -> None:
    q = run(clean_table(80), target="defect")
    assert q.grade in "CF" and "cap.model_rows" in codes(q)


def test_an_assumed_time_zone_lowers_score_and_grade(clean: QualityReport) -> None:
    q = run(clean_table(), Extras(timezone_assumed=True, timezone="Asia/Seoul"))
    assert q.grade == "B" and q.score == pytest.approx(clean.score - 0.02, abs=1e-6)
    r = next(r for r in q.reasons if r.code == "timezone_assumed")
    assert "시간대" in r.ko and "time zone" in r.en and r.cap == "B"


def test_identical_input_files_lower_the_grade(clean: QualityReport) -> None:
    q = run(clean_table(), Extras(duplicate_files=("2024-02.csv",)))
    assert q.grade == "B" and q.score < clean.score
    assert "2024-02.csv" in next(r.en for r in q.reasons if r.code == "duplicate_files")


def test_a_mostly_empty_column_fails_and_caps(clean: QualityReport) -> None:
    df = clean_table().with_columns(
        pres=pl.when(pl.int_range(pl.len()) % 10 < 6).then(None).otherwise(pl.col("pres"))
    )
    q = run(df)
    m = next(m for m in q.measures if m.id == "completeness.columns")
    assert not m.passed and m.evidence["columns"] == {"pres": 0.6}
    assert "mostly_empty_columns" in codes(q) and q.grade in "BCF" and q.score < clean.score


def test_a_table_of_duplicated_files_is_not_an_a() -> None:
    """The issue's case: the same month delivered twice (two files), rows all doubled."""
    one = clean_table(500).with_columns(source_file=pl.lit("2024-01.csv"))
    twice = pl.concat([one, one.with_columns(source_file=pl.lit("2024-01 (1).csv"))]).sort(
        "ts", maintain_order=True
    )
    q = run(twice, Extras(duplicate_files=("2024-01 (1).csv",)))
    failed = [m.id for m in q.measures if not m.passed]
    assert {"uniqueness.rows", "consistency.duplicate_keys"} <= set(failed)
    assert q.grade in "CF", (q.score, failed)


def _m(i: int, severity: str, value: float = 0.5) -> Measure:
    return Measure(
        id=f"m{i}",
        characteristic="accuracy",
        name_ko=f"측정{i}",
        name_en=f"measure {i}",
        formula="",
        value=value,
        threshold=0.9,
        severity=severity,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("failed", "cap"), [(2, "A"), (3, "B"), (5, "C")])
def test_failed_measures_cap_the_grade(failed: int, cap: str) -> None:
    ms = [_m(i, "warning", 0.89) for i in range(failed)] + [_m(i, "info", 1.0) for i in range(50)]
    v = judge(ms)
    assert "ABCF".index(v.grade) >= "ABCF".index(cap)
    assert sum(r.code.startswith("measure.") for r in v.reasons) == failed


def test_a_failed_measure_costs_more_the_further_it_misses() -> None:
    near, far = judge([_m(0, "warning", 0.89)]), judge([_m(0, "warning", 0.1)])
    assert near.reasons[0].cost < far.reasons[0].cost
    assert judge([_m(0, "error", 0.89)]).reasons[0].cost > near.reasons[0].cost


def test_the_stored_record_evaluates_exactly_as_the_extras(clean: QualityReport) -> None:
    ex = Extras(
        junk={"temp": {"count": 3, "examples": ["Bad"], "rows": [1, 2, 3]}},
        ingest_rows=1003,
        ingest_columns=6,
        units={"temp": "degC"},
        lineage={"recipe": True, "sources_sha256": False},
        interval_s=1.0,
        reference=datetime(2024, 1, 2),
        duplicates={"rows_before": 1010, "rows_affected": 10, "columns": ["ts"], "rows": [4]},
        duplicate_files=("b.csv",),
        timezone_assumed=True,
        timezone="Asia/Seoul",
    )
    df = clean_table()
    c = default_contract(product_id="p", name="p", schema=df.schema, time_column="ts")
    c = replace(c, sla_seconds=3600)
    direct = evaluate(df.lazy(), c, ex).to_dict()
    stored = evaluate_record(df.lazy(), c, direct["inputs"]).to_dict()
    assert stored == direct
    ids = {m["id"] for m in direct["measures"]}
    assert {"uniqueness.ingest_rows", "accuracy.ingest_junk", "currentness.freshness"} <= ids
