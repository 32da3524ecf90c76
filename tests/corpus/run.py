"""Running one case through ``mfgdata build`` (in process) and judging the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from corpus.case import Case
from mfgdata.cli.app import app

ERROR_PREFIX = "오류 / error: "


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str
    error_lines: list[str]
    traceback: bool


def build_case(case: Case, root: Path) -> tuple[Outcome, Path]:
    inputs = case.make(root / "in")
    out = root / "out" / "product"
    runner = CliRunner()
    result = runner.invoke(
        app, ["build", *map(str, inputs), "--out", str(out), *case.args], catch_exceptions=True
    )
    text = result.output
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    errors = [line for line in text.splitlines() if line.startswith(ERROR_PREFIX)]
    return Outcome(result.exit_code, text, errors, crashed or "Traceback" in text), out


def judge(case: Case, outcome: Outcome, out: Path) -> str | None:
    """None when the outcome is the expected one; else what went wrong."""
    if outcome.traceback:
        return f"traceback:\n{outcome.output[-2000:]}"
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    if leftovers:
        return f"staging left behind: {leftovers}"
    if case.outcome == "product":
        if outcome.code != 0:
            return f"expected a product, got exit {outcome.code}: {outcome.error_lines}"
        if case.check is not None:
            try:
                case.check(out)
            except AssertionError as e:
                return f"silent wrong result: {e}"
        return None
    if outcome.code != 2:
        return f"expected a refusal (exit 2), got exit {outcome.code}"
    if len(outcome.error_lines) != 1:
        return f"expected one error line, got {outcome.error_lines or outcome.output[-500:]}"
    line = outcome.error_lines[0]
    missing = [s for s in case.says if s.lower() not in line.lower()]
    if missing:
        return f"the error line lacks {missing}: {line}"
    if out.exists():
        return "a refused build left a product"
    return None
