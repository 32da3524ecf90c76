"""The pipeline spine: runner, RunContext, Step protocol, StepResult."""

from mfgdata.pipeline.context import BuildOptions, ProductWriter, RunContext
from mfgdata.pipeline.runner import BuildResult, build
from mfgdata.pipeline.step import Step, StepResult

__all__ = [
    "BuildOptions",
    "BuildResult",
    "ProductWriter",
    "RunContext",
    "Step",
    "StepResult",
    "build",
]
