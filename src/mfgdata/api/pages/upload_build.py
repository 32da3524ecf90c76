"""Upload and build pages: the upload form (files streamed to ``POST /api/v1/uploads``, the job
started with ``POST /api/v1/jobs/build``) and the build's live progress (htmx polling)."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mfgdata.accounts.roles import can
from mfgdata.api.auth import DbSession
from mfgdata.api.deps import DbInt
from mfgdata.api.pages.common import PageActor, need_user, render
from mfgdata.db.tables import PROBLEM_TYPES, PROCESS_FAMILIES, Job, ProductVersion
from mfgdata.jobs import records

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def step_names() -> tuple[str, ...]:
    """The pipeline's steps as the job reports them (``step: message``), then registration."""
    from mfgdata.flow import default_steps

    return (*(s.name for s in default_steps()), "register")


def _step_of(job: Job) -> str:
    head = job.message.split(":", 1)[0].strip()
    return head if head in step_names() else ""


def _job_view(session: DbSession, job: Job) -> dict[str, object]:
    version = session.get(ProductVersion, job.result_version_id) if job.result_version_id else None
    names = step_names()
    step = _step_of(job)
    done_steps = names[: names.index(step)] if step else ()
    if job.status == "succeeded":
        done_steps, step = names, ""
    return {
        "job": job,
        "version": version,
        "percent": round(100 * (1.0 if job.status == "succeeded" else job.progress)),
        "step": step,
        "done_steps": done_steps,
        "steps": names,
        "terminal": job.status in records.TERMINAL,
    }


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    jobs = records.list_jobs(session=session, user=user, limit=10)
    return render(
        request,
        actor,
        "upload.html",
        allowed=can(user, "job.create"),
        jobs=[_job_view(session, j) for j in jobs],
        families=list(PROCESS_FAMILIES),
        problems=list(PROBLEM_TYPES),
    )


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: DbInt, request: Request, actor: PageActor, session: DbSession) -> HTMLResponse:
    user = need_user(request, actor)
    job = records.get_job(session=session, user=user, job_id=job_id)
    return render(request, actor, "job.html", **_job_view(session, job))


@router.get("/jobs/{job_id}/status", response_class=HTMLResponse)
def job_status_fragment(
    job_id: DbInt, request: Request, actor: PageActor, session: DbSession
) -> HTMLResponse:
    """The progress panel alone; it polls itself every second until the job ends."""
    user = need_user(request, actor)
    job = records.get_job(session=session, user=user, job_id=job_id)
    return render(request, actor, "_job_status.html", **_job_view(session, job))
