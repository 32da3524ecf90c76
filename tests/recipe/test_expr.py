"""The safe expression language: parsing, unparsing, polars translation, rejection."""

from __future__ import annotations

import contextlib

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mfgdata.errors import RecipeError
from mfgdata.recipe import expr, translate

FRAME = pl.DataFrame(
    {"온도": [-1.0, 10.0, 600.0, None], "압력": [100, 600, 200, 300], "라인": ["A", "B", "A", "B"]}
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("온도 > 0 and 압력 < 500", [False, False, True, False]),
        ("온도 > 0 or 라인 == 'B'", [False, True, True, True]),
        ("not (온도 is null)", [True, True, True, False]),
        ("온도 is not null and 압력 >= 300", [False, True, False, False]),
        ("(온도 + 1) * 2 >= 22", [False, True, True, False]),
        ('라인 != "A"', [False, True, False, True]),
        ("온도 == null", [False, False, False, True]),
        ("-온도 > 0", [True, False, False, False]),
        ("압력 / 100 == 6", [False, True, False, False]),
        ("TRUE", [True, True, True, True]),
    ],
)
def test_filter_expressions(text: str, expected: list[bool]) -> None:
    e = translate.to_polars(expr.parse(text), dict(FRAME.schema))
    assert FRAME.with_columns(e.fill_null(False).alias("r"))["r"].to_list() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("불량률 = 불량수 / 생산수", [0.1, None, 0.25]),
        ("x = (불량수 + 1) * 2 - 생산수 / 4", [1.5, 2.0, 4.0]),
        ("`비율 (%)` = 불량수 / 생산수 * 100", [10.0, None, 25.0]),
        ("y = 1.5e1 - -불량수", [16.0, 15.0, 17.0]),
    ],
)
def test_assignments(text: str, expected: list[float | None]) -> None:
    df = pl.DataFrame({"불량수": [1, 0, 2], "생산수": [10, 0, 8]})
    name, node = expr.parse_assignment(text)
    assert name == text.split(" =")[0].strip("`")
    assert df.select(translate.to_polars(node)).to_series().to_list() == expected


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("__import__('os')", "filter"),
        ("__import__('os').system('ls')", "arith"),
        ("a.b", "filter"),
        ("a; b", "filter"),
        ("lambda: 1", "filter"),
        ("a > ", "filter"),
        ("(a", "filter"),
        ("a > 1 and", "filter"),
        ("'unterminated", "filter"),
        ("a > 0", "arith"),
        ("a and b", "arith"),
        ("'x' + 1", "arith"),
        ("", "filter"),
        ("   ", "arith"),
        ("a is 3", "filter"),
        ("(" * 200 + "a" + ")" * 200, "filter"),
        ("x" * 3000, "filter"),
    ],
)
def test_rejects_unsafe_or_broken_input(text: str, mode: expr.Mode) -> None:
    with pytest.raises(RecipeError):
        expr.parse(text, mode)


@pytest.mark.parametrize(
    "text", ["a = ", "= a + b", "a == b", "a + b", "a = b > 1", "a = __import__('os')"]
)
def test_bad_assignments(text: str) -> None:
    with pytest.raises(RecipeError):
        expr.parse_assignment(text)


@pytest.mark.parametrize(
    "text", ["온도 > 'x'", "라인 > 3", "온도 + 라인 > 1", "온도 and 압력", "라인 - 1 == 2"]
)
def test_type_mismatch_is_a_recipe_error(text: str) -> None:
    with pytest.raises(RecipeError, match="type mismatch"):
        translate.to_polars(expr.parse(text), dict(FRAME.schema))


def test_error_names_the_position() -> None:
    with pytest.raises(RecipeError) as info:
        expr.parse("온도 > 0 $ 1")
    assert "position 7" in info.value.en
    assert "위치 7" in info.value.ko


def test_columns_in_order_of_use() -> None:
    assert expr.columns(expr.parse("b > a and (c + a) < `d e`")) == ["b", "a", "c", "d e"]


def test_string_comparison_with_a_datetime_column() -> None:
    import datetime as dt

    df = pl.DataFrame({"t": [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)]})
    e = translate.to_polars(expr.parse("t >= '2024-01-01 12:00:00'"), dict(df.schema))
    assert df.select(e).to_series().to_list() == [False, True]


# --- property tests -------------------------------------------------------------------------

names = st.text(
    alphabet=st.sampled_from("온도압력라인abcxyz_ 0(%)"), min_size=1, max_size=6
).filter(lambda s: s.strip() == s and s.strip() != "")
leaves = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(expr.Num),
    st.floats(min_value=0, max_value=1e12, allow_nan=False).map(expr.Num),
    st.text(max_size=5).filter(lambda s: "`" not in s).map(expr.Str),
    st.booleans().map(expr.Bool),
    st.just(expr.Null()),
    names.map(expr.Col),
)


def _extend(children: st.SearchStrategy[expr.Node]) -> st.SearchStrategy[expr.Node]:
    ops = st.sampled_from(["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or"])
    return st.one_of(
        st.builds(expr.Binary, ops, children, children),
        st.builds(expr.Unary, st.sampled_from(["-", "not"]), children),
        st.builds(expr.IsNull, children, st.booleans()),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_unparse_parse_round_trip(tree: expr.Node) -> None:
    assert expr.parse(expr.unparse(tree)) == tree


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_raises_an_untyped_exception(text: str) -> None:
    for mode in ("filter", "arith"):
        try:
            node = expr.parse(text, mode)  # type: ignore[arg-type]
        except RecipeError:
            continue
        assert expr.parse(expr.unparse(node), mode) == node  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(" ab12.()+-*/<>=!'`andortis"), max_size=40))
def test_grammar_like_text_never_raises_an_untyped_exception(text: str) -> None:
    with contextlib.suppress(RecipeError):
        translate.to_polars(expr.parse(text), {"a": pl.Float64(), "b": pl.Int64()})
