"""The API's route modules, one per resource; ``create_app`` mounts their routers."""

from __future__ import annotations

from mfgdata.api.routes.aas import aas_result

__all__ = ["aas_result"]
