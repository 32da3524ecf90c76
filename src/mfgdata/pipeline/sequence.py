"""The product flow: which steps run, in which order.

A step that is not built yet is simply not in the list.
"""

from __future__ import annotations

from mfgdata.pipeline.step import Step


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
