"""model.onnx is the same bytes whatever the interpreter's hash seed (issue #10, item 7).

onnxmltools and skl2onnx fill ``opset_import`` from a set of (domain, version) pairs, so its order
followed ``PYTHONHASHSEED``, and skl2onnx listed the default domain twice for a linear pipeline.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

import mfgdata
from mfgdata.modeling.onnx_export import OnnxModel, export
from mfgdata.modeling.train import make_model

SRC = Path(mfgdata.__file__).resolve().parents[1]
KINDS = [
    ("classification", "lightgbm", {"n_estimators": 20}),
    ("regression", "lightgbm", {"n_estimators": 20}),
    ("classification", "linear", {"C": 1.0}),
    ("regression", "linear", {"alpha": 1.0}),
]


def data() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 4))
    return X, {"classification": (np.abs(X[:, 0]) > 1).astype(int), "regression": X[:, 1] * 2}


#: exports every kind and prints the SHA-256 of each
SCRIPT = f"""
import hashlib
import numpy as np
from mfgdata.modeling.onnx_export import export
from mfgdata.modeling.train import make_model
{inspect.getsource(data)}
X, y = data()
for task, family, params in {KINDS!r}:
    model = make_model(task, family, params, 0, len(X)).fit(X, y[task])
    print(hashlib.sha256(export(model, X.shape[1])).hexdigest())
"""


@pytest.mark.parametrize(("task", "family", "params"), KINDS)
def test_opsets_are_one_per_domain_in_domain_order(
    task: str, family: str, params: dict[str, float]
) -> None:
    X, y = data()
    model = make_model(task, family, params, 0, len(X)).fit(X, y[task])
    proto = onnx.load_from_string(export(model, X.shape[1]))
    domains = [op.domain for op in proto.opset_import]
    assert domains == sorted(set(domains)) == ["", "ai.onnx.ml"]
    onnx.checker.check_model(proto)
    scored = OnnxModel(proto.SerializeToString()).predict(X[:5], task)
    assert np.isfinite(scored).all()


def test_export_bytes_do_not_follow_the_hash_seed() -> None:
    digests = set()
    # 20: under CPython 3.11 the converters list the opsets in the other order than under 0
    for seed in (0, 20):
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(SRC)}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout)
    assert len(digests) == 1
