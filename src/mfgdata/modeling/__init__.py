"""Baseline models, honest evaluation, ONNX export, insights and prediction."""
