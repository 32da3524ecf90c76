"""The jobs table: create, read (tenant-scoped), claim atomically, progress and outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mfgdata.accounts.roles import can
from mfgdata.catalog.errors import NotFound
from mfgdata.db.tables import Job, User, utcnow

TERMINAL = ("succeeded", "failed")


def create_job(
    *, session: Session, user: User, kind: str, inputs: dict[str, Any], options: dict[str, Any]
) -> Job:
    job = Job(
        org_id=user.org_id,
        user_id=user.id,
        kind=kind,
        status="queued",
        progress=0.0,
        message="대기 중 / queued",
        inputs=inputs,
        options=options,
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, user: User, job_id: int) -> Job:
    """A job of the user's organisation; NotFound for any other id (ids are not confirmed)."""
    job = session.get(Job, job_id)
    if job is None or not can(user, "job.view", job):
        raise NotFound(f"작업을 찾을 수 없습니다: {job_id}", f"job not found: {job_id}")
    return job


def list_jobs(*, session: Session, user: User, limit: int = 200) -> Sequence[Job]:
    stmt = select(Job).where(Job.org_id == user.org_id).order_by(Job.id.desc()).limit(limit)
    return session.scalars(stmt).all()


def claim(*, session: Session, job_id: int) -> bool:
    """queued → running in one UPDATE; False when another worker has it or it is finished."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, started=utcnow(), finished=None)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0) == 1


def set_progress(*, session: Session, job_id: int, fraction: float, message: str) -> None:
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(progress=round(min(max(fraction, 0.0), 1.0), 4), message=message[:500])
    )
    session.commit()


def requeue(*, session: Session, job_id: int, message: str) -> bool:
    """running → queued (a retry); False when the job is not running."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(status="queued", message=message)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0) == 1


def finish(
    *, session: Session, job: Job, ok: bool, message: str, version_id: int | None = None
) -> None:
    job.status = "succeeded" if ok else "failed"
    job.message = message[:2000]
    job.finished = utcnow()
    if ok:
        job.progress = 1.0
        job.result_version_id = version_id
    session.commit()


def running_ids(*, session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.status == "running")).all())


def queued_ids(*, session: Session) -> list[int]:
    return list(session.scalars(select(Job.id).where(Job.status == "queued")).all())
