"""Pricing inputs: documented KRW defaults, optionally overridden by a user's ``pricing.yaml``.

Every value keeps its source (``default`` or ``file``) so that pricing.json can show where each
number came from. A bad file raises :class:`PricingError` naming the file and the field.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mfgdata.errors import MfgDataError

UNRATED = "unrated"


class PricingError(MfgDataError):
    """A pricing input that is missing, malformed or inconsistent."""

    code = "pricing_error"
    status_code = 422


class _FieldProblem(ValueError):
    """A cross-field problem that still names its field (pydantic keeps it in ``ctx``)."""

    def __init__(self, field: str, msg: str) -> None:
        self.field = field
        super().__init__(f"{field}: {msg}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CostInputs(_Model):
    """Fixed costs in KRW (TTAK.KO-10.1409 cost approach). A cost given in ``pricing.yaml`` is
    used as it is; one not given is computed from the measured work with :class:`UnitCosts`
    (the defaults below apply only when no work was measured)."""

    collection: float = Field(default=2_000_000, ge=0, description="수집 / collection")
    processing: float = Field(default=1_500_000, ge=0, description="가공 / processing and cleaning")
    labelling: float = Field(default=0, ge=0, description="라벨링 / labelling")
    qa: float = Field(default=500_000, ge=0, description="품질검증 / quality assurance")
    storage: float = Field(default=120_000, ge=0, description="저장 / storage (one year)")
    serving: float = Field(default=240_000, ge=0, description="제공 / serving (one year)")


class UnitCosts(_Model):
    """KRW per unit of measured work: the cost approach's price table (docs/pricing.md)."""

    collection_setup_krw: float = Field(
        default=300_000, ge=0, description="per product: agreeing on and extracting the data"
    )
    per_1000_raw_cells_krw: float = Field(
        default=2_000, ge=0, description="per 1,000 raw cells collected (rows × columns read)"
    )
    per_cleaned_cell_krw: float = Field(
        default=10, ge=0, description="per cell the recipe changed, filled, flagged or removed"
    )
    per_standardized_column_krw: float = Field(
        default=20_000, ge=0, description="per column mapped to a standard property"
    )
    per_model_krw: float = Field(
        default=300_000, ge=0, description="per model trained and evaluated against a baseline"
    )
    per_cpu_minute_krw: float = Field(
        default=0,
        ge=0,
        description="per minute of measured processing time (steps); 0 by default: wall time "
        "differs between rebuilds, and a product must be byte-reproducible",
    )
    per_image_krw: float = Field(
        default=20, ge=0, description="per image collected (image products: capture, transfer)"
    )
    per_label_krw: float = Field(
        default=150,
        ge=0,
        description="per image labelled (image products: an inspector's look and decision)",
    )
    qa_setup_krw: float = Field(default=200_000, ge=0, description="per product: QA review")
    per_1000_cells_checked_krw: float = Field(
        default=500, ge=0, description="per 1,000 product cells checked by the quality step"
    )
    storage_per_mb_year_krw: float = Field(
        default=100, ge=0, description="per MB stored (raw inputs + product table) a year"
    )
    storage_years: float = Field(default=1, gt=0, description="years of storage priced")
    serving_per_year_krw: float = Field(
        default=240_000, ge=0, description="serving (library page, download, API) a year"
    )
    serving_years: float = Field(default=1, gt=0, description="years of serving priced")


class MarketInputs(_Model):
    """How comparable products in the local library are adjusted."""

    size_exponent: float = Field(
        default=0.5, gt=0, le=1, description="concave size factor exponent β"
    )
    half_life_days: float = Field(
        default=365, gt=0, description="recency weight halves every this many"
    )
    as_of: date | None = Field(
        default=None, description="recency reference date (None: newest comp.)"
    )


