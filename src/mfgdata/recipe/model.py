"""The recipe: pydantic v2 models. ``recipe.schema.json`` beside this file is generated from them.

A recipe is ``version: 1``, optional ``time_column``/``id_column`` and an ordered list of
``steps``; each step is one operation, told apart by its ``op`` field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_PATH = Path(__file__).with_name("recipe.schema.json")
SCHEMA_ID = "https://mfgdata.example/schemas/recipe.schema.json"

Name = Annotated[str, StringConstraints(min_length=1)]
Scalar = bool | int | float | str
CastType = Literal["float", "int", "string", "bool", "datetime", "category"]
Agg = Literal["mean", "min", "max", "last", "first", "sum"]
Duration = Annotated[str, StringConstraints(pattern=r"^([1-9][0-9]*(ms|s|m|h|d|w))+$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Rename(_Model):
    """Rename columns: ``{old: new}``."""

    op: Literal["rename"]
    mapping: dict[Name, Name] = Field(min_length=1)


class Cast(_Model):
    """Change column types; values that do not convert become null (counted as ``nulled``)."""

    op: Literal["cast"]
    columns: dict[Name, CastType] = Field(min_length=1)


class Drop(_Model):
    """Remove columns."""

    op: Literal["drop"]
    columns: list[Name] = Field(min_length=1)


class Keep(_Model):
    """Keep only these columns, in this order."""

    op: Literal["keep"]
    columns: list[Name] = Field(min_length=1)


class Sort(_Model):
    """Sort rows (stable)."""

    op: Literal["sort"]
    columns: list[Name] = Field(min_length=1)
    descending: bool = False


class ConvertUnit(_Model):
    """Convert a numeric column between units (pint); ``from`` defaults to the column's unit."""

    op: Literal["convert_unit"]
    column: Name
    from_: Name | None = Field(default=None, alias="from")
    to: Name


class DropMissing(_Model):
    policy: Literal["drop"]


class Constant(_Model):
    policy: Literal["constant"]
    value: Scalar


class ForwardFill(_Model):
    """Carry the last value forward at most ``limit`` rows; gaps longer than ``max_gap`` stay."""

    policy: Literal["forward_fill"]
    limit: int | None = Field(default=None, ge=1)
    max_gap: int | None = Field(default=None, ge=1)


class Interpolate(_Model):
    """Linear in time (the recipe's time column); gaps longer than ``max_gap`` rows stay null."""

    policy: Literal["interpolate"]
    max_gap: int | None = Field(default=None, ge=1)


MissingPolicy = Annotated[
    DropMissing | Constant | ForwardFill | Interpolate, Field(discriminator="policy")
]


class Missing(_Model):
    """Handle nulls column by column, in the order given."""

    op: Literal["missing"]
    columns: dict[Name, MissingPolicy] = Field(min_length=1)


class Dedupe(_Model):
    """Drop duplicate rows: exact on the data columns (no ``columns``: every column except the
    build's ``source_file`` and ``__outlier`` flags) or on key columns, keeping first or last.
    ``note`` says why, in words (a proposal writes what it found); applying ignores it."""

    op: Literal["dedupe"]
    columns: list[Name] | None = Field(default=None, min_length=1)
    keep: Literal["first", "last"] = "first"
    note: str | None = None


class Iqr(_Model):
    name: Literal["iqr"]
    k: float = Field(default=1.5, gt=0)


class Zscore(_Model):
    name: Literal["zscore"]
    threshold: float = Field(default=3.0, gt=0)


class Hampel(_Model):
    """Rolling median ± ``n_sigmas`` · 1.4826 · MAD over ``window`` rows each side.

    The window scale is floored at the column's robust scale (per entity: 1.4826·MAD, or
    1.2533·mean absolute deviation when MAD is 0), so flat quantised stretches are not flagged
    for one quantisation step.
    """

    name: Literal["hampel"]
    window: int = Field(default=3, ge=1, le=50)
    n_sigmas: float = Field(default=3.0, gt=0)


Method = Annotated[Iqr | Zscore | Hampel, Field(discriminator="name")]


class Outliers(_Model):
    """Find outliers; ``flag`` adds ``<column>__outlier``, ``clip`` bounds them, ``null`` blanks."""

    op: Literal["outliers"]
    columns: list[Name] = Field(min_length=1)
    method: Method
    action: Literal["flag", "clip", "null"] = "flag"


class Resample(_Model):
    """Aggregate to a fixed interval (per entity when an id column is set)."""

    op: Literal["resample"]
    every: Duration
    aggregations: dict[Name, Agg] = Field(default_factory=dict)
    default: Agg | None = None


class Condition(_Model):
    column: Name
    op: Literal["==", "!=", "<", "<=", ">", ">=", "in", "not_in", "is_null", "not_null"]
    value: Scalar | list[Scalar] | None = None


class Filter(_Model):
    """Keep the rows where ``where`` is true (an expression or a structured condition)."""

    op: Literal["filter"]
    where: Annotated[str, StringConstraints(min_length=1)] | Condition


class Derive(_Model):
    """A new column: ``expr: "불량률 = 불량수 / 생산수"`` (or ``column`` + ``expr``)."""

    op: Literal["derive"]
    column: Name | None = None
    expr: Annotated[str, StringConstraints(min_length=1)]
    unit: str | None = None
    description: str | None = None


class TargetEncode(_Model):
    """Category → smoothed mean of ``target``: (n·mean + m·global) / (n + m), m = ``smoothing``."""

    op: Literal["target_encode"]
    column: Name
    target: Name
    smoothing: float = Field(default=10.0, ge=0)
    output: Name | None = None


Operation = Annotated[
    Rename
    | Cast
    | Drop
    | Keep
    | Sort
    | ConvertUnit
    | Missing
    | Dedupe
    | Outliers
    | Resample
    | Filter
    | Derive
    | TargetEncode,
    Field(discriminator="op"),
]


class Recipe(_Model):
    """A preprocessing recipe."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        title="mfgdata preprocessing recipe",
        json_schema_extra={"$id": SCHEMA_ID},
    )

    version: Literal[1]
    time_column: Name | None = None
    id_column: Name | None = None
    steps: list[Operation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_columns(self) -> Recipe:
        if self.time_column is not None and self.time_column == self.id_column:
            raise ValueError("time_column and id_column must differ")
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain data in field order (``from`` spelt as in YAML), ``None`` left out."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return data


def json_schema() -> dict[str, Any]:
    schema = Recipe.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """The published schema file's exact text."""
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
