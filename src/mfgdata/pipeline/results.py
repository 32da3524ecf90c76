"""What steps hand each other: one small frozen dataclass per step whose result a later step
reads. A step returns it as ``StepResult.data``; a later step reads it with
``ctx.result(IngestResult)`` (the step must have run) or ``ctx.maybe(ModelResult)`` (None when
it did not), never by step name.

Every field has an empty default (a step that found nothing), so a test builds only what it
needs. The nested entries (column descriptions, measures, the recipe) stay the JSON-shaped dicts the
product files are written from, so the files do not change. ``as_dict()`` gives the payload as
the key set it always had, for the helpers that take the whole mapping (pricing work, AAS).
Each result still reads as a read-only mapping (``r["rows"]``) during the move to attributes;
new code uses the attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any


class StepData(Mapping[str, Any]):
    """Base of the result types: the dataclass fields, also readable as a mapping."""

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def __getitem__(self, key: str) -> Any:
        data = self.as_dict()
        return data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())


@dataclass(frozen=True, eq=False)
class IngestResult(StepData):
    """The table read from the inputs (steps/ingest.py)."""

    inputs: Sequence[Mapping[str, Any]] = field(default_factory=list)
    #: one dict per column: name, raw_name, unit, dtype, ... (ingest.describe_columns)
    columns: Sequence[Mapping[str, Any]] = field(default_factory=list)
    time_column: str | None = None
    rows: int = 0
    junk: Mapping[str, Any] = field(default_factory=dict)
    timezone: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ImageIngestResult(StepData):
    """The images and their records table (steps/images.py)."""

    kind: str = "images"
    description: tuple[str, str] = ("", "")
    inputs: Sequence[Mapping[str, Any]] = field(default_factory=list)
    rows: int = 0
    columns: Sequence[Mapping[str, Any]] = field(default_factory=list)
    images: int = 0
    unreadable: int = 0
    labelled: int = 0
    label_source: str | None = None
    classes: Mapping[str, int] = field(default_factory=dict)
    formats: Mapping[str, int] = field(default_factory=dict)
    image_set: Any = None  # images.ingest.ImageSet
    image_profile: Any = None  # images.profile.ImageProfile


@dataclass(frozen=True, eq=False)
class ProfileResult(StepData):
    """profile.json's content (steps/profile.py)."""

    rows: int = 0
    columns: Mapping[str, Any] = field(default_factory=dict)
    time: Mapping[str, Any] | None = None
    entities: Any = None
    target: str | None = None


@dataclass(frozen=True, eq=False)
class PreprocessResult(StepData):
    """The recipe applied and what it changed (steps/preprocess.py)."""

    recipe: Mapping[str, Any] = field(default_factory=dict)
    operations: Sequence[Mapping[str, Any]] = field(default_factory=list)
    columns: Sequence[Mapping[str, Any]] = field(default_factory=list)
    flags: Sequence[Mapping[str, Any]] = field(default_factory=list)
    proposed: bool = False
    notes: Sequence[Mapping[str, str]] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class StandardizeResult(StepData):
    """One row per column with its property and unit (steps/standardize.py)."""

    columns: Sequence[Mapping[str, Any]] = field(default_factory=list)
    source: str | None = None


@dataclass(frozen=True, eq=False)
class ModelResult(StepData):
    """The model step's result (table or image model): ``card`` is the model card's facts as
    the step wrote them (its keys differ between a fitted, a skipped and an image model)."""

    card: Mapping[str, Any] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return bool(self.card.get("skipped"))

    @property
    def usable(self) -> bool | None:
        v = self.card.get("usable")
        return None if v is None else bool(v)

    @property
    def target(self) -> str | None:
        v = self.card.get("target")
        return v if isinstance(v, str) else None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.card)


@dataclass(frozen=True, eq=False)
class QualityResult(StepData):
    """The grade and its measures (steps/quality.py, images' quality)."""

    score: float = 0.0
    grade: str = ""
    passed: bool = False
    registrable: bool = False
    grade_reasons: Sequence[Mapping[str, Any]] = field(default_factory=list)
    measures: Sequence[Mapping[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class PriceResult(StepData):
    """The price and its basis (steps/price.py)."""

    price_krw: int = 0
    vat_krw: int = 0
    total_krw: int = 0
    currency: str = "KRW"
    grade: str | None = None
    licence: Any = None
    access_mode: Any = None
    rule: str = ""
    approaches: Mapping[str, Any] = field(default_factory=dict)
    market_basis: Any = None
    api_price_list: Any = None
    api_tiers: Any = None
    api_call_fee_krw: Any = None
