"""The product flow: which steps run, in which order, and ``build`` with that flow as default.

It lives outside ``pipeline`` so that the pipeline spine imports nothing from ``steps`` (the
steps import the spine: RunContext, StepResult, the result types). A step that is not built yet
is simply not in the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mfgdata.pipeline.context import BuildOptions, ProgressFn
from mfgdata.pipeline.runner import BuildResult
from mfgdata.pipeline.runner import build as run_steps
from mfgdata.pipeline.step import Step
from mfgdata.settings import Settings, get_settings


def default_steps() -> list[Step]:
    from mfgdata.steps import (
        aas,
        ingest,
        insight,
        model,
        package,
        preprocess,
        price,
        profile,
        quality,
        register,
        standardize,
    )

    return [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        standardize.StandardizeStep(),
        model.ModelStep(),
        insight.InsightStep(),
        quality.QualityStep(),
        price.PriceStep(),
        aas.AasStep(),
        package.PackageStep(),
        register.RegisterStep(),  # readiness; registration itself runs on the finished folder
    ]


def image_steps() -> list[Step]:
    """The flow of an image product (vision inspection): the images and their records table
    instead of a cleaned table; price, AAS and register are the table flow's own steps."""
    from mfgdata.steps import aas, images, price, register, vision_model

    return [
        images.ImageIngestStep(),
        vision_model.ImageModelStep(),
        images.ImageQualityStep(),
        price.PriceStep(),
        aas.AasStep(),
        images.ImagePackageStep(),
        register.RegisterStep(),
    ]


def steps_for(options: BuildOptions) -> list[Step]:
    """The image flow for image inputs (or when a labels file is given), else the table flow."""
    from mfgdata.steps.images import is_image_input

    local = [p for p in options.inputs if isinstance(p, Path)]  # a URI is a table's file
    if options.labels is not None or is_image_input(local):
        return image_steps()
    return default_steps()


def build(
    options: BuildOptions,
    *,
    steps: Sequence[Step] | None = None,
    settings: Settings | None = None,
    progress: ProgressFn | None = None,
) -> BuildResult:
    """Run ``steps`` (default: :func:`steps_for` the options) into a product at ``options.out``."""
    chosen = list(steps) if steps is not None else steps_for(options)
    if (options.engine or (settings or get_settings()).engine) == "spark":
        from mfgdata.engine.spark_steps import for_spark

        chosen = for_spark(chosen)  # each step's Spark side, or a refusal naming the step
    return run_steps(options, steps=chosen, settings=settings, progress=progress)
