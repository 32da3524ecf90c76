"""verify_product: tampering (modified, missing, unlisted) and quality with an edited contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.pipeline.manifest import write_manifest
from mfgdata.quality.contract import ContractError, dump_contract
from mfgdata.quality.defaults import default_contract
from mfgdata.quality.verify import verify_product
from tests.quality.conftest import clean_table


def make_product(root: Path) -> Path:
    df = clean_table(300)
    (root / "data").mkdir(parents=True)
    df.write_parquet(root / "data" / "table.parquet")
    c = default_contract(
        product_id="p", name="p", schema=df.schema, time_column="ts", ranges={"temp": (0.0, 100.0)}
    )
    (root / "contract.yaml").write_text(dump_contract(c), encoding="utf-8")
    write_manifest(root, {"product_id": "p"})
    return root


def test_untouched_product_verifies(tmp_path: Path) -> None:
    rep = verify_product(make_product(tmp_path / "prod"))
    assert rep.problems == [] and not rep.tampered
    assert rep.quality is not None and rep.quality.grade in "AB" and rep.ok


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda r: (r / "contract.yaml").write_text((r / "contract.yaml").read_text() + "# x\n"),
            "modified",
        ),
        (lambda r: (r / "data" / "table.parquet").unlink(), "missing"),
        (lambda r: (r / "extra.txt").write_text("x"), "unlisted"),
    ],
    ids=["modified", "missing", "unlisted"],
)
def test_tampering_is_reported(tmp_path: Path, change, problem: str) -> None:  # type: ignore[no-untyped-def]
    root = make_product(tmp_path / "prod")
    change(root)
    rep = verify_product(root)
    assert rep.tampered and not rep.ok and not rep.registrable
    assert rep.quality is None or not rep.quality.registrable
    assert rep.to_dict()["registrable"] is False
    assert problem in {p["problem"] for p in rep.problems}


def test_edited_contract_changes_the_verdict(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    edited = tmp_path / "edited.yaml"
    text = (root / "contract.yaml").read_text().replace("maximum: 100.0", "maximum: 21.0")
    edited.write_text(text, encoding="utf-8")
    rep = verify_product(root, edited)
    assert rep.quality is not None
    m = next(m for m in rep.quality.measures if m.id == "accuracy.range")
    assert m.evidence["count"] > 0 and not m.passed
    assert rep.quality.grade == "C" and not rep.ok


def test_bad_edited_contract(tmp_path: Path) -> None:
    root = make_product(tmp_path / "prod")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v3.1.0\nkind: DataContract\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"bad\.yaml"):
        verify_product(root, bad)
