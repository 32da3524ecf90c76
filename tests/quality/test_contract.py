"""contract.yaml: round trip, rules, and clear errors for bad files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from mfgdata.quality.contract import ContractError, RuleSpec, dump_contract, load_contract
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.rules import RuleSyntaxError, compile_rule


def _contract_text() -> str:
    schema = {"ts": pl.Datetime("us"), "min_temp": pl.Float64(), "max_temp": pl.Float64()}
    c = default_contract(
        product_id="p1",
        name="P1",
        schema=schema,
        time_column="ts",
        units={"min_temp": "degC"},
        ranges={"min_temp": (-40.0, 200.0)},
    )
    return dump_contract(replace(c, rules=(RuleSpec("order", "min_temp <= max_temp"),)))


def test_round_trip(tmp_path: Path) -> None:
    p = tmp_path / "contract.yaml"
    p.write_text(_contract_text(), encoding="utf-8")
    c = load_contract(p)
    assert c.id == "p1" and c.time_column == "ts"
    assert c.column("min_temp") is not None and c.column("min_temp").unit == "degC"  # type: ignore[union-attr]
    assert c.column("min_temp").minimum == -40.0  # type: ignore[union-attr]
    assert c.rules[0].expression == "min_temp <= max_temp"
    assert c.thresholds["completeness.cells"] == 0.95
    assert dump_contract(c) == _contract_text()


BAD = [
    ("yaml", lambda t: t + "\n  - : [unclosed", "YAML", None),
    ("kind", lambda t: t.replace("kind: DataContract", "kind: Other"), "kind", 2),
    (
        "threshold",
        lambda t: t.replace("mustBeGreaterOrEqualTo: 0.95", "mustBeGreaterOrEqualTo: 5", 1),
        "schema/0/quality",
        None,
    ),
    ("rule", lambda t: t.replace("min_temp <= max_temp", "min_temp <= nope"), "nope", None),
    (
        "unsafe",
        lambda t: t.replace("min_temp <= max_temp", "__import__('os')"),
        "implementation",
        None,
    ),
    ("time column", lambda t: t.replace("value: ts", "value: missing"), "customProperties", None),
]


@pytest.mark.parametrize(("name", "edit", "text", "line"), BAD, ids=[b[0] for b in BAD])
def test_bad_contract_names_file_and_path(tmp_path: Path, name: str, edit, text: str, line) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "contract.yaml"
    p.write_text(edit(_contract_text()), encoding="utf-8")
    with pytest.raises(ContractError) as e:
        load_contract(p)
    assert str(p) in e.value.message()
    assert text in e.value.en
    assert e.value.ko and e.value.where.line is not None
    if line:
        assert e.value.where.line == line


def test_missing_contract_file(tmp_path: Path) -> None:
    with pytest.raises(ContractError):
        load_contract(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("a <= b", [True, False, None]),
        ("a + b == 5", [False, True, None]),
        ("`x y` > 0", [True, True, True]),
        ("0 <= a < 3 and not b > 10", [True, False, None]),
        ("abs(a - b) < 1", [False, False, None]),
    ],
)
def test_rules(rule: str, expected: list[bool | None]) -> None:
    df = pl.DataFrame({"a": [1, 3, None], "b": [2, 2, 1], "x y": [1, 1, 1]})
    expr, _ = compile_rule(rule, df.columns)
    assert df.select(expr).to_series().to_list() == expected


@pytest.mark.parametrize("rule", ["a", "open('f')", "a.__class__", "[a]", "a <= zz", "a <="])
def test_unsafe_rules_are_refused(rule: str) -> None:
    with pytest.raises(RuleSyntaxError):
        compile_rule(rule, ["a", "b"])
