"""``lineage.json``: where the product came from and what was done to it.

Inputs by SHA-256, the steps in the order they ran with their counts and findings, the recipe hash
and the versions of the software. No timestamps (the runner puts timings in manifest.json), so two
builds of the same inputs with the same recipe and software give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

from mfgdata import __version__
from mfgdata.pipeline.step import StepResult

#: Libraries whose version can change the product's bytes or values.
LIBRARIES = ("polars", "pyarrow", "narwhals", "pint", "numpy", "charset-normalizer", "fastexcel")

INPUT_KEYS = (
    "name",
    "sha256",
    "bytes",
    "format",
    "encoding",
    "delimiter",
    "decimal",
    "header_row",
    "sheet",
    "sheet_reason",
    "sheet_reason_ko",
    "sheets",
    "rows",
    "duplicate_of",
)


def software_versions() -> dict[str, str | None]:
    """mfgdata, Python and the key libraries (None: not installed)."""
    versions: dict[str, str | None] = {"mfgdata": __version__, "python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    return versions


def recipe_sha256(recipe: Any) -> str | None:
    """SHA-256 of the recipe in canonical JSON (sorted keys): stable across YAML formatting."""
    if recipe is None:
        return None
    text = json.dumps(
        recipe, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def step_entry(result: StepResult) -> dict[str, Any]:
    by_severity: dict[str, int] = {}
    for f in result.findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return {
        "step": result.step,
        "counts": dict(result.counts),
        "findings": len(result.findings),
        "findings_by_severity": by_severity,
        "files": list(result.files),
    }


def lineage(
    *,
    product_id: str,
    inputs: Sequence[Mapping[str, Any]],
    results: Sequence[StepResult],
    recipe: Any,
    options: Mapping[str, Any],
    recipe_file_sha256: str | None = None,
) -> dict[str, Any]:
    """The lineage record; ``results`` in run order (the package step's own entry last)."""
    return {
        "product_id": product_id,
        "inputs": [{k: i.get(k) for k in INPUT_KEYS if k in i} for i in inputs],
        "options": dict(options),
        "recipe": {"sha256": recipe_sha256(recipe), "file_sha256": recipe_file_sha256},
        "steps": [step_entry(r) for r in results],
        "software": software_versions(),
    }