class ValueInputs(_Model):
    """Declared unit economics for the value (income, DCF) approach; None = not declared."""

    units_per_year: float | None = Field(
        default=None, gt=0, description="units the model acts on a year"
    )
    value_per_unit_krw: float | None = Field(
        default=None, gt=0, description="KRW per unit at 100 % uplift"
    )
    years: int = Field(default=3, ge=1, le=30, description="horizon T in years")
    discount_rate: float = Field(default=0.10, ge=0, lt=1, description="discount rate r")
    seller_share: float = Field(
        default=0.25, gt=0, le=1, description="share of the value a seller asks"
    )


class ApiInputs(_Model):
    """Open API price list: a per-call fee plus per-row rates that fall tier by tier."""

    call_fee_krw: float = Field(default=10, ge=0, description="fee per call")
    tier_rows: tuple[int, ...] = Field(
        default=(1_000, 10_000, 100_000, 1_000_000), description="tier boundaries in rows"
    )
    tier_decay: float = Field(
        default=0.5, gt=0, le=1, description="rate of each tier / rate of previous"
    )
    significant_digits: int = Field(
        default=4, ge=1, le=10, description="digits kept in per-row rates"
    )

    @model_validator(mode="after")
    def _increasing(self) -> ApiInputs:
        rows = self.tier_rows
        if any(r <= 0 for r in rows) or any(b <= a for a, b in itertools.pairwise(rows)):
            raise _FieldProblem("tier_rows", "must be positive and strictly increasing")
        return self


class PricingInputs(_Model):
    """All inputs of the price step. Defaults are illustrative, documented in docs/pricing.md."""

    costs: CostInputs = CostInputs()
    unit_costs: UnitCosts = UnitCosts()
    expected_sales: int = Field(default=10, ge=1, description="expected number of sales N")
    margin: float = Field(default=0.20, ge=0, le=10, description="margin m")
    licence: str = Field(default="internal-use", description="licence scope sold")
    licence_multipliers: dict[str, float] = Field(
        default_factory=lambda: {"internal-use": 1.0, "commercial": 1.5, "redistribution": 3.0}
    )
    access_mode: Literal["download", "open-api"] = "download"
    access_multipliers: dict[str, float] = Field(
        default_factory=lambda: {"download": 1.0, "open-api": 1.2}
    )
    grade_multipliers: dict[str, float] = Field(
        default_factory=lambda: {"A": 1.0, "B": 0.85, "C": 0.7, "F": 0.5, UNRATED: 0.7}
    )
    value_cap: bool = Field(default=True, description="cap the price at the value approach")
    rounding_unit_krw: int = Field(
        default=1_000, ge=1, description="final price rounded half-up to this"
    )
    vat_rate: float = Field(default=0.10, ge=0, lt=1, description="부가가치세 / VAT rate")
    market: MarketInputs = MarketInputs()
    value: ValueInputs = ValueInputs()
    api: ApiInputs = ApiInputs()

    @model_validator(mode="after")
    def _consistent(self) -> PricingInputs:
        for name, table in (
            ("licence_multipliers", self.licence_multipliers),
            ("access_multipliers", self.access_multipliers),
            ("grade_multipliers", self.grade_multipliers),
        ):
            bad = sorted(k for k, v in table.items() if not v > 0)
            if bad:
                raise _FieldProblem(f"{name}.{bad[0]}", "multipliers must be > 0")
        if self.licence not in self.licence_multipliers:
            raise _FieldProblem("licence", f"'{self.licence}' is not in licence_multipliers")
        for mode in ("download", "open-api"):
            if mode not in self.access_multipliers:
                raise _FieldProblem("access_multipliers", f"needs '{mode}'")
        if UNRATED not in self.grade_multipliers:
            raise _FieldProblem("grade_multipliers", f"needs '{UNRATED}'")
        return self


