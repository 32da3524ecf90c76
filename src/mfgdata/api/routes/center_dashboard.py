"""The center's KPI dashboard in the Open API: ``GET /api/v1/center/dashboard?year=&region=
&format=json|xlsx|html|pdf`` (thin over ``mfgdata.center.dashboard``); staff see their regions."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from mfgdata.api.auth import ActorDep, DbSession, require_user
from mfgdata.api.deps import json_response
from mfgdata.center.access import dashboard_region
from mfgdata.center.dashboard import build_dashboard, dashboard_html, dashboard_xlsx
from mfgdata.center.pdf import html_to_pdf
from mfgdata.db.tables import utcnow

router = APIRouter(prefix="/api/v1/center", tags=["center / 제조AI센터"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/dashboard", summary="성과 지표 / KPI dashboard by year and region")
def dashboard(
    actor: ActorDep,
    session: DbSession,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    region: Annotated[str | None, Query(max_length=16)] = None,
    format: Literal["json", "xlsx", "html", "pdf"] = "json",
) -> Response:
    user = require_user(actor, "read")
    region = dashboard_region(session=session, user=user, region=region)
    board = build_dashboard(session=session, year=year or utcnow().year, region=region)
    if format == "json":
        return json_response(board.to_dict())
    name = f"center-kpi-{board.year}-{region or 'all'}"
    if format in ("html", "pdf"):
        html = dashboard_html(board)
        if format == "html":
            return HTMLResponse(html)
        return Response(
            html_to_pdf(html),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    with tempfile.TemporaryDirectory() as tmp:
        data = dashboard_xlsx(board, Path(tmp) / "d.xlsx").read_bytes()
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
