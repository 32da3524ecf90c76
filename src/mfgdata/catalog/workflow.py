"""The version status workflow: draft → verified → published → retired.

- verify: the stored copy still matches its manifest, quality.json exists, a grade is recorded;
- publish: only a verified version whose grade meets the registration grade (quality.json's
  ``scheme.registration_grade``, default B); the product's standard licence is written into the
  package (LICENSE.ko.md, LICENSE.en.md, datapackage.json ``licenses``; ``register.restamp``);
- retire: a published version leaves the catalogue but stays downloadable for grant holders;
- delete: never a published version, and never within 365 days of publication (retire instead).

Every transition is audited. The functions flush; the caller commits (``delete_version`` commits
itself, because it removes the stored folder after the rows are gone).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.catalog.access import refuse_onward_transfer
from mfgdata.catalog.errors import WorkflowError
from mfgdata.catalog.licences import LICENCES, get_licence, package_files
from mfgdata.catalog.metadata import read_facts, search_text
from mfgdata.catalog.register import remove_tree, restamp, version_folder
from mfgdata.db.tables import Organisation, ProductVersion, User, utcnow
from mfgdata.pipeline.manifest import check_manifest, read_manifest
from mfgdata.quality.score import meets_registration_grade, registration_grade
from mfgdata.settings import Settings

RETENTION = timedelta(days=365)
TRANSITIONS = {"verify": ("draft",), "publish": ("verified",), "retire": ("published",)}


def _allow(actor: User | None, action: str, version: ProductVersion) -> None:
    if actor is not None and not can(actor, action, version):
        raise PermissionDenied(
            "이 작업을 할 권한이 없습니다", f"not allowed: {action} on {version.product_id}"
        )


def _from(version: ProductVersion, step: str) -> None:
    allowed = TRANSITIONS[step]
    if version.status not in allowed:
        raise WorkflowError(
            f"'{version.status}' 상태에서는 {step} 할 수 없습니다 "
            f"(필요한 상태: {', '.join(allowed)})",
            f"cannot {step} a version in status '{version.status}' (needs: {', '.join(allowed)})",
        )


def _target(version: ProductVersion) -> str:
    return f"product:{version.product_id}@{version.version}"


def verify(
    *,
    session: Session,
    version: ProductVersion,
    actor: User | None,
    settings: Settings | None = None,
) -> ProductVersion:
    _allow(actor, "version.verify", version)
    _from(version, "verify")
    folder = version_folder(version, settings)
    problems = check_manifest(folder) if folder.is_dir() else [{"file": ".", "problem": "missing"}]
    if problems:
        raise WorkflowError(
            "저장된 제품 파일이 manifest와 다릅니다",
            "the stored product files do not match the manifest",
        )
    if not (folder / "quality.json").is_file() or not version.grade:
        raise WorkflowError(
            "품질 평가(quality.json, 등급)가 없어 검증할 수 없습니다",
            "cannot verify: no quality assessment (quality.json with a grade)",
        )
    version.status = "verified"
    version.verified_at = utcnow()
    audit.record(
        session=session,
        action="product.verify",
        actor=actor,
        org_id=version.product.owner_org_id,
        target=_target(version),
    )
    session.flush()
    return version


def publish(
    *,
    session: Session,
    version: ProductVersion,
    actor: User | None,
    settings: Settings | None = None,
    licence: str | None = None,
    approval_required: bool | None = None,
) -> ProductVersion:
    """Publish; the seller may choose the standard licence buyers accept (``licences``) and
    whether orders wait for its approval (None: keep the product's current choice). A member
    organisation of a group the product is shared with may not publish it (no onward transfer)."""
    refuse_onward_transfer(session=session, actor=actor, product=version.product, what="publish")
    _allow(actor, "version.publish", version)
    _from(version, "publish")
    if licence is not None:
        version.product.licence = get_licence(licence).code
    if approval_required is not None:
        version.product.approval_required = approval_required
    required = registration_grade(version_folder(version, settings))
    if not version.grade or not meets_registration_grade(version.grade, required):
        raise WorkflowError(
            f"품질 등급 {version.grade}은(는) 등록 기준 {required}에 미달하여 게시할 수 없습니다",
            f"cannot publish: grade {version.grade} is below the registration grade {required}",
        )
    stamped = _stamp_licence(session, version, settings)
    version.status = "published"
    version.published_at = utcnow()
    audit.record(
        session=session,
        action="product.publish",
        actor=actor,
        org_id=version.product.owner_org_id,
        target=_target(version),
        detail={
            "grade": version.grade,
            "required": required,
            "licence": version.product.licence,
            "approval_required": version.product.approval_required,
            "licence_files": stamped,
            "manifest_sha256": version.manifest_sha256,
        },
    )
    session.flush()
    return version


def _stamp_licence(session: Session, version: ProductVersion, settings: Settings | None) -> bool:
    """Write the product's standard licence into the version's package (a licence that is not a
    standard one is left as the build declared it); True when the package changed."""
    lic = LICENCES.get(version.product.licence)
    if lic is None:
        return False
    folder = version_folder(version, settings)
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        package = {}
    org = session.get(Organisation, version.product.owner_org_id)
    files = package_files(
        lic,
        package if isinstance(package, dict) else {},
        product_id=version.product_id,
        version=version.version,
        provider=org.name if org else "",
    )
    return restamp(
        session=session,
        version=version,
        files=files,
        header={"licence": lic.code},
        settings=settings,
    )


#: Longest catalogue title and description a seller may write (the columns' sizes)
TITLE_MAX, DESCRIPTION_MAX = 300, 4000


def edit_details(
    *,
    session: Session,
    version: ProductVersion,
    actor: User | None,
    title_ko: str | None = None,
    title_en: str | None = None,
    description: str | None = None,
    settings: Settings | None = None,
) -> ProductVersion:
    """The seller edits the proposed title and description (``mfgdata propose``) before the
    version is published; None keeps a field. The search text is rebuilt; audited as
    ``product.edit`` with the old and new values."""
    _allow(actor, "version.publish", version)
    if version.status not in ("draft", "verified"):
        raise WorkflowError(
            f"'{version.status}' 상태의 버전은 제목과 설명을 고칠 수 없습니다 (게시 전에만 가능)",
            f"the title and description can only be edited before publishing "
            f"(this version is {version.status})",
        )
    product = version.product
    wanted = {"title_ko": title_ko, "title_en": title_en, "description": description}
    changes: dict[str, dict[str, str]] = {}
    for key, value in wanted.items():
        if value is None:
            continue
        value = " ".join(value.split()) if key != "description" else value.strip()
        limit = DESCRIPTION_MAX if key == "description" else TITLE_MAX
        if key != "description" and not value:
            raise WorkflowError(f"제목은 비울 수 없습니다 ({key})", f"{key} cannot be empty")
        if len(value) > limit:
            raise WorkflowError(
                f"{key}이(가) 너무 깁니다 ({len(value)}자, 최대 {limit}자)",
                f"{key} is too long ({len(value)} characters, at most {limit})",
            )
        if getattr(product, key) != value:
            changes[key] = {"old": getattr(product, key), "new": value}
            setattr(product, key, value)
    if not changes:
        return version
    version.search_text = _search_text(session, version, settings)
    audit.record(
        session=session,
        action="product.edit",
        actor=actor,
        org_id=product.owner_org_id,
        target=_target(version),
        detail=changes,
    )
    session.flush()
    return version


def _search_text(session: Session, version: ProductVersion, settings: Settings | None) -> str:
    folder = version_folder(version, settings)
    facts = read_facts(folder, read_manifest(folder))
    p = version.product
    fields = {
        "title_ko": p.title_ko,
        "title_en": p.title_en,
        "description": p.description,
        "process_family": p.process_family,
        "problem_type": p.problem_type,
        "data_type": p.data_type,
        "licence": p.licence,
    }
    org = session.get(Organisation, p.owner_org_id)
    return search_text(
        version.product_id,
        fields,
        facts.column_names,
        semantic_names=facts.semantic_names,
        organisation=org.name if org else "",
    )


def retire(*, session: Session, version: ProductVersion, actor: User | None) -> ProductVersion:
    _allow(actor, "version.retire", version)
    _from(version, "retire")
    version.status = "retired"
    version.retired_at = utcnow()
    audit.record(
        session=session,
        action="product.retire",
        actor=actor,
        org_id=version.product.owner_org_id,
        target=_target(version),
    )
    session.flush()
    return version


def deletable_from(version: ProductVersion) -> datetime | None:
    """When the version may be deleted (None: now, it was never published)."""
    return version.published_at + RETENTION if version.published_at is not None else None


def _refuse(
    session: Session, version: ProductVersion, actor: User | None, reason: str, error: WorkflowError
) -> NoReturn:
    """Audit a refused deletion and raise ``error``. Commits, like ``delete_version`` itself: the
    refusal must stay on record even when the caller rolls back on the error."""
    audit.record(
        session=session,
        action="product.delete.refused",
        actor=actor,
        org_id=version.product.owner_org_id,
        target=_target(version),
        detail={"reason": reason},
    )
    session.commit()
    raise error


def delete_version(
    *,
    session: Session,
    version: ProductVersion,
    actor: User | None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> None:
    """Delete a never-published version, or a retired one a year after publication; commits
    (a refusal too: it is audited as ``product.delete.refused``)."""
    _allow(actor, "version.delete", version)
    now = now or utcnow()
    if version.status == "published":
        _refuse(
            session,
            version,
            actor,
            "published",
            WorkflowError(
                "게시된 제품은 삭제할 수 없습니다. 먼저 게시를 중단(retire)하세요",
                "a published version cannot be deleted; retire it first",
            ),
        )
    until = deletable_from(version)
    if until is not None and now < until:
        _refuse(
            session,
            version,
            actor,
            "retention",
            WorkflowError(
                f"게시된 제품은 게시일로부터 1년 동안 삭제할 수 없습니다 "
                f"({until.date()} 이후 가능)",
                f"a published version is kept for one year from publication; "
                f"it can be deleted from {until.date()}",
            ),
        )
    folder = version_folder(version, settings)
    target = _target(version)
    org_id = version.product.owner_org_id
    session.delete(version)
    audit.record(
        session=session, action="product.delete", actor=actor, org_id=org_id, target=target
    )
    session.commit()
    remove_tree(folder)
