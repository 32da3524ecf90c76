"""``mfgdata worker``: the Huey consumer that runs build jobs (re-enqueues stranded jobs first)."""

from __future__ import annotations

from typing import Annotated

import typer

from mfgdata.cli.console import handle_errors


@handle_errors
def worker(
    workers: Annotated[int, typer.Option(help="동시 작업 수 / concurrent jobs")] = 1,
    sweep: Annotated[
        bool, typer.Option(help="시작 시 중단된 작업 재시도 / retry stranded jobs")
    ] = True,
) -> None:
    """백그라운드 작업자를 시작합니다 / Run the background job worker."""
    import logging

    from mfgdata.db.migrate import ensure_schema
    from mfgdata.jobs.queue import get_queue
    from mfgdata.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    ensure_schema(settings)
    queue = get_queue(settings)
    if sweep:
        queue.sweep(include_queued=True)
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
