"""The product flow: which steps run, in which order.

A step that is not built yet is simply not in the list.
"""

from __future__ import annotations

from mfgdata.pipeline.step import Step


def default_steps() -> list[Step]:
    from mfgdata.steps import ingest, package, preprocess, profile

    return [
        ingest.IngestStep(),
        profile.ProfileStep(),
        preprocess.PreprocessStep(),
        # standardize, model, insight, quality, price: later issues
        package.PackageStep(),
        # register: the data library issue
    ]
