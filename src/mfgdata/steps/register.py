"""The ``register`` step: put a finished product into the data library.

The runner moves the staging folder to ``--out`` only after every step, so registration cannot
happen inside the build. ``RegisterStep`` is the last step of the flow and only checks that the
product is ready for the library (quality grade and the files the library reads); after
``build`` returns, the CLI (``mfgdata build ... --register``, ``mfgdata register``) or the web
job calls ``register_product(out, session=..., owner_org=...)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from mfgdata.pipeline.context import RunContext
from mfgdata.pipeline.results import QualityResult
from mfgdata.pipeline.step import StepResult
from mfgdata.quality.findings import Finding
from mfgdata.quality.score import meets_registration_grade, registration_grade

if TYPE_CHECKING:  # the catalog (SQLAlchemy) is imported by register_product, not by the build
    from sqlalchemy.orm import Session

    from mfgdata.catalog.metadata import ProductMeta
    from mfgdata.db.tables import Organisation, ProductVersion, User

#: files the library reads (grade and score, price, rows and columns, title and licence)
LIBRARY_FILES = ("quality.json", "pricing.json", "datapackage.json")


class RegisterStep:
    """Checks library readiness in the build; registration itself is ``register_product``."""

    name = "register"
    title_ko = "데이터 라이브러리 등록 준비"
    title_en = "Data library readiness"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        root = ctx.product.root
        missing = [f for f in LIBRARY_FILES if not (root / f).is_file()]
        quality = ctx.maybe(QualityResult)
        grade = str(quality.grade) if quality and quality.grade else None
        required = registration_grade(root)
        publishable = grade is not None and meets_registration_grade(grade, required)
        findings = [
            Finding(
                code="register.missing_file",
                severity="warning",
                message_ko=f"라이브러리에 필요한 파일이 없습니다: {f}",
                message_en=f"a file the library reads is missing: {f}",
                step=self.name,
            )
            for f in missing
        ]
        if grade is not None and not publishable:
            findings.append(
                Finding(
                    code="register.grade_below_registration",
                    severity="warning",
                    message_ko=f"품질 등급 {grade}은(는) 등록 기준 {required}에 미달하여 "
                    "초안으로만 등록되고 게시할 수 없습니다",
                    message_en=f"grade {grade} is below the registration grade {required}; "
                    "the product can be registered as a draft but not published",
                    step=self.name,
                )
            )
        return StepResult(
            step=self.name,
            data={
                "ready": not missing,
                "missing": missing,
                "grade": grade,
                "registration_grade": required,
                "publishable": publishable,
            },
            findings=tuple(findings),
            counts={"missing_files": len(missing)},
        )


def register_product(
    product_dir: Path,
    *,
    session: Session,
    owner_org: Organisation | int,
    actor: User | None = None,
    meta: ProductMeta | None = None,
    product_id: str | None = None,
) -> ProductVersion:
    """Register a finished product folder (after ``build`` returned); see catalog.register."""
    from mfgdata.catalog.register import register_product as _register

    return _register(
        product_dir,
        session=session,
        owner_org=owner_org,
        actor=actor,
        meta=meta,
        product_id=product_id,
    )
