"""Brief in-process caches on the Open API's hot path: who a token is, what it may read.

Verifying an API token costs a database read and a write (``last_used``), and authorizing a
product read two or three more reads; on a rows call that is most of the work. Both answers are
kept for ``Settings.token_cache_seconds`` (default 5 s, 0 = off):

- ``tokens``: SHA-256 of the ``Authorization`` header → the verified ``Actor`` (the secret itself
  is not kept); ``last_used`` is therefore written at most once per token per period;
- ``decisions``: (token/user, product, version, action) → allowed (denials are never cached).

Invalidation: every entry expires after the period, so a revoked token, a deactivated user, a
changed scope or a withdrawn grant takes effect **within ``token_cache_seconds``** whatever
process made the change (the CLI, another server worker). A change made through this server
(any POST/PUT/PATCH/DELETE it answers, model predictions aside) clears both caches when it
completes, so here it takes effect at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import OrderedDict
from typing import Generic, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

K = TypeVar("K")
V = TypeVar("V")
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class TtlCache(Generic[K, V]):
    """A bounded mapping whose entries expire ``ttl`` seconds after they were put."""

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._data: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        hit = self._data.get(key)
        if hit is None:
            return None
        if hit[0] <= time.monotonic():
            with self._lock:
                self._data.pop(key, None)
            return None
        return hit[1]

    def put(self, key: K, value: V) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + self.ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class AuthCache:
    """The two caches of one application."""

    def __init__(self, ttl: float) -> None:
        self.tokens: TtlCache[str, object] = TtlCache(ttl)
        self.decisions: TtlCache[tuple[object, ...], object] = TtlCache(ttl)
        self._flights: dict[str, asyncio.Lock] = {}

    def flight(self, key: str) -> asyncio.Lock:
        """One lock per token: when its entry expires under load, one request verifies it and
        the others wait for that answer (no burst of verifications and ``last_used`` writes)."""
        lock = self._flights.get(key)
        if lock is None:
            if len(self._flights) > 10_000:
                self._flights = {k: v for k, v in self._flights.items() if v.locked()}
            lock = self._flights[key] = asyncio.Lock()
        return lock

    @staticmethod
    def header_key(header: str) -> str:
        return hashlib.sha256(header.encode("utf-8", "surrogateescape")).hexdigest()

    def clear(self) -> None:
        self.tokens.clear()
        self.decisions.clear()


class ClearOnWrite:
    """Pure ASGI: once an unsafe request has been answered, forget every cached answer."""

    def __init__(self, app: ASGIApp, cache: AuthCache) -> None:
        self.app, self.cache = app, cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in UNSAFE
            or str(scope.get("path", "")).endswith("/predict")  # a read, though a POST
        ):
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.cache.clear()
