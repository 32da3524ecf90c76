"""pricing.yaml: defaults, sources, and clear errors naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.pricing.inputs import PricingError, PricingInputs, load_inputs, sources


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pricing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file() -> None:
    inputs = load_inputs(None)
    assert inputs == PricingInputs()
    flat = sources(inputs)
    assert {v["source"] for v in flat.values()} == {"default"}
    assert flat["costs.collection"]["value"] == 2_000_000
    assert flat["grade_multipliers"]["value"]["unrated"] == 0.7


def test_file_values_are_marked_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "costs:\n  labelling: 700000\nlicence: commercial\nmarket:\n  as_of: 2026-03-01\n"
        "unit_costs:\n  per_model_krw: 500000\n",
    )
    flat = sources(load_inputs(path))
    assert flat["costs.labelling"] == {"value": 700_000, "unit": "KRW", "source": "file"}
    assert flat["costs.collection"]["source"] == "default"
    assert flat["licence"] == {"value": "commercial", "unit": "", "source": "file"}
    assert flat["market.as_of"] == {"value": "2026-03-01", "unit": "date", "source": "file"}
    assert flat["margin"]["source"] == "default"
    assert flat["unit_costs.per_model_krw"] == {
        "value": 500_000,
        "unit": "KRW / model",
        "source": "file",
    }
    assert flat["unit_costs.per_cleaned_cell_krw"] == {
        "value": 10,
        "unit": "KRW / cell",
        "source": "default",
    }


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    assert load_inputs(write(tmp_path, "")) == PricingInputs()


@pytest.mark.parametrize(
    ("text", "field", "line"),
    [
        ("costs:\n  collection: 100\n  qa: -5\n", "costs.qa", 3),
        ("margin: 0.1\nlicence: exclusive\n", "licence", 2),
        ("expected_sales: 0\n", "expected_sales", 1),
        ("costs:\n  colection: 5\n", "costs.colection", 2),
        ("access_mode: ftp\n", "access_mode", 1),
        ("grade_multipliers:\n  A: 1.0\n  B: 0\n  unrated: 0.5\n", "grade_multipliers.B", 3),
        ("grade_multipliers:\n  A: 1.0\n", "grade_multipliers", 1),
        ("api:\n  tier_rows: [100, 10]\n", "api.tier_rows", 2),
        ("vat_rate: ten\n", "vat_rate", 1),
    ],
)
def test_bad_values_name_file_and_field(tmp_path: Path, text: str, field: str, line: int) -> None:
    with pytest.raises(PricingError) as info:
        load_inputs(write(tmp_path, text))
    err = info.value
    assert err.where.file == "pricing.yaml"
    assert err.where.column == field
    assert err.where.line == line
    assert field in err.ko and field in err.en
    assert err.to_dict()["code"] == "pricing_error"


@pytest.mark.parametrize(
    ("text", "line"), [("costs: [1, 2\n", 2), ("- a\n- b\n", None), ("a: b: c\n", 1)]
)
def test_bad_yaml_is_a_clear_error(tmp_path: Path, text: str, line: int | None) -> None:
    with pytest.raises(PricingError) as info:
        load_inputs(write(tmp_path, text))
    assert info.value.where.file == "pricing.yaml"
    assert info.value.where.line == line


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PricingError, match="cannot read pricing file"):
        load_inputs(tmp_path / "nope.yaml")
