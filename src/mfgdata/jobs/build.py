"""The ``build_product`` job: the pipeline on a job's uploads, then a draft in the data library.

Idempotent by construction: the job builds into its own folder ``{home}/jobs/<id>/product``
(the runner renames a finished build into place, so the folder exists only when complete), and
the registered version is recognised by the SHA-256 of that folder's manifest. A retry after a
crash reuses a finished build, and registers only when no version carries that manifest yet.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mfgdata.catalog.metadata import ProductMeta
from mfgdata.catalog.register import products_root, register_product, remove_tree
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import Job, ProductVersion, Upload, User
from mfgdata.errors import ConfigError, MfgDataError
from mfgdata.flow import build
from mfgdata.jobs import records
from mfgdata.jobs.lease import Heartbeat, job_dir
from mfgdata.jobs.messages import public_message, scrub_paths
from mfgdata.pipeline.context import build_options
from mfgdata.pipeline.manifest import MANIFEST
from mfgdata.settings import Settings
from mfgdata.uploads.storage import upload_inputs

log = logging.getLogger(__name__)

KIND = "build_product"
BUILD_SHARE = 0.95  # the rest of the progress bar is registration
OPTION_KEYS = (
    "time_column",
    "target",
    "id_column",
    "sheet",
    "timezone",
    "title",
    "product_id",
    "encoding",
)
META_KEYS = (
    "title_ko",
    "title_en",
    "description",
    "process_family",
    "problem_type",
    "data_type",
    "licence",
)


def product_id_of(job: Job) -> str:
    return str(job.options.get("product_id") or f"job-{job.id}")


def _inputs(session: Session, job: Job, settings: Settings) -> tuple[Path, ...]:
    paths: list[Path] = []
    for upload_id in job.inputs.get("uploads", []):
        row = session.get(Upload, int(upload_id))
        if row is None or row.org_id != job.org_id:
            raise ConfigError(f"업로드가 없습니다: {upload_id}", f"upload not found: {upload_id}")
        paths.extend(upload_inputs(row.stored_path, settings))
    if not paths:
        raise ConfigError("빌드할 파일이 없습니다", "no files to build")
    return tuple(paths)


class _Progress:
    """Turns the runner's (step, fraction) into one job fraction, written at most 5 times/s."""

    def __init__(self, session: Session, job_id: int, settings: Settings) -> None:
        from mfgdata.flow import default_steps

        self.names = [s.name for s in default_steps()]
        self.session, self.job_id, self.last = session, job_id, 0.0
        self.settings = settings

    def __call__(self, step: str, fraction: float, message: str) -> None:
        index = self.names.index(step) if step in self.names else 0
        overall = BUILD_SHARE * (index + fraction) / max(len(self.names), 1)
        now = time.monotonic()
        if fraction in (0.0, 1.0) or now - self.last > 0.2:
            self.last = now
            records.set_progress(
                session=self.session,
                job_id=self.job_id,
                fraction=overall,
                message=scrub_paths(f"{step}: {message}", self.settings),
            )


def _build(session: Session, job: Job, settings: Settings) -> Path:
    folder = job_dir(settings, job.id)
    out = folder / "product"
    for leftover in folder.glob(".product.partial-*"):  # a killed run's staging and scratch
        shutil.rmtree(leftover, ignore_errors=True)
    if (out / MANIFEST).is_file():
        return out
    kwargs: dict[str, Any] = {k: job.options[k] for k in OPTION_KEYS if job.options.get(k)}
    kwargs["product_id"] = product_id_of(job)
    options = build_options(_inputs(session, job, settings), out, kwargs)
    build(options, settings=settings, progress=_Progress(session, job.id, settings))
    return out


def _clear_partial_copies(pid: str, settings: Settings) -> None:
    """Remove half-copied versions of ``pid`` left by a killed registration."""
    base = products_root(settings) / pid
    for partial in base.glob(".*.partial-*") if base.is_dir() else ():
        remove_tree(partial)


def _register(session: Session, job: Job, out: Path, settings: Settings) -> ProductVersion:
    pid = product_id_of(job)
    digest = hashlib.sha256((out / MANIFEST).read_bytes()).hexdigest()
    stmt = select(ProductVersion).where(
        ProductVersion.product_id == pid, ProductVersion.manifest_sha256 == digest
    )
    found = session.scalars(stmt).first()
    if found is not None:  # registered before the crash: reuse, never a second version
        return found
    records.set_progress(session=session, job_id=job.id, fraction=BUILD_SHARE, message="register")
    _clear_partial_copies(pid, settings)
    meta = ProductMeta(**{k: job.options[k] for k in META_KEYS if job.options.get(k)})
    actor = session.get(User, job.user_id) if job.user_id else None
    return register_product(
        out,
        session=session,
        owner_org=job.org_id,
        actor=actor,
        meta=meta,
        product_id=pid,
        settings=settings,
    )


def run_build_job(job_id: int, settings: Settings, *, final_attempt: bool = True) -> str:
    """Run job ``job_id`` if it can be claimed; its final status, or "skipped".

    Errors of the input (4xx MfgDataError) fail the job at once; anything else re-queues it and
    is raised again so that Huey retries it, unless this was the final attempt.
    """
    factory = session_factory(get_engine(settings))
    with factory() as session:
        if not records.claim(session=session, job_id=job_id):
            return "skipped"
    with Heartbeat(settings, job_id), factory() as session:
        job = session.get(Job, job_id)
        assert job is not None
        try:
            out = _build(session, job, settings)
            version = _register(session, job, out, settings)
        except MfgDataError as e:
            session.rollback()
            message = public_message(e, settings)
            if e.status_code >= 500 and not final_attempt:
                records.requeue(
                    session=session, job_id=job_id, message=f"재시도 / retrying: {message}"
                )
                raise
            records.finish(session=session, job=job, ok=False, message=message)
            return "failed"
        except Exception as e:
            session.rollback()
            log.error("build job %s failed", job_id, exc_info=e)
            message = public_message(e, settings)
            if not final_attempt:
                records.requeue(
                    session=session, job_id=job_id, message=f"재시도 / retrying: {message}"
                )
                raise
            records.finish(session=session, job=job, ok=False, message=message)
            return "failed"
        ref = f"{version.product_id}@{version.version}"
        records.finish(session=session, job=job, ok=True, message=ref, version_id=version.id)
    shutil.rmtree(out, ignore_errors=True)
    return "succeeded"
