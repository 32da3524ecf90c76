"""Labels files: CSV/TSV/whitespace, with or without header, probabilities and extra columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.images.conftest import save, texture

from mfgdata.images.ingest import ingest
from mfgdata.images.labels import read_labels


@pytest.fixture
def elpv(tmp_path: Path) -> Path:
    """An ELPV-like layout: images/cellNNNN.png and labels.csv with path, probability, type."""
    root = tmp_path / "elpv"
    for i in range(1, 5):
        save(texture(i), root / "images" / f"cell{i:04d}.png")
    (root / "labels.csv").write_text(
        "images/cell0001.png  1.0  mono\n"
        "images/cell0002.png  0.0  poly\n"
        "images/cell0003.png  0.3333333333333333  mono\n"
        "images/cell0099.png  0.0  poly\n"  # no such image; cell0004 has no label
    )
    return root


def test_elpv_style_whitespace_labels(elpv: Path) -> None:
    lf = read_labels(elpv / "labels.csv")
    assert not lf.header and lf.columns == ["path", "label", "col3"]
    assert lf.rows[2].probability == pytest.approx(1 / 3)
    assert lf.rows[0].extra == {"col3": "mono"}
    ds = ingest([elpv / "images"], elpv / "labels.csv")
    by = {r.name: r for r in ds.records}
    assert by["cell0001.png"].label == "1.0" and by["cell0002.png"].extra == {"col3": "poly"}
    assert ds.orphan_labels == ["images/cell0099.png"]
    codes = {f.code: f for f in ds.findings}
    assert codes["images.unlabelled"].examples == ("cell0004.png",)
    assert codes["images.label_without_image"].examples == ("images/cell0099.png",)


def test_the_parent_folder_matches_too(elpv: Path) -> None:
    ds = ingest([elpv], elpv / "labels.csv")
    assert {r.name: r.label for r in ds.records}["images/cell0003.png"] == "0.3333333333333333"


@pytest.mark.parametrize(
    "text",
    [
        "file,class,module\ncell0001.png,defect,mono\ncell0002.png,ok,poly\n",
        "file\tclass\tmodule\ncell0001.png\tdefect\tmono\ncell0002.png\tok\tpoly\n",
        "cell0001.png;defect;mono\ncell0002.png;ok;poly\n",
    ],
)
def test_csv_tsv_semicolon_with_or_without_header(tmp_path: Path, text: str) -> None:
    p = tmp_path / "labels.txt"
    p.write_text(text)
    lf = read_labels(p)
    got = [(r.path, r.label) for r in lf.rows]
    assert got == [("cell0001.png", "defect"), ("cell0002.png", "ok")]
    assert lf.rows[1].extra in ({"module": "poly"}, {"col3": "poly"})


def test_unreadable_lines_and_files_are_findings(tmp_path: Path) -> None:
    p = tmp_path / "labels.csv"
    p.write_text("a.png,ok\nb.png\n,defect\nc.png,defect\n")
    lf = read_labels(p)
    assert [r.path for r in lf.rows] == ["a.png", "c.png"]
    (f,) = lf.findings
    assert f.code == "images.labels_unreadable" and f.count == 2
    assert f.examples[0].startswith("line 2")
    binary = tmp_path / "labels.bin"
    binary.write_bytes(b"\x89PNG\x00\x00\x01" * 50)
    assert read_labels(binary).findings[0].code == "images.labels_unreadable"
