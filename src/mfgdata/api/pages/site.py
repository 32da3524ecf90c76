"""The whole site in one app: the API, authentication, the download route and the pages.

``create_site()`` is what ``mfgdata demo-server`` and the browser test serve; once the lead
wires ``install_auth``/``install_pages`` into ``create_app`` it is the same app.
"""

from __future__ import annotations

from fastapi import FastAPI

from mfgdata.api.app import create_app
from mfgdata.api.auth import install_auth
from mfgdata.api.pages import install_pages
from mfgdata.settings import Settings


def _has(app: FastAPI, path: str) -> bool:
    return any(getattr(r, "path", "") == path for r in app.routes)


def create_site(settings: Settings | None = None) -> FastAPI:
    app = create_app(settings)
    if not _has(app, "/api/v1/auth/login"):
        install_auth(app)
    if not _has(app, "/api/v1/products/{product_id}/versions/{version}/download"):
        from mfgdata.api.routes import download

        app.include_router(download.router)
    if not _has(app, "/login"):
        install_pages(app)
    return app
