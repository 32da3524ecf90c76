"""Staging folders of a build, and nothing left behind.

A build of ``--out DIR/NAME`` writes into ``DIR/.NAME.partial-<run>/`` with scratch space in
``DIR/.NAME.partial-<run>.work/``, and holds an exclusive ``flock`` on
``DIR/.NAME.partial-<run>.lock`` (which records its pid and host) until it ends. The kernel
drops the lock when the process dies, even by ``kill -9``: a staging set whose lock can be taken
belongs to a dead build and is swept by the next build into the same folder, or by
``mfgdata doctor --clean``. SIGTERM is turned into a normal exit so that the build removes its
own staging; the final move never replaces an existing ``--out`` (``renameat2`` with
``RENAME_NOREPLACE`` where the kernel has it).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from mfgdata.errors import OutputExistsError

STAGING = re.compile(r"^\.(?P<name>.+)\.partial-(?P<run>[0-9a-f]{12})(?P<kind>\.work|\.lock)?$")
#: A staging folder without a lock file (an older mfgdata) counts as stale after this long.
UNLOCKED_GRACE_S = 600


@dataclass(frozen=True)
class Leftover:
    """One staging set (folder, scratch and lock of one run) found next to a product folder."""

    parent: Path
    name: str
    run: str
    paths: tuple[Path, ...]
    live: bool
    pid: int | None
    bytes: int

    @property
    def label(self) -> str:
        return f".{self.name}.partial-{self.run}"


class Staging:
    """The staging set of one build; ``close`` removes it (the lock last)."""

    def __init__(self, out: Path, run_id: str) -> None:
        self.out = out
        self.dir = out.parent / f".{out.name}.partial-{run_id}"
        self.work = self.dir.with_name(self.dir.name + ".work")
        self.lock = self.dir.with_name(self.dir.name + ".lock")
        self._fd: int | None = None

    def open(self) -> Staging:
        self._fd = os.open(self.lock, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        os.write(self._fd, json.dumps(owner).encode())
        self.dir.mkdir()
        self.work.mkdir()
        return self

    def close(self) -> None:
        """Remove the scratch space and the lock (the staging folder is gone by now: moved
        into place, or removed by the runner on failure)."""
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)
        self.lock.unlink(missing_ok=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _owner(lock: Path) -> tuple[bool, int | None]:
    """(live, pid) of the build holding ``lock``; live when the lock cannot be taken."""
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False, None
    try:
        text = os.read(fd, 4096).decode("utf-8", "replace")
        pid = json.loads(text).get("pid") if text.strip() else None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True, pid
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False, pid
    except (ValueError, AttributeError):
        return False, None
    finally:
        os.close(fd)


def find_leftovers(parent: Path) -> list[Leftover]:
    """Every staging set directly inside ``parent``, live or stale."""
    groups: dict[tuple[str, str], list[Path]] = {}
    try:
        entries = list(parent.iterdir())
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    for entry in entries:
        m = STAGING.match(entry.name)
        if m:
            groups.setdefault((m["name"], m["run"]), []).append(entry)
    out = []
    for (name, run), paths in sorted(groups.items()):
        lock = parent / f".{name}.partial-{run}.lock"
        if lock.exists():
            live, pid = _owner(lock)
        else:
            newest = max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)
            live, pid = time.time() - newest < UNLOCKED_GRACE_S, None
        out.append(
            Leftover(parent, name, run, tuple(sorted(paths)), live, pid, sum(map(_size, paths)))
        )
    return out


def remove(leftover: Leftover) -> None:
    for path in leftover.paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def sweep(parent: Path) -> list[Leftover]:
    """Remove the stale staging sets in ``parent`` (dead builds); the removed ones."""
    stale = [s for s in find_leftovers(parent) if not s.live]
    for s in stale:
        remove(s)
    return stale


_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _renameat2(src: Path, dst: Path) -> bool:
    """True when renameat2(RENAME_NOREPLACE) did the move; False when it is unavailable."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(dst))


def exists_error(out: Path) -> OutputExistsError:
    return OutputExistsError(
        "출력 폴더가 이미 있습니다. 기존 제품은 덮어쓰지 않습니다",
        "the output folder already exists; an existing product is never overwritten",
        file=out,
    )


def move_into_place(staging: Path, out: Path) -> None:
    """Rename ``staging`` to ``out``, never replacing anything created there meanwhile."""
    try:
        if not _renameat2(staging, out):
            if out.exists() or out.is_symlink():
                raise exists_error(out)
            os.rename(staging, out)  # a race window remains only without renameat2
    except OSError as e:
        if e.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
            raise exists_error(out) from None
        raise


class Terminated(SystemExit):
    """SIGTERM (or SIGHUP) during a build: unwinds like an exit so the staging is removed."""


def trap_sigterm() -> Callable[[], None]:
    """In the main thread, SIGTERM/SIGHUP raise :class:`Terminated` until the returned
    function is called (elsewhere signals cannot be handled: nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(128 + signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}

    def restore() -> None:
        for s, h in previous.items():
            signal.signal(s, h)

    return restore
