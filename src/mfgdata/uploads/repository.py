"""The ``uploads`` rows: keyword-only functions, and ``UploadOut``, an upload's public shape.

An organisation sees only its own uploads; any other id is ``NotFound`` (ids are not confirmed).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.accounts import audit
from mfgdata.accounts.roles import can
from mfgdata.catalog.errors import NotFound
from mfgdata.db.tables import Upload, User
from mfgdata.settings import Settings
from mfgdata.uploads.storage import FILES_DIR, extracted_files, stored_kind


class UploadOut(BaseModel):
    id: int
    filename: str
    kind: str
    bytes: int
    sha256: str
    files: list[str]
    created: datetime


def upload_public(row: Upload, settings: Settings) -> UploadOut:
    stored = settings.home / row.stored_path
    files_dir = stored.parent / FILES_DIR
    return UploadOut(
        id=row.id,
        filename=row.filename,
        kind=stored_kind(stored),
        bytes=row.bytes,
        sha256=row.sha256,
        files=[p.relative_to(files_dir).as_posix() for p in extracted_files(stored)],
        created=row.created,
    )


def create_upload(
    *,
    session: Session,
    user: User,
    filename: str,
    stored_path: str,
    size: int,
    sha256: str,
    ip: str | None = None,
) -> Upload:
    """Record a placed upload (and its audit entry); committed."""
    row = Upload(
        org_id=user.org_id,
        user_id=user.id,
        filename=filename,
        stored_path=stored_path,
        bytes=size,
        sha256=sha256,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        action="upload.create",
        actor=user,
        target=f"upload:{row.id}",
        ip=ip,
        detail={"sha256": row.sha256, "bytes": row.bytes},
    )
    session.commit()
    return row


def get_upload(*, session: Session, user: User, upload_id: int) -> Upload:
    """One upload of the user's organisation; NotFound for any other id (ids are not confirmed)."""
    row = session.get(Upload, upload_id)
    if row is None or not can(user, "upload.view", row):
        raise NotFound(f"업로드를 찾을 수 없습니다: {upload_id}", f"upload not found: {upload_id}")
    return row


def list_uploads(*, session: Session, org_id: int, limit: int = 500) -> list[Upload]:
    """The organisation's uploads, newest first."""
    stmt = select(Upload).where(Upload.org_id == org_id).order_by(Upload.id.desc()).limit(limit)
    return list(session.scalars(stmt).all())
