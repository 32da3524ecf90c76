"""ONNX export (onnxmltools for LightGBM, skl2onnx for scikit-learn, a small graph for the PCA
monitor) and scoring with onnxruntime. The one input is ``input``: [rows, features], float32
(float64 for the PCA monitor)."""

from __future__ import annotations

from typing import Any

import lightgbm as lgb
import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import TensorProto, helper, numpy_helper
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]

from mfgdata.modeling.monitor import PcaMonitor
from mfgdata.modeling.onnx_serve import INPUT, OnnxModel

__all__ = ["INPUT", "OPSET", "OnnxModel", "export"]

OPSET = 15


def _lightgbm(model: Any, n: int) -> onnx.ModelProto:
    from onnxmltools import convert_lightgbm  # type: ignore[import-untyped]
    from onnxmltools.convert.common.data_types import FloatTensorType  # type: ignore[import-untyped]

    kind = {"zipmap": False} if isinstance(model, lgb.LGBMClassifier) else {}
    proto: onnx.ModelProto = convert_lightgbm(
        model, initial_types=[(INPUT, FloatTensorType([None, n]))], target_opset=OPSET, **kind
    )
    return proto


def _sklearn(model: Pipeline, n: int) -> onnx.ModelProto:
    from skl2onnx import convert_sklearn  # type: ignore[import-untyped]
    from skl2onnx.common.data_types import FloatTensorType  # type: ignore[import-untyped]

    options = {id(model.steps[-1][1]): {"zipmap": False}} if hasattr(model, "predict_proba") else {}
    proto: onnx.ModelProto = convert_sklearn(
        model,
        initial_types=[(INPUT, FloatTensorType([None, n]))],
        target_opset=OPSET,
        options=options,
    )
    return proto


def _const(name: str, value: NDArray[Any]) -> onnx.TensorProto:
    t: onnx.TensorProto = numpy_helper.from_array(np.asarray(value, dtype=np.float64), name)
    return t


def _monitor(mon: PcaMonitor, n: int) -> onnx.ModelProto:
    """T² and SPE of autoscaled rows (input float64: plant tags can have tiny spreads around
    large values); NaN is taken at the training mean."""
    nodes = [
        helper.make_node("Sub", [INPUT, "mean"], ["c"]),
        helper.make_node("Div", ["c", "scale"], ["z0"]),
        helper.make_node("IsNaN", ["z0"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "z0"], ["z"]),
        helper.make_node("MatMul", ["z", "P"], ["t"]),
        helper.make_node("Mul", ["t", "t"], ["t_sq"]),
        helper.make_node("Div", ["t_sq", "eig"], ["t_w"]),
        helper.make_node("ReduceSum", ["t_w", "axes"], ["t2"], keepdims=0),
        helper.make_node("MatMul", ["t", "Pt"], ["zhat"]),
        helper.make_node("Sub", ["z", "zhat"], ["r"]),
        helper.make_node("Mul", ["r", "r"], ["r_sq"]),
        helper.make_node("ReduceSum", ["r_sq", "axes"], ["spe"], keepdims=0),
    ]
    inits = [
        _const("mean", mon.mean),
        _const("scale", mon.scale),
        _const("zero", np.zeros(1)),
        _const("P", mon.loadings),
        _const("Pt", mon.loadings.T),
        _const("eig", mon.eigenvalues),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axes"),
    ]
    graph = helper.make_graph(
        nodes,
        "pca_monitor",
        [helper.make_tensor_value_info(INPUT, TensorProto.DOUBLE, [None, n])],
        [
            helper.make_tensor_value_info("t2", TensorProto.DOUBLE, [None]),
            helper.make_tensor_value_info("spe", TensorProto.DOUBLE, [None]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _canonical_opsets(proto: onnx.ModelProto) -> None:
    """One opset per domain (the highest), sorted by domain. The converters fill ``opset_import``
    from a set of (domain, version) pairs, so its order follows ``PYTHONHASHSEED``, and skl2onnx
    can list the default domain twice."""
    versions: dict[str, int] = {}
    for op in proto.opset_import:
        versions[op.domain] = max(op.version, versions.get(op.domain, 0))
    del proto.opset_import[:]
    for domain in sorted(versions):
        proto.opset_import.add(domain=domain, version=versions[domain])


def export(model: Any, n_features: int) -> bytes:
    """Serialised ONNX for a LightGBM model, a scikit-learn pipeline or a ``PcaMonitor``."""
    if isinstance(model, PcaMonitor):
        proto = _monitor(model, n_features)
    elif isinstance(model, lgb.LGBMModel):
        proto = _lightgbm(model, n_features)
    else:
        proto = _sklearn(model, n_features)
    _canonical_opsets(proto)
    proto.doc_string = "mfgdata baseline model"
    proto.graph.name = "mfgdata_model"  # converters put a random uuid here: keep bytes reproducible
    data: bytes = proto.SerializeToString()
    return data
