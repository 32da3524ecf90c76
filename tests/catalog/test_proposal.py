"""Title and description proposed from the data: preamble equipment name, sheet name, file name;
process family from the standardized properties; used at registration when no title was given."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from dbfixtures import make_user
from mfgdata.catalog.proposal import propose
from mfgdata.catalog.register import register_product
from mfgdata.pipeline.manifest import read_manifest, write_manifest


def _lineage(folder: Path, **changes: object) -> None:
    path = folder / "lineage.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["inputs"][0].update(changes)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_file_name_then_sheet_then_preamble(product_dir: Path, tmp_path: Path) -> None:
    by_file = propose(product_dir)  # built from 사출_로그.csv, no semantics.yaml
    assert by_file.title_ko == "사출 로그 사출성형 공정 데이터"
    assert by_file.title_en == "사출 로그 injection moulding process data"
    assert by_file.process_family == "injection_molding"
    assert "300행 × 5열, 2024-03-01~2024-03-01" in by_file.description
    assert "300 rows × 5 columns" in by_file.description and "quality grade" in by_file.description
    _lineage(product_dir, sheet="Sheet1")
    assert propose(product_dir).title_ko.startswith(
        "사출 로그"
    )  # a default sheet name says nothing
    _lineage(product_dir, sheet="프레스 2라인")
    assert propose(product_dir).title_en == "프레스 2라인 press process data"
    raw = tmp_path / "사출_로그.csv"
    raw.write_text("설비명,사출기 3호기\n측정,2024-03\n일시,온도\n", encoding="cp949")
    _lineage(product_dir, header_row=3)
    got = propose(product_dir, raw_inputs=[raw])
    assert got.title_ko.startswith("사출기 3호기 ") and "preamble" in got.reasons[0]


def test_process_family_from_the_standardized_properties(product_dir: Path) -> None:
    semantics = {
        "columns": [
            {
                "column": "I",
                "property": "urn:mfgdata:property:welding-current",
                "name_ko": "용접전류",
                "name_en": "welding current",
            },
        ]
    }
    (product_dir / "semantics.yaml").write_text(yaml.safe_dump(semantics, allow_unicode=True))
    got = propose(product_dir)
    assert got.process_family == "welding" and got.title_en.endswith("welding process data")


def test_registration_uses_the_proposal_without_a_title(
    db_session: Session, product_dir: Path
) -> None:
    dp = json.loads((product_dir / "datapackage.json").read_text(encoding="utf-8"))
    dp["title"] = "injection-line-1"  # what a build without --title writes
    dp.pop("description", None)
    (product_dir / "datapackage.json").write_text(json.dumps(dp, ensure_ascii=False))
    write_manifest(
        product_dir, {k: v for k, v in read_manifest(product_dir).items() if k != "files"}
    )
    owner = make_user(db_session, org="Acme")
    v = register_product(product_dir, session=db_session, owner_org=owner.org_id)
    assert v.product.title_ko == "사출 로그 사출성형 공정 데이터"
    assert v.product.process_family == "injection_molding"
    assert "300 rows" in v.product.description


def test_propose_and_register_with_an_edited_title_from_the_cli(product_dir: Path) -> None:
    from typer.testing import CliRunner

    from mfgdata.cli.app import app as cli_app

    runner = CliRunner()
    shown = runner.invoke(cli_app, ["propose", str(product_dir)])
    assert shown.exit_code == 0 and "사출 로그 사출성형 공정 데이터" in shown.output
    edited = runner.invoke(
        cli_app,
        ["register", str(product_dir), "--title-ko", "사출기 3호기 로그", "--title-en", "Press 3"],
    )
    assert edited.exit_code == 0, edited.output
    assert "사출기 3호기 로그" in edited.output


FAMILY_CASES = [
    ("DryerPressure dryer pressure 압력", "other"),  # found on the real dryer data: not a press
    ("press die stamping", "press"),
    ("pressing line", "press"),
    ("프레스 금형", "press"),
    ("welding current", "welding"),
    ("spot welder", "welding"),
    ("heat treatment furnace", "heat_treatment"),
    ("사출압력", "injection_molding"),
    ("injection moulding", "injection_molding"),
]


def test_process_family_words() -> None:
    from mfgdata.catalog.metadata import guess_process_family

    got = {text: guess_process_family(text) for text, _ in FAMILY_CASES}
    assert got == dict(FAMILY_CASES)