#: the unit of every input, as pricing.json and the report show it ("" for words and switches)
UNITS = {
    "expected_sales": "sales",
    "margin": "fraction",
    "licence": "",
    "licence_multipliers": "×",
    "access_mode": "",
    "access_multipliers": "×",
    "grade_multipliers": "×",
    "value_cap": "",
    "rounding_unit_krw": "KRW",
    "vat_rate": "fraction",
    "unit_costs.collection_setup_krw": "KRW / product",
    "unit_costs.per_1000_raw_cells_krw": "KRW / 1,000 cells",
    "unit_costs.per_cleaned_cell_krw": "KRW / cell",
    "unit_costs.per_standardized_column_krw": "KRW / column",
    "unit_costs.per_model_krw": "KRW / model",
    "unit_costs.per_cpu_minute_krw": "KRW / CPU-minute",
    "unit_costs.per_image_krw": "KRW / image",
    "unit_costs.per_label_krw": "KRW / image",
    "unit_costs.qa_setup_krw": "KRW / product",
    "unit_costs.per_1000_cells_checked_krw": "KRW / 1,000 cells",
    "unit_costs.storage_per_mb_year_krw": "KRW / MB-year",
    "unit_costs.storage_years": "years",
    "unit_costs.serving_per_year_krw": "KRW / year",
    "unit_costs.serving_years": "years",
    "market.size_exponent": "β",
    "market.half_life_days": "days",
    "market.as_of": "date",
    "value.units_per_year": "units / year",
    "value.value_per_unit_krw": "KRW / unit",
    "value.years": "years",
    "value.discount_rate": "fraction / year",
    "value.seller_share": "fraction",
    "api.call_fee_krw": "KRW / call",
    "api.tier_rows": "rows",
    "api.tier_decay": "ratio",
    "api.significant_digits": "digits",
}


def unit_of(key: str) -> str:
    """The unit of an input key (``costs.*`` are KRW)."""
    return "KRW" if key.startswith("costs.") else UNITS.get(key, "")


def sources(model: BaseModel, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Flatten ``model`` to ``{"a.b": {"value": v, "unit": u, "source": "default"|"file"}}``."""
    out: dict[str, dict[str, Any]] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            sub = sources(value, key + ".")
            if name not in model.model_fields_set:
                sub = {k: {**v, "source": "default"} for k, v in sub.items()}
            out.update(sub)
            continue
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        source = "file" if name in model.model_fields_set else "default"
        out[key] = {"value": value, "unit": unit_of(key), "source": source}
    return out


def _error(path: Path, field: str, ko: str, en: str, line: int | None = None) -> PricingError:
    return PricingError(ko, en, file=path.name, line=line, column=field or None)


def load_inputs(path: Path | None) -> PricingInputs:
    """Defaults when ``path`` is None; else the YAML file validated (unknown keys are errors)."""
    if path is None:
        return PricingInputs()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _error(
            path, "", f"가격 입력 파일을 읽을 수 없습니다: {e}", f"cannot read pricing file: {e}"
        ) from e
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _error(
            path,
            "",
            "가격 입력 파일이 올바른 YAML이 아닙니다",
            f"pricing file is not valid YAML: {e}",
            line=line,
        ) from e
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _error(
            path, "", "가격 입력 파일은 키-값 매핑이어야 합니다", "pricing file must be a mapping"
        )
    try:
        return PricingInputs.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        loc = [str(p) for p in first["loc"]]
        problem = first.get("ctx", {}).get("error")
        if isinstance(problem, _FieldProblem):
            loc = [*loc, *problem.field.split(".")]
        field = ".".join(loc)
        msg = first["msg"]
        raise _error(
            path,
            field,
            f"가격 입력 '{field or '(전체)'}' 값이 올바르지 않습니다: {msg}",
            f"pricing input '{field or '(root)'}' is invalid: {msg}",
            line=_line_of(text, loc),
        ) from e


def _line_of(text: str, loc: list[str]) -> int | None:
    """1-based line of the YAML key at ``loc`` (the deepest key found)."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for key in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next((kv for kv in node.value if kv[0].value == key), None)
        if match is None:
            break
        line = match[0].start_mark.line + 1
        node = match[1]
    return line
