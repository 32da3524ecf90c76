"""Nothing left behind: stale staging swept by pid lock, SIGTERM cleans up, the rename race is
the usual ko/en error, and ``mfgdata doctor`` lists and cleans leftovers."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from mfgdata.cli.app import app
from mfgdata.errors import OutputExistsError
from mfgdata.flow import build
from mfgdata.pipeline import BuildOptions, RunContext, StepResult
from mfgdata.pipeline.staging import Terminated, find_leftovers, sweep
from mfgdata.settings import Settings


class Write:
    name, title_ko, title_en = "write", "쓰기", "Write"

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        ctx.product.write_text("data/x.txt", "x")
        (ctx.work_dir / "scratch.bin").write_bytes(b"0" * 1024)
        return StepResult(step=self.name)


class Meddle:
    """Does something to ``--out`` (or the process) while the build is still running."""

    name, title_ko, title_en = "meddle", "간섭", "Meddle"

    def __init__(self, what: str) -> None:
        self.what = what

    def run(self, frame: pl.LazyFrame | None, ctx: RunContext) -> StepResult:
        out = ctx.options.out
        if self.what == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises before this ends
        elif self.what == "empty_dir":
            out.mkdir()
        else:
            out.mkdir()
            (out / "theirs.txt").write_text("another build's product")
        return StepResult(step=self.name)


def _staging(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def _run(tmp_path: Path, what: str) -> Path:
    out = tmp_path / "p"
    settings = Settings(home=tmp_path / "home")
    opts = BuildOptions(inputs=(), out=out)
    with pytest.raises(OutputExistsError if what != "sigterm" else Terminated) as e:
        build(opts, steps=[Write(), Meddle(what)], settings=settings)
    if what != "sigterm":
        assert "already exists" in e.value.message() and str(out) in e.value.message()
    return out


@pytest.mark.parametrize("what", ["dir_with_files", "empty_dir"])
def test_rename_race_is_the_usual_error(tmp_path: Path, what: str) -> None:
    out = _run(tmp_path, what)
    assert _staging(tmp_path) == []
    if what == "dir_with_files":
        assert (out / "theirs.txt").read_text() == "another build's product"
    else:
        assert list(out.iterdir()) == []  # never replaced, not even an empty folder


def test_sigterm_removes_staging(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    out = _run(tmp_path, "sigterm")
    assert not out.exists() and _staging(tmp_path) == []
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back


def _dead_staging(parent: Path, run: str) -> None:
    """What kill -9 leaves: staging, scratch and a lock that nobody holds any more."""
    (parent / f".prod.partial-{run}" / "data").mkdir(parents=True)
    (parent / f".prod.partial-{run}.work").mkdir()
    (parent / f".prod.partial-{run}.lock").write_text(json.dumps({"pid": 999999}))


def test_build_sweeps_dead_staging_and_keeps_live(tmp_path: Path) -> None:
    _dead_staging(tmp_path, "a" * 12)
    (tmp_path / f".prod.partial-{'b' * 12}").mkdir()  # live: its lock is held
    lock = tmp_path / f".prod.partial-{'b' * 12}.lock"
    lock.write_text(json.dumps({"pid": os.getpid()}))
    held = os.open(lock, os.O_RDWR)
    fcntl.flock(held, fcntl.LOCK_EX)
    old = tmp_path / f".legacy.partial-{'c' * 12}"  # an older mfgdata's: no lock, an hour old
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    try:
        listed = {(s.run, s.live) for s in find_leftovers(tmp_path)}
        assert listed == {("a" * 12, False), ("b" * 12, True), ("c" * 12, False)}
        build(
            BuildOptions(inputs=(), out=tmp_path / "new"),
            steps=[Write()],
            settings=Settings(home=tmp_path / "home"),
        )
        assert _staging(tmp_path) == [f".prod.partial-{'b' * 12}", lock.name]
    finally:
        os.close(held)
    assert [s.run for s in sweep(tmp_path)] == ["b" * 12]  # its owner let go


def test_kill_9_leaves_a_lock_nobody_holds(tmp_path: Path) -> None:
    """A real process holding the staging lock dies by SIGKILL: the set is stale at once."""
    code = (
        "import sys, time; from pathlib import Path; from mfgdata.pipeline.staging import Staging;"
        "Staging(Path(sys.argv[1]), 'd' * 12).open(); print('ready', flush=True); time.sleep(60)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "prod")], stdout=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    assert [s.live for s in find_leftovers(tmp_path)] == [True]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    [stale] = find_leftovers(tmp_path)
    assert not stale.live and stale.pid == proc.pid
    sweep(tmp_path)
    assert _staging(tmp_path) == []


def test_doctor_lists_and_cleans(tmp_path: Path) -> None:
    _dead_staging(tmp_path, "e" * 12)
    runner = CliRunner()
    listed = runner.invoke(app, ["doctor", str(tmp_path)])
    assert listed.exit_code == 0, listed.output
    assert "stale" in listed.output and "--clean" in listed.output
    assert len(_staging(tmp_path)) == 3
    cleaned = runner.invoke(app, ["doctor", str(tmp_path), "--clean"])
    assert cleaned.exit_code == 0 and "removed: 1" in cleaned.output
    assert _staging(tmp_path) == []
