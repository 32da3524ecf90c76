"""A small convolutional network trained from scratch on CPU (PyTorch), its ONNX export and a
Grad-CAM map. Imported only when the ``vision`` extra is installed (``mfgdata[vision]``).

The network: four 3x3 convolution blocks (16, 32, 64, 64 channels; batch norm, ReLU, 2x2 max
pooling; the first convolution has stride 2, which halves the CPU time per image), global
average pooling and one linear layer to two logits (good, defect). Input: one grey channel,
``side`` x ``side`` pixels, scaled to (x - 0.5) / 0.25. Training: Adam with a one-cycle
learning rate, class-weighted cross entropy, random horizontal and vertical flips, fixed
epochs, seeded. A CPU-time budget (the process's CPU seconds, so a loaded machine gives the same
epochs and the same model) ends training after the epoch that crosses it (recorded: ``epochs``
run of ``planned``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

INPUT = "input"
OUTPUT = "probabilities"


class SmallCNN(nn.Module):
    def __init__(self, widths: tuple[int, ...] = (16, 32, 64, 64)) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c = 1
        for i, w in enumerate(widths):
            layers += [
                nn.Conv2d(c, w, 3, stride=2 if i == 0 else 1, padding=1, bias=False),
                nn.BatchNorm2d(w),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
            c = w
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c, 2)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.features(x)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.forward_features(x)
        logits: torch.Tensor = self.head(f.mean(dim=(2, 3)))
        return logits


class _Probabilities(nn.Module):
    """What the ONNX file computes: class probabilities (softmax of the logits)."""

    def __init__(self, net: SmallCNN) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net(x), dim=1)


def scale(x: NDArray[np.uint8]) -> torch.Tensor:
    """uint8 images (n, side, side) -> the network's input (n, 1, side, side) float32."""
    return torch.from_numpy((x.astype(np.float32) / 255.0 - 0.5) / 0.25).unsqueeze(1)


@dataclass
class Trained:
    net: SmallCNN
    seconds: float
    cpu_seconds: float
    epochs: int
    planned: int
    losses: list[float]
    threads: int


def train(
    x: NDArray[np.uint8],
    y: NDArray[np.int64],
    *,
    seed: int = 0,
    epochs: int = 12,
    batch: int = 64,
    lr: float = 2e-3,
    threads: int = 2,
    budget_s: float = 840.0,
) -> Trained:
    """Train from scratch on ``x`` (uint8 grey images) and ``y`` (0 good, 1 defect)."""
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    net = SmallCNN()
    counts = np.bincount(y, minlength=2).astype(np.float64)
    weights = torch.tensor(len(y) / (2.0 * np.maximum(counts, 1.0)), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-4)
    steps = max(1, epochs * int(np.ceil(len(y) / batch)))
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    xt, yt = scale(x), torch.from_numpy(y.astype(np.int64))
    losses: list[float] = []
    t0, c0 = time.perf_counter(), time.process_time()
    net.train()
    for _ in range(epochs):
        order = rng.permutation(len(y))
        total = 0.0
        for i in range(0, len(order), batch):
            idx = torch.from_numpy(order[i : i + batch])
            xb, yb = xt[idx], yt[idx]
            if rng.random() < 0.5:
                xb = torch.flip(xb, dims=(3,))
            if rng.random() < 0.5:
                xb = torch.flip(xb, dims=(2,))
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
            total += float(loss.item()) * len(idx)
        losses.append(round(total / len(y), 5))
        if time.process_time() - c0 > budget_s:
            break
    net.eval()
    wall, cpu = round(time.perf_counter() - t0, 3), round(time.process_time() - c0, 3)
    return Trained(net, wall, cpu, len(losses), epochs, losses, threads)


@torch.no_grad()
def predict(net: SmallCNN, x: NDArray[np.uint8], batch: int = 256) -> NDArray[np.float64]:
    """Class probabilities (n, 2) of the torch model."""
    net.eval()
    out = [
        torch.softmax(net(scale(x[i : i + batch])), dim=1).numpy() for i in range(0, len(x), batch)
    ]
    return np.concatenate(out).astype(np.float64) if out else np.zeros((0, 2))


def export(net: SmallCNN, path: Path, side: int) -> None:
    """Write the ONNX file (input ``input`` [n, 1, side, side] float32, output probabilities)."""
    net.eval()
    dummy = torch.zeros(1, 1, side, side)
    with warnings.catch_warnings():  # the TorchScript exporter needs no onnxscript dependency
        warnings.simplefilter("ignore", DeprecationWarning)
        _export(net, dummy, path)


def _export(net: SmallCNN, dummy: torch.Tensor, path: Path) -> None:
    torch.onnx.export(
        _Probabilities(net),
        (dummy,),
        str(path),
        input_names=[INPUT],
        output_names=[OUTPUT],
        dynamic_axes={INPUT: {0: "n"}, OUTPUT: {0: "n"}},
        opset_version=17,
        dynamo=False,
    )


def onnx_predict(path: Path, x: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Class probabilities from the ONNX file (onnxruntime, CPU)."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = sess.run(None, {INPUT: scale(x).numpy()})[0]
    return np.asarray(out, dtype=np.float64)


def gradcam(net: SmallCNN, x: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Grad-CAM of the defect logit on the last convolution block, upsampled to the image,
    in 0..1, one map per image (n, side, side)."""
    net.eval()
    maps: list[NDArray[np.float32]] = []
    for i in range(len(x)):
        inp = scale(x[i : i + 1])
        feats = net.forward_features(inp)
        feats.retain_grad()
        logit = net.head(feats.mean(dim=(2, 3)))[0, 1]
        net.zero_grad()
        logit.backward()  # type: ignore[no-untyped-call]
        grad: Any = feats.grad
        w = grad.mean(dim=(2, 3), keepdim=True)
        cam = torch.relu((w * feats).sum(dim=1, keepdim=True))
        cam = nn.functional.interpolate(cam, size=x.shape[1:], mode="bilinear")[0, 0]
        c = cam.detach().numpy()
        c = c / c.max() if c.max() > 0 else c
        maps.append(c.astype(np.float32))
    return np.stack(maps) if maps else np.zeros((0, *x.shape[1:]), dtype=np.float32)
