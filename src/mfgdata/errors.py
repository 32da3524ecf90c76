"""One error root for mfgdata.

Every error a user can meet carries a message in Korean and English, the place it is about
(file, line, column) and the HTTP status the API answers with::

    MfgDataError
    ├── InputError              bad input file (missing, empty, binary, truncated, ragged, broken)
    │   └── EncodingError       bytes that no supported encoding decodes
    ├── RecipeError             a recipe that is not valid YAML, not valid against the schema, or
    │                           names an unknown column
    ├── ConfigError             a bad option or settings value
    ├── OutputExistsError       the output folder exists (nothing is overwritten)
    ├── ProductError            a product folder that is missing files or fails its manifest
    ├── StepFailed              a foreign exception inside a step (chained with ``from``)
    │
    │   Subclasses that live beside the feature they belong to:
    ├── ContractError           quality/contract.py: a bad contract.yaml
    ├── PricingError            pricing/inputs.py: a bad pricing.yaml
    ├── SemanticsError          semantics/errors.py: DictionaryError, MappingFileError
    │                           (DuplicateColumnError), UnknownPropertyError, UnitError
    ├── AuthError (401), PermissionDenied (403), RateLimited (429)     accounts/errors.py
    ├── NotFound (404), WorkflowError (409)                            catalog/errors.py
    ├── RegistrationError       catalog/errors.py, a ProductError (422)
    ├── PredictFailed (500)     modeling/predict.py: a foreign exception while scoring
    └── ProgramError (422)      programs/errors.py: TemplateError, ScoreSheetError (also an
                                InputError), BudgetError; DeadlinePassed (409) in programs/dates.py

Findings (quality problems in data) are *not* errors: they are records in a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Where a problem is: any of file, line (1-based), column name."""

    file: str | None = None
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class MfgDataError(Exception):
    """Root of all mfgdata errors. ``ko`` and ``en`` are the user-facing messages."""

    status_code = 400
    code = "mfgdata_error"

    def __init__(
        self,
        ko: str,
        en: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.ko = ko
        self.en = en
        self.where = Where(file=str(file) if file is not None else None, line=line, column=column)
        super().__init__(self.message())

    def message(self) -> str:
        """One line: Korean / English, then where."""
        where = str(self.where)
        text = f"{self.ko} / {self.en}"
        return f"{text} ({where})" if where else text

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_ko": self.ko,
            "message_en": self.en,
            "file": self.where.file,
            "line": self.where.line,
            "column": self.where.column,
        }


class InputError(MfgDataError):
    code = "input_error"
    status_code = 422


class EncodingError(InputError):
    code = "encoding_error"


class RecipeError(MfgDataError):
    code = "recipe_error"
    status_code = 422


class ConfigError(MfgDataError):
    code = "config_error"


class OutputExistsError(MfgDataError):
    code = "output_exists"
    status_code = 409


class ProductError(MfgDataError):
    code = "product_error"
    status_code = 422


class StepFailed(MfgDataError):
    """A foreign exception inside a step; the original is the ``__cause__``."""

    code = "step_failed"
    status_code = 500

    def __init__(self, step: str, run_id: str, cause: BaseException) -> None:
        self.step = step
        self.run_id = run_id
        detail = f"{type(cause).__name__}: {cause}".splitlines()[0][:300]
        super().__init__(
            f"'{step}' 단계에서 예기치 않은 오류가 발생했습니다 (실행 {run_id}): {detail}",
            f"unexpected failure in step '{step}' (run {run_id}): {detail}",
        )
