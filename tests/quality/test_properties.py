"""Property tests: completeness ratio, uniqueness under duplication, score monotonicity."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
from mfgdata.quality.measures import Measure
from mfgdata.quality.score import grade, meets_registration_grade, score


def _q(df: pl.DataFrame, mid: str) -> float:
    c = default_contract(product_id="p", name="p", schema=df.schema)
    return next(m.value for m in evaluate(df.lazy(), c).measures if m.id == mid)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=1, max_size=60))
def test_cell_completeness_is_one_minus_k_over_n(values: list[int | None]) -> None:
    df = pl.DataFrame({"x": values}, schema={"x": pl.Int64})
    k = sum(v is None for v in values)
    assert abs(_q(df, "completeness.cells") - (1 - k / len(values))) < 1e-6


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40),
    st.integers(0, 39),
)
def test_adding_a_duplicate_never_raises_uniqueness(rows: list[tuple[int, int]], i: int) -> None:
    df = pl.DataFrame(rows, schema={"a": pl.Int64, "b": pl.Int64}, orient="row")
    dup = pl.concat([df, df.slice(i % df.height, 1)])
    assert _q(dup, "uniqueness.rows") <= _q(df, "uniqueness.rows")


def _m(mid: str, ch: str, v: float, sev: str = "warning") -> Measure:
    return Measure(
        id=mid,
        characteristic=ch,
        name_ko=mid,
        name_en=mid,
        formula="",
        value=v,
        threshold=0.9,
        severity=sev,
    )  # type: ignore[arg-type]


CH = ["completeness", "accuracy", "consistency", "uniqueness", "credibility"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CH), st.floats(0, 1)), min_size=1, max_size=10),
    st.integers(0, 9),
    st.floats(0, 1),
)
def test_score_and_grade_are_monotone(ms: list[tuple[str, float]], i: int, up: float) -> None:
    base = [_m(f"m{j}", ch, v, "error") for j, (ch, v) in enumerate(ms)]
    j = i % len(base)
    better = list(base)
    better[j] = replace(base[j], value=min(1.0, base[j].value + up))
    s0, s1 = score(base), score(better)
    assert s1 >= s0 - 1e-9
    order = "ABCF"
    assert order.index(grade(s1, better)) <= order.index(grade(s0, base))


def test_grade_scheme_and_registration() -> None:
    assert grade(0.95) == "A" and grade(0.85) == "B" and grade(0.75) == "C" and grade(0.5) == "F"
    assert grade(0.99, [_m("x", "accuracy", 0.5, "error")]) == "C"
    assert meets_registration_grade("A") and meets_registration_grade("B")
    assert not meets_registration_grade("C") and meets_registration_grade("C", required="C")
