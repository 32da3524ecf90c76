"""The engine: --engine, else the settings (MFGDATA_ENGINE); an unknown one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfgdata.errors import ConfigError
from mfgdata.pipeline.context import build_options
from mfgdata.settings import Settings


def test_engine_option_and_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opts = build_options(
        ["a.csv"], tmp_path / "out", {"engine": "spark", "spark_master": "local[1]"}
    )
    assert (opts.engine, opts.spark_master) == ("spark", "local[1]")
    assert build_options(["a.csv"], tmp_path / "out").engine is None
    monkeypatch.setenv("MFGDATA_ENGINE", "spark")
    assert Settings().engine == "spark"
    assert Settings(engine="polars").engine == "polars"


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        build_options(["a.csv"], tmp_path / "out", {"engine": "dask"})
    assert "dask" in e.value.en and "dask" in e.value.ko


def test_spark_scratch_option_and_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opts = build_options(["a.csv"], tmp_path / "out", {"spark_scratch": "hdfs://nn:8020/tmp"})
    assert opts.spark_scratch == "hdfs://nn:8020/tmp"
    assert build_options(["a.csv"], tmp_path / "out").spark_scratch is None
    assert Settings().spark_scratch is None
    monkeypatch.setenv("MFGDATA_SPARK_SCRATCH", "s3a://bucket/scratch")
    assert Settings().spark_scratch == "s3a://bucket/scratch"
