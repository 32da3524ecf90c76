"""The Huey queue: ``SqliteHuey`` at ``{home}/jobs.db``, or ``RedisHuey`` when ``redis_url`` is set.

Tasks carry only a job id; the ``jobs`` table holds everything else. ``sweep`` repairs what a
killed worker leaves: running jobs whose lease is stale and queued jobs are (re-)enqueued; the
atomic claim makes a duplicate message harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab  # type: ignore[import-untyped]
from huey.api import Task, TaskWrapper  # type: ignore[import-untyped]

from mfgdata.db.engine import get_engine, session_factory
from mfgdata.jobs import records
from mfgdata.jobs.build import run_build_job
from mfgdata.jobs.lease import is_stale
from mfgdata.settings import Settings

log = logging.getLogger(__name__)

RETRIES = 2
RETRY_DELAY = 2
NAME = "mfgdata"


class Queue:
    """One Huey instance for one installation (home or Redis URL) with its tasks."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if settings.redis_url:
            self.huey: Huey = RedisHuey(NAME, url=settings.redis_url, utc=True)
        else:
            settings.home.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey(NAME, filename=str(settings.home / "jobs.db"), utc=True)
        self.build_task: TaskWrapper = self.huey.task(
            retries=RETRIES, retry_delay=RETRY_DELAY, context=True, name="build_product"
        )(self._build)
        self.sweep_task: TaskWrapper = self.huey.periodic_task(crontab(minute="*"), name="sweep")(
            self._sweep_periodic
        )

    def _build(self, job_id: int, task: Task | None = None) -> str:
        final = task is None or not task.retries
        return run_build_job(job_id, self.settings, final_attempt=final)

    def _sweep_periodic(self) -> None:
        self.sweep(include_queued=False)

    def enqueue_build(self, job_id: int) -> Any:
        return self.build_task(job_id)

    def sweep(self, *, include_queued: bool = True) -> list[int]:
        """Re-enqueue jobs whose worker is gone (and queued jobs at start-up); their ids."""
        done: list[int] = []
        with session_factory(get_engine(self.settings))() as session:
            for job_id in records.running_ids(session=session):
                if is_stale(self.settings, job_id) and records.requeue(
                    session=session,
                    job_id=job_id,
                    message="작업자 중단 후 재시도 / retried after worker loss",
                ):
                    done.append(job_id)
            if include_queued:
                done.extend(j for j in records.queued_ids(session=session) if j not in done)
        for job_id in done:
            log.info("re-enqueueing job %s", job_id)
            self.enqueue_build(job_id)
        return done


_QUEUES: dict[tuple[str, str | None], Queue] = {}


def get_queue(settings: Settings) -> Queue:
    """The queue of an installation (one per home / Redis URL in this process)."""
    key = (str(settings.home.absolute()), settings.redis_url)
    if key not in _QUEUES:
        _QUEUES[key] = Queue(settings)
    return _QUEUES[key]
