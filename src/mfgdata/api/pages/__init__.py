"""The web pages (Jinja2 + htmx, Korean and English): ``install_pages(app)`` adds them.

Pages are thin: they call the same library functions as the JSON API. Errors on page paths are
answered as HTML pages (a login redirect for pages that need a user); ``/api/`` paths keep the
API's JSON error shape.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from mfgdata.accounts.errors import AuthError
from mfgdata.api.auth import ANONYMOUS, Actor
from mfgdata.api.pages import (
    access,
    account,
    center,
    center_events,
    center_testbeds,
    home,
    library,
    orders,
    product,
    programs,
    suppliers,
    upload_build,
    valuechain,
)
from mfgdata.api.pages.common import LoginRequired, error_message, redirect, render
from mfgdata.api.pages.i18n import gettext, request_language
from mfgdata.errors import MfgDataError

STATIC = Path(__file__).resolve().parent.parent / "static"
ROUTERS = (
    home.router,
    account.router,
    upload_build.router,
    product.router,
    access.router,
    library.router,
    orders.router,
    suppliers.router,
    programs.router,
    center.router,
    center_testbeds.router,
    center_events.router,
    valuechain.router,
)


def _is_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith("/api/") and not path.startswith("/static/")


def _actor(request: Request) -> Actor:
    actor = getattr(request.state, "actor", None)
    return actor if isinstance(actor, Actor) else ANONYMOUS


def _login(request: Request, exc: Exception) -> Response:
    target = exc.next_path if isinstance(exc, LoginRequired) else request.url.path
    from urllib.parse import quote

    return redirect(f"/login?next={quote(target, safe='/')}")


def _heading(lang: str, status: int) -> str:
    if status == 404:
        return gettext(lang, "Not found")
    if status in (401, 403):
        return gettext(lang, "Not allowed")
    return gettext(lang, "Something went wrong")


def install_pages(app: FastAPI) -> None:
    """Add the static files and HTML error pages to ``app`` (``create_app`` mounts ``ROUTERS``)."""
    api_mfg = app.exception_handlers.get(MfgDataError)
    api_http = app.exception_handlers.get(StarletteHTTPException)

    async def mfg_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request) and api_mfg is not None:
            return await api_mfg(request, exc)  # type: ignore[misc,no-any-return]
        if isinstance(exc, AuthError) and request.method == "GET":
            return _login(request, exc)
        assert isinstance(exc, MfgDataError)
        actor = _actor(request)
        lang = request_language(request, actor.user.locale if actor.user else None)
        heading = _heading(lang, exc.status_code)
        return render(
            request,
            actor,
            "error.html",
            status_code=exc.status_code,
            status=exc.status_code,
            heading=heading,
            message=error_message(lang, exc),
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        if not _is_page(request) and api_http is not None:
            return await api_http(request, exc)  # type: ignore[misc,no-any-return]
        assert isinstance(exc, StarletteHTTPException)
        actor = _actor(request)
        lang = request_language(request, actor.user.locale if actor.user else None)
        heading = _heading(lang, exc.status_code)
        return render(
            request,
            actor,
            "error.html",
            status_code=exc.status_code,
            status=exc.status_code,
            heading=heading,
            message=request.url.path,
        )

    app.add_exception_handler(MfgDataError, mfg_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(LoginRequired, _login)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
