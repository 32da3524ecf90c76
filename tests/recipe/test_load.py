"""Loading recipes: YAML errors with lines, schema errors with paths, the published schema."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mfgdata.errors import RecipeError
from mfgdata.recipe import load, model


def test_schema_file_is_up_to_date() -> None:
    """The committed schema matches the models; ``UPDATE_SCHEMA=1 pytest`` rewrites it."""
    if os.environ.get("UPDATE_SCHEMA") == "1":
        model.SCHEMA_PATH.write_text(model.schema_text(), encoding="utf-8")
    committed = model.SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == model.schema_text(), "stale: run UPDATE_SCHEMA=1 pytest " + __file__


def test_docs_reference_the_schema() -> None:
    docs = Path(__file__).parents[2] / "docs" / "recipe.md"
    assert "src/mfgdata/recipe/recipe.schema.json" in docs.read_text(encoding="utf-8")


def test_loads_a_full_recipe(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text(
        """
version: 1
time_column: 시각
steps:
  - op: rename
    mapping: {온도(°C): 온도}
  - op: convert_unit
    column: 온도
    from: degC
    to: K
  - op: missing
    columns:
      온도: {policy: forward_fill, limit: 2}
      압력: {policy: constant, value: 0}
  - op: outliers
    columns: [온도]
    method: {name: zscore, threshold: 2.5}
    action: clip
  - op: filter
    where: {column: 라인, op: in, value: [A, B]}
""",
        encoding="utf-8",
    )
    r = load.load(p)
    assert [s.op for s in r.steps] == ["rename", "convert_unit", "missing", "outliers", "filter"]
    assert isinstance(r.steps[1], model.ConvertUnit) and r.steps[1].from_ == "degC"
    assert load.parse_text(load.dump(r)) == r


@pytest.mark.parametrize(
    ("text", "line", "where"),
    [
        ("version: 1\nsteps:\n  - op: rename\n    mapping: {a: [b\n", 5, "line 5"),
        ("version: 1\nsteps:\n  - op: drop\n   columns: [a]\n", 4, "line 4"),
        ("version: 1\n\tsteps: []\n", 2, "line 2"),
    ],
)
def test_bad_yaml_names_file_and_line(tmp_path: Path, text: str, line: int, where: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RecipeError) as info:
        load.load(p)
    assert info.value.where.file == str(p)
    assert info.value.where.line == line
    assert where in info.value.en and f"{line}행" in info.value.ko


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ("version: 2\nsteps: []\n", "version", 1),
        ("version: 1\nsteps:\n  - op: bogus\n", "steps[0]", 3),
        ("version: 1\nsteps:\n  - op: rename\n", "steps[0].mapping", 3),
        (
            "version: 1\nsteps:\n  - op: drop\n    columns: [a]\n  - op: outliers\n"
            "    columns: [x]\n    method:\n      name: hampel\n      window: 0\n",
            "steps[1].method.window",
            9,
        ),
        (
            "version: 1\nsteps:\n  - op: missing\n    columns:\n      a: {policy: constant}\n",
            "steps[0].columns.a.value",
            5,
        ),
        (
            "version: 1\nsteps:\n  - op: filter\n    where: {column: a, op: '~'}\n",
            "steps[0].where.op",
            4,
        ),
        ("version: 1\nsteps:\n  - op: resample\n    every: 1 minute\n", "steps[0].every", 4),
        ("version: 1\nsteps:\n  - op: cast\n    columns: {a: complex}\n", "steps[0].columns.a", 4),
        ("version: 1\nsteps:\n  - op: drop\n    columns: [a]\n    extra: 1\n", "steps[0].extra", 5),
        ("- just a list\n", "(root)", 1),
    ],
)
def test_schema_violation_names_the_path(text: str, path: str, line: int) -> None:
    with pytest.raises(RecipeError) as info:
        load.parse_text(text, "recipe.yaml")
    assert f"{path}:" in info.value.en
    assert info.value.where.line == line
    assert info.value.where.file == "recipe.yaml"


def test_published_schema_rejects_what_the_models_reject() -> None:
    import jsonschema

    schema = load.published_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"version": 1, "steps": [{"op": "sort", "columns": ["t"]}]})
    assert not validator.is_valid({"version": 1, "steps": [{"op": "sort", "columns": []}]})
    assert not validator.is_valid({"version": 1, "steps": [{"op": "derive"}]})


def test_missing_file() -> None:
    with pytest.raises(RecipeError, match="cannot read"):
        load.load("/nonexistent/recipe.yaml")
