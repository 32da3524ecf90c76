"""Scoring an exported model with onnxruntime alone: ``predict`` and the API need neither the
training libraries (scikit-learn, LightGBM) nor the ONNX converters, so importing this module
is cheap. The one input is ``input``: [rows, features], float32 (float64 for the PCA monitor)."""

from __future__ import annotations

from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

INPUT = "input"


class OnnxModel:
    """An ONNX model served by onnxruntime (one thread: predictable on small machines)."""

    def __init__(self, data: bytes) -> None:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        self.outputs = [o.name for o in self.session.get_outputs()]
        double = self.session.get_inputs()[0].type == "tensor(double)"
        self.dtype = np.float64 if double else np.float32

    def run(self, X: NDArray[Any]) -> dict[str, NDArray[Any]]:
        feeds = {INPUT: np.asarray(X, dtype=self.dtype)}
        values = self.session.run(None, feeds)
        return {name: np.asarray(v) for name, v in zip(self.outputs, values, strict=True)}

    def predict(self, X: NDArray[Any], task: str) -> NDArray[np.float64]:
        """Probabilities (classification), values (regression, RUL) or [T², SPE] (anomaly)."""
        out = self.run(X)
        if task == "anomaly":
            return np.column_stack([out["t2"], out["spe"]]).astype(np.float64)
        if task == "classification":
            proba = out.get("probabilities", out[self.outputs[-1]])
            return np.asarray(proba, dtype=np.float64)
        return np.asarray(out[self.outputs[0]], dtype=np.float64).reshape(-1)
