"""``dedupe`` compares the data columns: a reading exported in two monthly files (differing only
in the ``source_file`` the build adds) is one reading; the record says what was compared."""

from __future__ import annotations

import datetime as dt

import polars as pl

from mfgdata.recipe import clean, model, ops, propose

T0 = dt.datetime(2024, 1, 31, 22, 0)


def readings() -> pl.DataFrame:
    """January's file and February's overlapping export: the last two hours appear twice."""
    jan = pl.DataFrame(
        {
            "일시": [T0 + dt.timedelta(hours=h) for h in range(-3, 2)],
            "금형온도": [201.5, 202.0, 199.8, 200.4, 200.9],
            "source_file": ["2024-01.csv"] * 5,
        }
    )
    feb = pl.DataFrame(
        {
            "일시": [T0 + dt.timedelta(hours=h) for h in range(0, 4)],
            "금형온도": [200.4, 200.9, 201.1, 200.7],
            "source_file": ["2024-02.csv"] * 4,
        }
    )
    return pl.concat([jan, feb])


def apply(steps: list[dict[str, object]], df: pl.DataFrame) -> tuple[pl.DataFrame, dict]:  # type: ignore[type-arg]
    recipe = model.Recipe.model_validate({"version": 1, "steps": steps})
    applied = ops.apply(recipe, df.lazy(), file="recipe.yaml")
    return applied.frame.collect(), applied.operations[0]


def test_cross_file_duplicates_are_removed_on_the_data_columns() -> None:
    out, rec = apply([{"op": "dedupe"}], readings())
    assert out.height == 7 and out.select("일시", "금형온도").is_duplicated().sum() == 0
    # the first occurrence is kept, with the file it came from
    assert out.filter(pl.col("일시") == T0)["source_file"].to_list() == ["2024-01.csv"]
    assert rec["rows_before"] == 9 and rec["rows_affected"] == 2
    assert rec["columns"] == ["일시", "금형온도"] and rec["excluded"] == ["source_file"]
    assert rec["compared"] == "data columns" and rec["rows"] == [5, 6]


def test_outlier_flags_are_not_compared() -> None:
    df = readings().with_columns(
        pl.Series("금형온도__outlier", [False] * 8 + [True]),
    )
    df = pl.concat([df, df.head(1).with_columns(pl.lit(True).alias("금형온도__outlier"))])
    out, rec = apply([{"op": "dedupe"}], df)
    assert rec["rows_affected"] == 3 and "금형온도__outlier" in rec["excluded"]
    assert out.height == 7


def test_key_columns_are_compared_as_given() -> None:
    out, rec = apply([{"op": "dedupe", "columns": ["일시"], "keep": "last"}], readings())
    assert rec["compared"] == "key columns" and rec["columns"] == ["일시"]
    assert out.filter(pl.col("일시") == T0)["source_file"].to_list() == ["2024-02.csv"]


def test_proposal_counts_and_explains_cross_file_duplicates() -> None:
    df = readings()
    assert clean.duplicate_rows(df.lazy()) == 2
    p = propose.propose(dict(df.schema), {"rows": 9, "columns": {}}, duplicate_rows=2)
    dedupe = next(s for s in p.recipe.steps if isinstance(s, model.Dedupe))
    assert dedupe.columns is None and dedupe.note is not None
    assert "removed 2 exact duplicate rows" in dedupe.note and "source_file" in dedupe.note
    assert "완전히 같은 행 2개 제거" in dedupe.note
    assert any("source_file" in en for _, en in p.notes)
