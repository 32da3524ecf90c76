"""Each operation on a small table: exact output and exact change counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from mfgdata.errors import RecipeError
from mfgdata.recipe import load, model, ops
from mfgdata.recipe.state import ColumnMeta

T0 = dt.datetime(2024, 3, 1, 8, 0, 0)


def secs(*values: float) -> list[dt.datetime]:
    return [T0 + dt.timedelta(seconds=v) for v in values]


def run(
    steps: list[dict[str, Any]], df: pl.DataFrame, **top: Any
) -> tuple[pl.DataFrame, list[dict[str, Any]], ops.Applied]:
    recipe = model.Recipe.model_validate({"version": 1, **top, "steps": steps})
    applied = ops.apply(recipe, df.lazy(), file="r.yaml")
    assert isinstance(applied.frame, pl.LazyFrame)
    return applied.frame.collect(), applied.operations, applied


def counts(records: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in keys) for r in records]


BASE = pl.DataFrame(
    {
        "a": [1.0, None, 3.0, 3.0],
        "b": ["x", "y", "y", "y"],
        "n": [1, 2, 3, 3],
    }
)

CASES: list[tuple[str, list[dict[str, Any]], dict[str, list[Any]], list[tuple[int, int]]]] = [
    (
        "rename",
        [{"op": "rename", "mapping": {"a": "알파"}}],
        {"알파": [1.0, None, 3.0, 3.0], "b": ["x", "y", "y", "y"], "n": [1, 2, 3, 3]},
        [(0, 0)],
    ),
    ("drop", [{"op": "drop", "columns": ["a", "b"]}], {"n": [1, 2, 3, 3]}, [(0, 8)]),
    (
        "keep",
        [{"op": "keep", "columns": ["n", "a"]}],
        {"n": [1, 2, 3, 3], "a": [1.0, None, 3.0, 3.0]},
        [(0, 4)],
    ),
    (
        "sort",
        [{"op": "sort", "columns": ["a"], "descending": True}, {"op": "keep", "columns": ["a"]}],
        {"a": [3.0, 3.0, 1.0, None]},
        [(4, 0), (0, 8)],
    ),
    (
        "missing constant",
        [{"op": "missing", "columns": {"a": {"policy": "constant", "value": -1}}}],
        {"a": [1.0, -1.0, 3.0, 3.0], "b": ["x", "y", "y", "y"], "n": [1, 2, 3, 3]},
        [(1, 1)],
    ),
    (
        "missing drop",
        [{"op": "missing", "columns": {"a": {"policy": "drop"}}}],
        {"a": [1.0, 3.0, 3.0], "b": ["x", "y", "y"], "n": [1, 3, 3]},
        [(1, 3)],
    ),
    (
        "dedupe exact",
        [{"op": "dedupe"}],
        {"a": [1.0, None, 3.0], "b": ["x", "y", "y"], "n": [1, 2, 3]},
        [(1, 3)],
    ),
    (
        "dedupe key keep last",
        [{"op": "dedupe", "columns": ["b"], "keep": "last"}],
        {"a": [1.0, 3.0], "b": ["x", "y"], "n": [1, 3]},
        [(2, 6)],
    ),
    (
        "filter text",
        [{"op": "filter", "where": "a >= 2 or b == 'x'"}],
        {"a": [1.0, 3.0, 3.0], "b": ["x", "y", "y"], "n": [1, 3, 3]},
        [(1, 3)],
    ),
    (
        "filter structured",
        [{"op": "filter", "where": {"column": "n", "op": "in", "value": [2, 3]}}],
        {"a": [None, 3.0, 3.0], "b": ["y", "y", "y"], "n": [2, 3, 3]},
        [(1, 3)],
    ),
    (
        "filter is_null",
        [{"op": "filter", "where": {"column": "a", "op": "not_null"}}],
        {"a": [1.0, 3.0, 3.0], "b": ["x", "y", "y"], "n": [1, 3, 3]},
        [(1, 3)],
    ),
    (
        "derive",
        [{"op": "derive", "expr": "c = a * n + 1"}, {"op": "keep", "columns": ["c"]}],
        {"c": [2.0, None, 10.0, 10.0]},
        [(3, 3), (0, 12)],
    ),
    (
        "cast",
        [
            {"op": "cast", "columns": {"n": "string", "a": "int"}},
            {"op": "keep", "columns": ["n", "a"]},
        ],
        {"n": ["1", "2", "3", "3"], "a": [1, None, 3, 3]},
        [(4, 4), (3, 3), (0, 4)],
    ),
]


@pytest.mark.parametrize(("name", "steps", "expected", "changes"), CASES, ids=[c[0] for c in CASES])
def test_operation(
    name: str,
    steps: list[dict[str, Any]],
    expected: dict[str, list[Any]],
    changes: list[tuple[int, int]],
) -> None:
    out, records, _ = run(steps, BASE)
    assert out.to_dict(as_series=False) == expected
    assert counts(records, "rows_affected", "cells_affected") == changes


def test_row_ops_report_rows_before_and_after() -> None:
    _, records, applied = run([{"op": "dedupe"}, {"op": "filter", "where": "n > 1"}], BASE)
    assert counts(records, "rows_before", "rows_after") == [(4, 3), (3, 2)]
    assert (applied.rows_in, applied.rows_out) == (4, 2)


@pytest.mark.parametrize(
    ("values", "to", "expected", "changed", "nulled"),
    [
        (["1.5", " 2 ", "x", None], "float", [1.5, 2.0, None, None], 3, 1),
        (["1", "2.5", "3.0", None], "int", [1, None, 3, None], 3, 1),
        (["yes", "N", "참", "maybe"], "bool", [True, False, True, None], 4, 1),
        (["2024-03-01 08:00:00", "bad", None, None], "datetime", [T0, None, None, None], 2, 1),
        ([1.0, 0.0, None, 2.0], "bool", [True, False, None, True], 3, 0),
        (["A", "B", "A", None], "category", ["A", "B", "A", None], 3, 0),
        ([1.0, 2.0, None, 4.0], "float", [1.0, 2.0, None, 4.0], 0, 0),
    ],
)
def test_cast(values: list[Any], to: str, expected: list[Any], changed: int, nulled: int) -> None:
    out, records, _ = run([{"op": "cast", "columns": {"v": to}}], pl.DataFrame({"v": values}))
    assert out["v"].cast(pl.String if to == "category" else out["v"].dtype).to_list() == expected
    assert out["v"].dtype == ops.CAST_TYPES[to]
    assert (records[0]["cells_affected"], records[0]["nulled"]) == (changed, nulled)


def test_forward_fill_limit_and_max_gap() -> None:
    df = pl.DataFrame({"v": [1.0, None, None, None, 5.0, None, 7.0, None, None]})
    steps = [{"op": "missing", "columns": {"v": {"policy": "forward_fill", "limit": 2}}}]
    out, records, _ = run(steps, df)
    assert out["v"].to_list() == [1.0, 1.0, 1.0, None, 5.0, 5.0, 7.0, 7.0, 7.0]
    assert counts(records, "rows_affected", "cells_affected") == [(5, 5)]
    steps = [{"op": "missing", "columns": {"v": {"policy": "forward_fill", "max_gap": 2}}}]
    out, records, _ = run(steps, df)
    assert out["v"].to_list() == [1.0, None, None, None, 5.0, 5.0, 7.0, 7.0, 7.0]
    assert records[0]["cells_affected"] == 3
    assert out.columns == ["v"]


def test_forward_fill_per_entity() -> None:
    df = pl.DataFrame(
        {"t": secs(0, 1, 0, 1), "id": ["A", "A", "B", "B"], "v": [1.0, None, None, 2.0]}
    )
    steps = [{"op": "missing", "columns": {"v": {"policy": "forward_fill"}}}]
    out, _, _ = run(steps, df, time_column="t", id_column="id")
    assert out["v"].to_list() == [1.0, 1.0, None, 2.0]


def test_interpolate_by_time_on_an_uneven_grid() -> None:
    df = pl.DataFrame(
        {
            "t": secs(0, 1, 4, 5, 10, 11, 12, 13),
            "v": [None, 10.0, None, None, 30.0, None, None, None],
        }
    )
    steps = [{"op": "missing", "columns": {"v": {"policy": "interpolate"}}}]
    out, records, _ = run(steps, df, time_column="t")
    # linear in time between t=1 (10) and t=10 (30): slope 20/9 per second
    expected = [None, 10.0, 10 + 3 * 20 / 9, 10 + 4 * 20 / 9, 30.0, None, None, None]
    assert out["v"].to_list() == pytest.approx(expected, nan_ok=True) or all(
        (a is None and b is None) or abs(a - b) < 1e-12
        for a, b in zip(out["v"].to_list(), expected, strict=True)
    )
    assert records[0]["cells_affected"] == 2
    steps = [{"op": "missing", "columns": {"v": {"policy": "interpolate", "max_gap": 1}}}]
    out, records, _ = run(steps, df, time_column="t")
    assert records[0]["cells_affected"] == 0


def test_interpolate_needs_a_time_column() -> None:
    with pytest.raises(RecipeError, match="time column"):
        run([{"op": "missing", "columns": {"a": {"policy": "interpolate"}}}], BASE)


def spiky(n: int = 40) -> list[float]:
    values = [20.0 + 0.1 * ((i * 7) % 5) for i in range(n)]
    for i, v in ((7, 80.0), (23, -40.0), (31, 95.0)):
        values[i] = v
    return values


@pytest.mark.parametrize("window", [2, 3, 5])
def test_hampel_flags_exactly_the_spikes(window: int) -> None:
    df = pl.DataFrame({"v": spiky()})
    steps = [
        {
            "op": "outliers",
            "columns": ["v"],
            "method": {"name": "hampel", "window": window, "n_sigmas": 3},
            "action": "flag",
        }
    ]
    out, records, applied = run(steps, df)
    assert out["v__outlier"].arg_true().to_list() == [7, 23, 31]
    assert out["v"].to_list() == spiky()  # flag never changes values
    assert counts(records, "rows_affected", "cells_affected", "outliers") == [(3, 0, 3)]
    assert applied.columns[-1]["name"] == "v__outlier"


def test_hampel_per_entity_does_not_cross_entities() -> None:
    a = [10.0, 10.1, 10.0, 10.2, 10.0, 50.0, 10.0, 10.1, 10.0, 10.0, 10.1, 10.0]
    b = [100.0, 100.2, 100.0, 100.1, 100.0, 100.0, 100.2, 100.0, 100.1, 100.0, 100.0, 100.2]
    rows = [
        (t, e, v)
        for t, (va, vb) in enumerate(zip(a, b, strict=True))
        for e, v in (("A", va), ("B", vb))
    ]
    df = pl.DataFrame(rows, schema=["t", "id", "v"], orient="row").with_columns(
        pl.col("t").map_elements(lambda s: T0 + dt.timedelta(seconds=s), return_dtype=pl.Datetime)
    )
    steps = [{"op": "outliers", "columns": ["v"], "method": {"name": "hampel", "window": 2}}]
    out, _, _ = run(steps, df, time_column="t", id_column="id")
    assert out["v__outlier"].arg_true().to_list() == [10]  # A at t=5 (row 2*5)
    out, _, _ = run(steps, df)  # without entities the interleaved windows mix A and B
    assert out["v__outlier"].arg_true().to_list() != [10]


@pytest.mark.parametrize(
    ("method", "action", "expected", "changes"),
    [
        ({"name": "iqr", "k": 1.5}, "null", [1.0, 2.0, 3.0, 4.0, None], (1, 1)),
        ({"name": "iqr", "k": 1.5}, "clip", [1.0, 2.0, 3.0, 4.0, 7.0], (1, 1)),
        ({"name": "iqr", "k": 100}, "clip", [1.0, 2.0, 3.0, 4.0, 100.0], (0, 0)),
        ({"name": "zscore", "threshold": 1.5}, "null", [1.0, 2.0, 3.0, 4.0, None], (1, 1)),
        ({"name": "zscore", "threshold": 3}, "null", [1.0, 2.0, 3.0, 4.0, 100.0], (0, 0)),
    ],
)
def test_outlier_actions(
    method: dict[str, Any], action: str, expected: list[float | None], changes: tuple[int, int]
) -> None:
    # iqr: q1=2, q3=4, iqr=2 → bounds [-1, 7]
    df = pl.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, 100.0]})
    steps = [{"op": "outliers", "columns": ["v"], "method": method, "action": action}]
    out, records, _ = run(steps, df)
    assert out["v"].to_list() == expected
    assert counts(records, "rows_affected", "cells_affected")[0] == changes


def test_resample_per_entity() -> None:
    df = pl.DataFrame(
        {
            "t": secs(0, 4, 9, 12, 0, 11, 14),
            "id": ["A", "A", "A", "A", "B", "B", "B"],
            "v": [1.0, 3.0, 5.0, 7.0, 10.0, 20.0, 40.0],
            "n": [1, 1, 1, 1, 2, 2, 2],
            "s": ["p", "q", "r", "s", "u", "v", "w"],
        }
    )
    steps = [
        {
            "op": "resample",
            "every": "10s",
            "aggregations": {"v": "mean", "n": "sum"},
            "default": "max",
        }
    ]
    out, records, _ = run(steps, df, time_column="t", id_column="id")
    assert out.to_dict(as_series=False) == {
        "t": secs(0, 10, 0, 10),
        "id": ["A", "A", "B", "B"],
        "v": [3.0, 7.0, 10.0, 30.0],
        "n": [3, 1, 2, 4],
        "s": ["r", "s", "u", "w"],
    }
    assert counts(records, "rows_before", "rows_after", "rows_affected") == [(7, 4, 3)]


def test_resample_minutes_without_entities_drops_unlisted_columns() -> None:
    df = pl.DataFrame(
        {"t": secs(0, 30, 61, 119, 130), "v": [1.0, 2.0, 3.0, 4.0, 5.0], "x": [0] * 5}
    )
    out, _, _ = run(
        [{"op": "resample", "every": "1m", "aggregations": {"v": "last"}}], df, time_column="t"
    )
    assert out.to_dict(as_series=False) == {"t": secs(0, 60, 120), "v": [2.0, 4.0, 5.0]}


def test_target_encode_smoothing() -> None:
    df = pl.DataFrame({"c": ["a", "a", "b", "b", "b", None], "y": [1.0, 3.0, 6.0, 6.0, None, 2.0]})
    steps = [{"op": "target_encode", "column": "c", "target": "y", "smoothing": 2}]
    out, records, applied = run(steps, df)
    g = (1 + 3 + 6 + 6 + 2) / 5  # 3.6
    a = (4 + 2 * g) / (2 + 2)
    b = (12 + 2 * g) / (2 + 2)
    n = (2 + 2 * g) / (1 + 2)
    assert out["c__te"].to_list() == pytest.approx([a, a, b, b, b, n])
    assert records[0]["cells_affected"] == 6
    out2, _, _ = run(steps, df)
    assert out2.equals(out)  # deterministic
    assert applied.columns[-1]["name"] == "c__te"


def test_convert_unit_uses_known_unit_and_updates_metadata() -> None:
    df = pl.DataFrame({"온도": [0.0, 100.0, None], "rpm": [1500, 3000, 0]})
    recipe = load.parse_text(
        "version: 1\nsteps:\n"
        "  - {op: convert_unit, column: 온도, to: K}\n"
        "  - {op: convert_unit, column: rpm, from: rpm, to: 1/min}\n"
        "  - {op: rename, mapping: {온도: temp}}\n"
    )
    meta = {"온도": ColumnMeta("온도", "온도(℃)", "℃")}
    applied = ops.apply(recipe, df.lazy(), columns=meta)
    out = applied.frame.collect()
    assert out["temp"].to_list() == [273.15, 373.15, None]
    assert out["rpm"].to_list() == [1500.0, 3000.0, 0.0]  # 1:1, not 2π
    assert counts(applied.operations[:2], "cells_affected", "scale", "offset") == [
        (2, 1.0, 273.15),
        (0, 1.0, 0.0),
    ]
    assert applied.columns == [
        {"name": "temp", "source": "온도(℃)", "unit": "K", "description": ""},
        {"name": "rpm", "source": "rpm", "unit": "1/min", "description": ""},
    ]


def test_bar_to_mpa() -> None:
    out, _, _ = run(
        [{"op": "convert_unit", "column": "p", "from": "bar", "to": "MPa"}],
        pl.DataFrame({"p": [1.0, 25.0]}),
    )
    assert out["p"].to_list() == pytest.approx([0.1, 2.5])


@pytest.mark.parametrize(
    ("steps", "column", "index"),
    [
        ([{"op": "drop", "columns": ["zz"]}], "zz", 0),
        ([{"op": "drop", "columns": ["a"]}, {"op": "keep", "columns": ["a"]}], "a", 1),
        ([{"op": "rename", "mapping": {"a": "c"}}, {"op": "derive", "expr": "d = a + 1"}], "a", 1),
        ([{"op": "filter", "where": "없는열 > 3"}], "없는열", 0),
        ([{"op": "outliers", "columns": ["q"], "method": {"name": "iqr"}}], "q", 0),
        ([{"op": "convert_unit", "column": "a", "from": "furlongz", "to": "m"}], "a", 0),
        ([{"op": "convert_unit", "column": "a", "to": "m"}], "a", 0),
        ([{"op": "outliers", "columns": ["b"], "method": {"name": "iqr"}}], "b", 0),
        ([{"op": "derive", "expr": "n = a + 1"}], "n", 0),
        ([{"op": "rename", "mapping": {"a": "b"}}], "b", 0),
        ([{"op": "sort", "columns": ["n"]}, {"op": "dedupe", "columns": ["x"]}], "x", 1),
        ([{"op": "target_encode", "column": "b", "target": "b"}], "b", 0),
    ],
)
def test_bad_column_references_fail_before_any_data_work(
    steps: list[dict[str, Any]], column: str, index: int
) -> None:
    # the frame fails if read: nothing may be collected before the error
    def boom(s: pl.Series) -> pl.Series:
        raise AssertionError("data was read")

    lf = BASE.lazy().with_columns(pl.col("a").map_batches(boom, return_dtype=pl.Float64))
    recipe = model.Recipe.model_validate({"version": 1, "steps": steps})
    with pytest.raises(RecipeError) as info:
        ops.apply(recipe, lf, file="my.yaml")
    assert info.value.where.column == column
    assert info.value.where.file == "my.yaml"
    assert f"steps[{index}]" in info.value.en and f"steps[{index}]" in info.value.ko


def test_unsafe_filter_is_rejected() -> None:
    with pytest.raises(RecipeError) as info:
        run([{"op": "filter", "where": "__import__('os').system('true')"}], BASE)
    assert "steps[0]" in info.value.en


def test_round_trip_of_the_applied_recipe() -> None:
    df = pl.DataFrame({"t": secs(0, 1, 2, 3, 4, 5), "v": [1.0, None, 3.0, 90.0, 5.0, 6.0]})
    recipe = model.Recipe.model_validate(
        {
            "version": 1,
            "time_column": "t",
            "steps": [
                {"op": "missing", "columns": {"v": {"policy": "interpolate"}}},
                {"op": "outliers", "columns": ["v"], "method": {"name": "hampel", "window": 2}},
                {"op": "derive", "column": "w", "expr": "v * 2"},
                {"op": "filter", "where": {"column": "w", "op": ">", "value": 2}},
            ],
        }
    )
    again = load.parse_text(load.dump(recipe))
    assert again == recipe
    a = ops.apply(recipe, df.lazy())
    b = ops.apply(again, df.lazy())
    assert_frame_equal(a.frame.collect(), b.frame.collect())
    assert a.operations == b.operations


def test_hampel_on_a_quantised_flat_signal_flags_only_the_spike() -> None:
    values = [25.0] * 30
    for i in (4, 11, 12, 20):
        values[i] = 25.1  # one quantisation step: not an outlier
    values[17] = 31.0
    steps = [{"op": "outliers", "columns": ["v"], "method": {"name": "hampel"}, "action": "null"}]
    out, records, _ = run(steps, pl.DataFrame({"v": values}))
    assert out["v"].is_null().arg_true().to_list() == [17]
    assert counts(records, "rows_affected", "cells_affected") == [(1, 1)]


def _sort_recipe(*columns: str) -> model.Recipe:
    return model.Recipe.model_validate(
        {"version": 1, "steps": [{"op": "sort", "columns": list(columns)}]}
    )


@pytest.mark.parametrize(
    ("rows", "moved"),
    [
        # already in (time, line) order, ties included: no row moves, the sort is skipped
        ([(1, "L1", 1.0), (1, "L2", 2.0), (2, "L1", 3.0), (2, "L1", 4.0)], 0),
        # the second key out of order within a time
        ([(1, "L2", 1.0), (1, "L1", 2.0), (2, "L1", 3.0)], 2),
        # a null key: sorted (nulls last) whatever the order looks like
        ([(1, None, 1.0), (1, "L1", 2.0), (2, "L1", 3.0)], 2),
    ],
)
def test_sort_of_sorted_input_equals_the_stable_sort(
    rows: list[tuple[int, str | None, float]], moved: int
) -> None:
    lf = pl.LazyFrame(
        rows, schema={"t": pl.Int64, "line": pl.String, "v": pl.Float64}, orient="row"
    )
    applied = ops.apply(_sort_recipe("t", "line"), lf)
    want = lf.sort(["t", "line"], nulls_last=True, maintain_order=True).collect()
    assert_frame_equal(applied.frame.collect(), want)
    assert applied.operations[0]["rows_affected"] == moved
    assert applied.operations[0]["cells_affected"] == 0


def test_duplicate_rows_count_equal_rows_as_distinct_counting_does() -> None:
    import struct

    from mfgdata.recipe.clean import duplicate_rows

    nan_payload = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000001))[0]  # another NaN
    rows = [
        (0.0, "x", 1, "a.csv"),
        (-0.0, "x", 1, "b.csv"),  # equal to the first (signed zero; the source file left out)
        (float("nan"), "y", 2, "a.csv"),
        (nan_payload, "y", 2, "a.csv"),  # NaN equals NaN
        (None, None, None, "a.csv"),
        (None, None, None, "a.csv"),
        (1.0, None, 3, "a.csv"),
        (1.0, "z", 3, "a.csv"),
    ]
    schema = {"v": pl.Float64, "s": pl.String, "n": pl.Int64, "source_file": pl.String}
    lf = pl.LazyFrame(rows, schema=schema, orient="row")
    names = ["v", "s", "n"]
    want = lf.select(pl.len() - pl.struct(names).n_unique()).collect().item()
    assert want == 3
    assert duplicate_rows(lf) == want
    assert duplicate_rows(lf.filter(pl.col("n") == 3)) == 0  # no hash shared
