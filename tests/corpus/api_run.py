"""Running one case through the web: ``POST /api/v1/uploads``, then a build job.

A refusal is either a 4xx at upload or a failed job; either way one ko/en line that names the
same problem as the CLI (the case's ``says``) and no server path. A product is a succeeded job
whose registered product passes the case's own check. A 500, or a job failed by an unexpected
exception ("internal error"), is the web's traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from corpus.case import Case, table
from mfgdata.jobs.build import run_build_job
from mfgdata.settings import Settings


@dataclass(frozen=True)
class WebOutcome:
    stage: str  # "upload" (refused there), "job" (the job ran)
    status: int | str  # HTTP status at upload, or the job's final status
    line: str  # the one ko/en line the user sees
    raw: str  # the whole response text, to look for server paths
    product: Path | None


def _line(error: dict[str, object]) -> str:
    where = [str(error["file"])] if error.get("file") else []
    if error.get("line") is not None:
        where.append(f"line {error['line']}")
    if error.get("column"):
        where.append(f"column '{error['column']}'")
    text = f"{error.get('message_ko')} / {error.get('message_en')}"
    return f"{text} ({', '.join(where)})" if where else text


def run_web(case: Case, root: Path, client: TestClient, settings: Settings) -> WebOutcome:
    ids: list[int] = []
    for path in case.make(root / "in"):
        resp = client.post("/api/v1/uploads", files={"file": (path.name, path.read_bytes())})
        if resp.status_code != 201:
            error = resp.json().get("error", {}) if resp.content else {}
            return WebOutcome("upload", resp.status_code, _line(error), resp.text, None)
        ids.append(int(resp.json()["id"]))
    pid = f"corpus-{case.name.replace('_', '-')}"
    options = {
        flag.removeprefix("--").replace("-", "_"): value
        for flag, value in zip(case.args[::2], case.args[1::2], strict=True)
    }
    body = {"uploads": ids, "product_id": pid, **options}
    resp = client.post("/api/v1/jobs/build", json=body)
    if resp.status_code != 202:
        return WebOutcome("job", resp.status_code, _line(resp.json()["error"]), resp.text, None)
    job_id = resp.json()["id"]
    status = run_build_job(job_id, settings)
    resp = client.get(f"/api/v1/jobs/{job_id}")
    job = resp.json()
    product = settings.home / "objects" / "products" / pid / "1"
    return WebOutcome("job", status, str(job["message"]), resp.text, product)


def judge_web(case: Case, outcome: WebOutcome, settings: Settings) -> str | None:
    """None when the web answered as the case expects; else what went wrong."""
    home = str(settings.home)
    if home in outcome.raw or "/uploads/" in outcome.line:
        return f"a server path is shown: {outcome.raw[:500]}"
    if outcome.status == 500 or "internal error" in outcome.line:
        return f"a crash ({outcome.stage} {outcome.status}): {outcome.line}"
    if (case.web or case.outcome) == "product":
        if outcome.status != "succeeded":
            return f"expected a product, got {outcome.stage} {outcome.status}: {outcome.line}"
        assert outcome.product is not None
        if table(outcome.product).height == 0:
            return "silent wrong result: an empty product"
        if case.check is not None and case.outcome == "product":
            try:
                case.check(outcome.product)
            except AssertionError as e:
                return f"silent wrong result: {e}"
        return None
    if outcome.stage == "upload":
        if not isinstance(outcome.status, int) or not 400 <= outcome.status < 500:
            return f"expected a 4xx at upload, got {outcome.status}: {outcome.line}"
    elif outcome.status != "failed":
        return f"expected a refusal, got job {outcome.status}: {outcome.line}"
    if " / " not in outcome.line or "\n" in outcome.line.strip():
        return f"expected one ko/en line, got {outcome.line!r}"
    missing = [s for s in case.says if s.lower() not in outcome.line.lower()]
    if missing:
        return f"the {outcome.stage} message lacks {missing}: {outcome.line}"
    return None
