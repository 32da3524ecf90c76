"""Settings: one validated object, environment prefix ``MFGDATA_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MFGDATA_", extra="ignore")

    home: Path = Field(
        default_factory=lambda: Path.home() / ".mfgdata",
        description="All state of a running installation lives here.",
    )
    timezone: str = Field(
        default="Asia/Seoul", description="Zone that naive timestamps are localised to."
    )
    infer_rows: int = Field(
        default=10_000, ge=100, description="Rows sampled for encoding/type inference."
    )
    max_upload_bytes: int = Field(default=5 * 1024**3, ge=1)
    build_memory_bytes: int = Field(
        default=1024**3,
        ge=64 * 1024**2,
        description="Peak memory a build is planned to stay under, whatever the table's size or "
        "width: it sizes the quality pass's column batches and the model's row sample.",
    )
    model_max_rows: int = Field(
        default=200_000,
        ge=1_000,
        description="Rows the model step trains on at most; a larger table is sampled every k-th "
        "row in time order (k = ceil(rows / cap)), and the model card says so.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///{home}/mfgdata.db "
        "(deployment: postgresql+psycopg://...).",
    )
    redis_url: str | None = Field(default=None, description="Redis URL (deployment job queue).")
    login_max_failures: int = Field(default=5, ge=1, description="Failed logins per window.")
    login_window_seconds: int = Field(default=900, ge=1, description="Login rate-limit window.")
    secret_key: str | None = Field(
        default=None,
        description="Signs session cookies; default: a random key kept in {home}/secret_key.",
    )
    cookie_secure: bool = Field(default=False, description="Session cookies only over HTTPS.")
    session_hours: int = Field(default=12, ge=1, description="Lifetime of a login session.")
    job_lease_seconds: int = Field(
        default=30, ge=5, description="A running job whose worker is silent this long is retried."
    )

    @property
    def blobs_dir(self) -> Path:
        """Immutable raw inputs, addressed by SHA-256."""
        return self.home / "blobs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
