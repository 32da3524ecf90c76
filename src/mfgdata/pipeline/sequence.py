"""The product flow: which steps run, in which order.

A step that is not built yet is simply not in the list.
"""

from __future__ import annotations

from mfgdata.pipeline.step import Step


def default_steps() -> list[Step]:
    from mfgdata.steps import ingest, package, preprocess, price, profile, quality

    return [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        # standardize, model, insight: landing
        quality.QualityStep(),
        price.PriceStep(),
        package.PackageStep(),
        # register: runs after the build, on the finished folder (the data library)
    ]
