"""Build jobs over HTTP: start a build from uploads, follow its progress (JSON or SSE), list.

Progress for pages: poll ``GET /api/v1/jobs/{id}`` (htmx ``hx-trigger="every 1s"``) or read the
server-sent events of ``GET /api/v1/jobs/{id}/progress`` (one ``progress`` event per change, a
final ``done`` event). An organisation sees only its own jobs; another's id answers 404.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from mfgdata.accounts.errors import PermissionDenied
from mfgdata.accounts.roles import can
from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import MAX_DB_INT, DbInt, get_settings_dep
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import Job, ProductVersion, User
from mfgdata.jobs import records
from mfgdata.jobs.build import KIND, META_KEYS, OPTION_KEYS
from mfgdata.jobs.queue import get_queue
from mfgdata.uploads.repository import get_upload

router = APIRouter(prefix="/api/v1", tags=["jobs / 작업"])


class BuildIn(BaseModel):
    uploads: Annotated[
        list[Annotated[int, Field(ge=0, le=MAX_DB_INT)]], Field(min_length=1, max_length=100)
    ]
    product_id: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z가-힣_.-]{1,100}$")] = None
    title: str | None = None
    time_column: str | None = None
    target: str | None = None
    id_column: str | None = None
    sheet: str | None = None
    timezone: str | None = None
    encoding: Annotated[str | None, Field(pattern=r"^[0-9A-Za-z_.-]{1,40}$")] = None  # of CSVs
    title_ko: str | None = None
    title_en: str | None = None
    description: str | None = None
    process_family: str | None = None
    problem_type: str | None = None
    data_type: str | None = None
    licence: str | None = None


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    attempts: int
    uploads: list[int]
    created: datetime
    started: datetime | None
    finished: datetime | None
    product_id: str | None = None
    product_version: int | None = None
    product_url: str | None = None


def job_out(job: Job, version: ProductVersion | None) -> JobOut:
    out = JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,
        progress=job.progress,
        message=job.message,
        attempts=job.attempts,
        uploads=[int(u) for u in job.inputs.get("uploads", [])],
        created=job.created,
        started=job.started,
        finished=job.finished,
    )
    if version is not None:
        out.product_id, out.product_version = version.product_id, version.version
        out.product_url = f"/api/v1/products/{version.product_id}/versions/{version.version}"
    return out


def _out(session: DbSession, job: Job) -> JobOut:
    version = session.get(ProductVersion, job.result_version_id) if job.result_version_id else None
    return job_out(job, version)


@router.post("/jobs/build", status_code=202, summary="빌드 시작 / Start a build job")
def start_build(body: BuildIn, request: Request, actor: ActorDep, session: DbSession) -> JobOut:
    user = require_user(actor, "api")
    if not can(user, "job.create"):
        raise PermissionDenied("빌드를 시작할 권한이 없습니다", "not allowed to start builds")
    for upload_id in body.uploads:
        get_upload(session=session, user=user, upload_id=upload_id)  # 404 for another org's
    fields: dict[str, Any] = body.model_dump(exclude={"uploads"})
    options = {k: v for k, v in fields.items() if v is not None and k in OPTION_KEYS + META_KEYS}
    job = records.create_job(
        session=session, user=user, kind=KIND, inputs={"uploads": body.uploads}, options=options
    )
    session.commit()
    get_queue(get_settings_dep(request)).enqueue_build(job.id)
    return _out(session, job)


@router.get("/jobs", summary="내 조직의 작업 / My organisation's jobs")
def list_jobs(actor: ActorDep, session: DbSession) -> list[JobOut]:
    user = require_user(actor, "read")
    return [_out(session, j) for j in records.list_jobs(session=session, user=user)]


@router.get("/jobs/{job_id}", summary="작업 상태 / Job status")
def read_job(job_id: DbInt, actor: ActorDep, session: DbSession) -> JobOut:
    user = require_user(actor, "read")
    return _out(session, records.get_job(session=session, user=user, job_id=job_id))


def _snapshot(request: Request, user: User, job_id: int) -> JobOut:
    with session_factory(get_engine(get_settings_dep(request)))() as session:
        return _out(session, records.get_job(session=session, user=user, job_id=job_id))


@router.get(
    "/jobs/{job_id}/progress",
    summary="작업 진행 (SSE) / Job progress as server-sent events",
    response_class=StreamingResponse,
)
def job_progress(
    job_id: DbInt, request: Request, actor: ActorDep, session: DbSession
) -> StreamingResponse:
    user = require_user(actor, "read")
    records.get_job(session=session, user=user, job_id=job_id)  # 404 before the stream starts

    async def events() -> AsyncIterator[str]:
        last = ""
        while True:
            snap = await run_in_threadpool(_snapshot, request, user, job_id)
            data = snap.model_dump_json()
            if data != last:
                last = data
                yield f"event: progress\ndata: {data}\n\n"
            if snap.status in records.TERMINAL:
                yield f"event: done\ndata: {json.dumps({'status': snap.status})}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.5)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
