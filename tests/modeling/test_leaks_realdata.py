"""LDPE (process-improve): Conv is not predicted from the run's other quality outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import realdata
from mfgdata.cli.app import app

pytestmark = pytest.mark.slow
SIBLINGS = ["Mn", "Mw", "LCB", "SCB"]  # measured on the same product: outputs, not inputs


def test_ldpe_sibling_outputs_are_not_features(tmp_path: Path) -> None:
    out = tmp_path / "ldpe"
    args = ["build", str(realdata.ldpe_csv()), "--target", "Conv", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert [lk["feature"] for lk in metrics["leaks"]] == SIBLINGS
    assert {lk["measure"] for lk in metrics["leaks"]} == {"outcome"}
    assert not set(SIBLINGS) & set(metrics["features"])
    assert {"Tin", "Tmax1", "Press", "Fi1", "z2"} <= set(metrics["features"])
    semantics = (out / "semantics.yaml").read_text(encoding="utf-8")
    assert "urn:mfgdata:property:number-average-molecular-weight" in semantics
    card = (out / "model" / "model_card.md").read_text(encoding="utf-8")
    for name in SIBLINGS:
        assert f"  - {name}: 공정 뒤에 측정하는 품질 결과" in card
    # LDPE is a reactor simulation: the 14 process inputs still determine Conv closely, so the
    # honest model stays usable; its error is larger than the sibling-fed one (4.4e-05)
    mae = metrics["metrics"]["model"]["mae"]["value"]
    base = metrics["metrics"]["baseline"]["mae"]["value"]
    assert 5e-05 < mae < 0.1 * base
    assert metrics["usable"] is True
