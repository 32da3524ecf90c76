"""Predictions for new images with an image product's model (``model/model.onnx``).

The images are read as the build reads them (folders, zips, single images; the same pixel and
zip limits), turned into the model's input exactly as in training (``model/preprocess.json``:
grey, resized, scaled) and scored with onnxruntime. An image that cannot be read is a row with
its error, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from mfgdata.errors import InputError
from mfgdata.images.baseline import load_grey
from mfgdata.images.decode import Unreadable, decode
from mfgdata.images.sources import iter_images
from mfgdata.quality.findings import Finding
from mfgdata.settings import Settings, get_settings

PREPROCESS = "model/preprocess.json"
ONNX = "model/model.onnx"


def is_image_product(folder: Path) -> bool:
    return (folder / PREPROCESS).is_file() and (folder / ONNX).is_file()


@dataclass(frozen=True)
class ImageModel:
    folder: Path
    side: int
    threshold: float
    operating_points: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> ImageModel:
        if not is_image_product(folder):
            raise InputError(
                "이 제품에는 이미지 모델이 없습니다 (model/preprocess.json, model/model.onnx)",
                "this product has no image model (model/preprocess.json, model/model.onnx)",
                file=str(folder),
            )
        pre = json.loads((folder / PREPROCESS).read_text(encoding="utf-8"))
        return cls(
            folder,
            int(pre["side_px"]),
            float(pre.get("threshold", 0.5)),
            list(pre.get("operating_points") or []),
        )

    def score(
        self, images: list[tuple[str, bytes]], settings: Settings | None = None
    ) -> pl.DataFrame:
        """One row per image: name, P(defect), the call at the model's threshold, or the error."""
        from mfgdata.images.cnn import onnx_predict

        s = settings or get_settings()
        names: list[str] = []
        arrays: list[np.ndarray] = []
        errors: dict[str, str] = {}
        for name, data in images:
            try:
                decode(data, s.image_max_pixels)  # the build's checks (bomb, corrupt)
                arrays.append(load_grey(data, self.side))
                names.append(name)
            except Unreadable as e:
                errors[name] = f"{e.kind}: {e.detail}"
        p = onnx_predict(self.folder / ONNX, np.stack(arrays))[:, 1] if arrays else np.zeros(0)
        rows: list[dict[str, Any]] = [
            {
                "image": n,
                "p_defect": round(float(v), 6),
                "predicted": "defect" if v >= self.threshold else "good",
                "error": None,
            }
            for n, v in zip(names, p, strict=True)
        ]
        rows += [
            {"image": n, "p_defect": None, "predicted": None, "error": e} for n, e in errors.items()
        ]
        schema = {
            "image": pl.String,
            "p_defect": pl.Float64,
            "predicted": pl.String,
            "error": pl.String,
        }
        return pl.DataFrame(rows, schema=schema, orient="row")


def predict_paths(
    folder: Path, paths: list[Path], settings: Settings | None = None
) -> pl.DataFrame:
    """Score every image under ``paths`` (folders, zips, image files)."""
    model = ImageModel.load(folder)
    s = settings or get_settings()
    found: list[Finding] = []
    images = [
        (f.name, f.data) for f in iter_images(paths, found, max_entries=s.image_zip_max_entries)
    ]
    return model.score(images, s)
