"""The API routers, wired into one ``api_router``."""

from __future__ import annotations

from fastapi import APIRouter

from mfgdata.api.routes import aas, catalog_feeds, predict, rows
from mfgdata.api.routes.aas import aas_result

api_router = APIRouter()
for _module in (rows, predict, catalog_feeds, aas):
    api_router.include_router(_module.router)

__all__ = ["aas_result", "api_router"]
