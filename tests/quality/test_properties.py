"""Property tests: completeness ratio, uniqueness under duplication, score monotonicity."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.quality.contract import Contract
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.evaluate import evaluate
from mfgdata.quality.measures import Measure
from mfgdata.quality.score import Facts, grade, judge, meets_registration_grade, score
from tests.quality.conftest import clean_table


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


# --- the grade discriminates: seeded defects in disjoint regions of a clean 1000-row table ---

ROW = "__i"
#: each kind of defect lives in its own rows, so adding one never undoes another
REGION = {"gap": (100, 300), "stuck": (300, 480), "spike": (500, 700), "nulls": (700, 800)}
REGION["dup"] = (800, 900)


def _contract(df: pl.DataFrame) -> Contract:
    return default_contract(
        product_id="p",
        name="p",
        schema=df.drop(ROW).schema,
        time_column="ts",
        ranges={"temp": (0.0, 100.0)},
    )


def _rows(df: pl.DataFrame, lo: int, n: int) -> pl.Expr:
    return pl.col(ROW).is_between(lo, lo + n - 1)


def seed(df: pl.DataFrame, defect: tuple[str, int, int]) -> pl.DataFrame:
    """Apply one defect: (kind, offset in its region, size)."""
    kind, offset, size = defect
    lo = REGION[kind][0] + offset
    if kind == "gap":  # rows missing from the time axis
        return df.filter(~_rows(df, lo, size))
    if kind == "stuck":  # the sensor repeats one value
        return df.with_columns(
            pl.when(_rows(df, lo, size)).then(pl.lit(21.5)).otherwise(pl.col("temp")).alias("temp")
        )
    if kind == "spike":  # isolated spikes, every 7th row
        hit = _rows(df, lo, 7 * size) & ((pl.col(ROW) - lo) % 7 == 0)
        return df.with_columns(
            pl.when(hit).then(pl.col("pres") + 50.0).otherwise(pl.col("pres")).alias("pres")
        )
    if kind == "nulls":  # a block of empty cells
        return df.with_columns(
            pl.when(_rows(df, lo, size)).then(None).otherwise(pl.col("pres")).alias("pres")
        )
    # the same records delivered twice (e.g. an overlapping export)
    return pl.concat([df, df.filter(_rows(df, lo, size))]).sort("ts", maintain_order=True)


DEFECT = st.one_of(
    st.tuples(st.just("gap"), st.integers(0, 100), st.integers(10, 90)),
    st.tuples(st.just("stuck"), st.integers(0, 80), st.integers(30, 100)),
    st.tuples(st.just("spike"), st.integers(0, 50), st.integers(3, 20)),
    st.tuples(st.just("nulls"), st.integers(0, 50), st.integers(20, 50)),
    st.tuples(st.just("dup"), st.integers(0, 50), st.integers(5, 50)),
)


def _judged(df: pl.DataFrame) -> tuple[float, str]:
    q = evaluate(df.drop(ROW).lazy(), _contract(df))
    return q.score, q.grade


_CLEAN = clean_table().with_row_index(ROW)
_CLEAN_JUDGED = _judged(_CLEAN)


@settings(max_examples=25, deadline=None)
@given(st.lists(DEFECT, min_size=1, max_size=5, unique_by=lambda d: d[0]))
def test_adding_a_defect_never_raises_the_score(defects: list[tuple[str, int, int]]) -> None:
    df, (s0, g0) = _CLEAN, _CLEAN_JUDGED
    for d in defects:
        df = seed(df, d)
        s1, g1 = _judged(df)
        assert s1 <= s0 + 1e-9, (d, s0, s1)
        assert "ABCF".index(g1) >= "ABCF".index(g0), (d, g0, g1)
        s0, g0 = s1, g1


@settings(max_examples=15, deadline=None)
@given(st.lists(DEFECT, min_size=1, max_size=5, unique_by=lambda d: d[0]))
def test_a_clean_table_beats_the_same_table_with_seeded_defects(
    defects: list[tuple[str, int, int]],
) -> None:
    df = _CLEAN
    for d in defects:
        df = seed(df, d)
    s, g = _judged(df)
    clean_score, clean_grade = _CLEAN_JUDGED
    assert s < clean_score, (defects, clean_score, s)
    assert "ABCF".index(g) >= "ABCF".index(clean_grade)


def test_every_kind_of_defect_costs_visibly() -> None:
    """A defect that fails its measure costs at least 0.02 (a few null cells need not)."""
    clean_score, clean_grade = _CLEAN_JUDGED
    assert clean_grade == "A"
    for d in [("gap", 0, 40), ("stuck", 0, 60), ("spike", 0, 5), ("dup", 0, 20)]:
        s, _ = _judged(seed(_CLEAN, d))
        assert s <= clean_score - 0.02, (d, clean_score, s)


FACTS = st.builds(
    Facts,
    rows=st.one_of(st.none(), st.integers(0, 5000)),
    labelled=st.booleans(),
    timezone_assumed=st.booleans(),
    duplicate_files=st.lists(st.sampled_from(["b.csv", "c.csv", "d.csv"]), unique=True).map(tuple),
    mostly_empty=st.dictionaries(st.sampled_from(["x", "y", "z"]), st.floats(0.51, 1.0)),
    columns=st.integers(3, 12),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CH), st.floats(0, 1)), min_size=1, max_size=8),
    FACTS,
    st.sampled_from(["timezone", "file", "empty", "rows", "labelled"]),
)
def test_a_fact_of_the_delivery_never_raises_score_or_grade(
    ms: list[tuple[str, float]], facts: Facts, defect: str
) -> None:
    measures = [_m(f"m{j}", ch, v, "warning") for j, (ch, v) in enumerate(ms)]
    if defect == "timezone":
        worse = replace(facts, timezone_assumed=True)
    elif defect == "file":
        worse = replace(facts, duplicate_files=(*facts.duplicate_files, "e.csv"))
    elif defect == "empty":
        worse = replace(facts, mostly_empty={**facts.mostly_empty, "w": 0.9})
    elif defect == "rows":
        worse = replace(facts, rows=(5000 if facts.rows is None else facts.rows) // 2)
    else:
        worse = replace(facts, labelled=True)
    a, b = judge(measures, facts=facts), judge(measures, facts=worse)
    assert b.score <= a.score + 1e-9
    assert "ABCF".index(b.grade) >= "ABCF".index(a.grade)
