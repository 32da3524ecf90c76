"""Remembered digests: reused for the same file version, never for a changed file or a check."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mfgdata.pipeline.manifest import check_manifest, sha256_file, write_manifest


def test_a_remembered_digest_follows_every_change(tmp_path: Path) -> None:
    f = tmp_path / "data.bin"
    f.write_bytes(b"a" * 1000)
    first = sha256_file(f, remember=True)
    assert first == hashlib.sha256(b"a" * 1000).hexdigest()
    assert sha256_file(f, remember=True) == first
    mtime = f.stat().st_mtime_ns
    f.write_bytes(b"b" * 1000)  # same size; even with the old mtime put back...
    os.utime(f, ns=(mtime, mtime))
    assert sha256_file(f, remember=True) == hashlib.sha256(b"b" * 1000).hexdigest()  # ...ctime


def test_checking_a_manifest_reads_the_files_again(tmp_path: Path) -> None:
    product = tmp_path / "p"
    product.mkdir()
    (product / "table.csv").write_text("a\n1\n")
    write_manifest(product, {"product_id": "x"})  # remembers the digest of table.csv
    assert check_manifest(product) == []
    with (product / "table.csv").open("r+") as fh:
        fh.write("b")
    assert check_manifest(product) == [{"file": "table.csv", "problem": "modified"}]
