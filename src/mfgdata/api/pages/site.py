"""The whole site in one app: the API, authentication, the download route and the pages.

``create_app`` wires all of them; ``create_site`` stays as the name the demo server and the
browser test use.
"""

from __future__ import annotations

from fastapi import FastAPI

from mfgdata.api.app import create_app
from mfgdata.settings import Settings


def create_site(settings: Settings | None = None) -> FastAPI:
    return create_app(settings)
