"""Usage metering of the Open API in batches: one transaction per period, nothing lost on stop.

``MeteringMiddleware`` (pure ASGI) notes each successful metered response (rows from the
``X-Row-Count`` header, bytes as sent) in the application's ``UsageBatcher``; a background
thread writes the pending calls every ``Settings.usage_flush_seconds`` in one transaction
(one ``usages`` row per call, priced as ``catalog.metering.record_usage`` prices one). The
application's shutdown (lifespan), and interpreter exit as a fallback, write what is left; a
failed write keeps the calls for the next attempt.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mfgdata.catalog.metering import version_price_list
from mfgdata.db.engine import get_engine, session_factory
from mfgdata.db.tables import ApiToken, ProductVersion, Usage, utcnow
from mfgdata.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Meter:
    """What an allowed data call is charged to (set on ``request.state.meter``)."""

    version_id: int
    token_id: int | None
    user_id: int | None


@dataclass(frozen=True)
class Call:
    meter: Meter
    rows: int
    bytes: int
    at: datetime


class UsageBatcher:
    """Pending metered calls of one application, written by a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pending: list[Call] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        _LIVE.add(self)

    def add(self, call: Call) -> None:
        with self._lock:
            self._pending.append(call)
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="usage-batch", daemon=True)
                self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _run(self) -> None:
        while not self._stop.wait(self.settings.usage_flush_seconds):
            try:
                self.flush()
            except Exception:  # kept for the next round; the server goes on
                log.exception("writing metered API usage failed; will retry")

    def flush(self) -> int:
        """Write every pending call now (one transaction); how many were written."""
        with self._write_lock:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return 0
            try:
                _write(self.settings, batch)
            except BaseException:
                with self._lock:
                    self._pending[:0] = batch
                raise
            return len(batch)

    def close(self) -> None:
        """Stop the thread and write what is left."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=30)
        self.flush()


_LIVE: weakref.WeakSet[UsageBatcher] = weakref.WeakSet()


def write_pending(app: Any) -> None:
    """Write this application's pending metered calls now: what reads usage (a statement) sees
    every call this server has answered, not only those of the last batch."""
    batcher = getattr(app.state, "usage", None)
    if isinstance(batcher, UsageBatcher):
        batcher.flush()


@atexit.register
def _flush_all() -> None:
    for batcher in list(_LIVE):
        try:
            batcher.close()
        except Exception:
            log.exception("writing metered API usage at exit failed")


def _write(settings: Settings, batch: list[Call]) -> None:
    """One INSERT of every call (priced as ``record_usage`` prices one) in one transaction."""
    with session_factory(get_engine(settings))() as session:
        versions: dict[int, ProductVersion | None] = {}
        owners: dict[int, int | None] = {}
        rows: list[Usage] = []
        for call in batch:
            meter = call.meter
            if meter.version_id not in versions:
                versions[meter.version_id] = session.get(ProductVersion, meter.version_id)
            version = versions[meter.version_id]
            if version is None:
                continue
            user_id = meter.user_id
            if user_id is None and meter.token_id is not None:
                if meter.token_id not in owners:
                    token = session.get(ApiToken, meter.token_id)
                    owners[meter.token_id] = token.user_id if token else None
                user_id = owners[meter.token_id]
            prices = version_price_list(version, settings)
            rows.append(
                Usage(
                    token_id=meter.token_id,
                    user_id=user_id,
                    product_id=version.product_id,
                    at=call.at,
                    calls=1,
                    rows=call.rows,
                    bytes=call.bytes,
                    price_krw=prices.price(call.rows) if prices is not None else Decimal(0),
                )
            )
        session.add_all(rows)
        session.commit()


class MeteringMiddleware:
    """Pure ASGI: after a successful metered response, note the call in the batcher."""

    def __init__(self, app: ASGIApp, batcher: UsageBatcher) -> None:
        self.app = app
        self.batcher = batcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen: dict[str, Any] = {"status": 0, "rows": 0, "bytes": 0}

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                for key, value in message.get("headers", []):
                    if key.lower() == b"x-row-count":
                        seen["rows"] = int(value or b"0")
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)
        meter = scope.get("state", {}).get("meter")
        if isinstance(meter, Meter) and 200 <= seen["status"] < 300:
            self.batcher.add(Call(meter, seen["rows"], seen["bytes"], utcnow()))
