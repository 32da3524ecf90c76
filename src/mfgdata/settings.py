"""Settings: one validated object, environment prefix ``MFGDATA_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    # Bounded work (issue 13): one clear refusal each, the same in the CLI, jobs and uploads.
    max_columns: int = Field(
        default=2_000,
        ge=1,
        description="Columns of one table (wide tables are cleaned and checked in column "
        "batches: 2,000 x 20 builds at 0.56 GiB peak RSS; docs/hostile-input.md).",
    )
    max_header_chars: int = Field(
        default=1_000, ge=16, description="Characters of one column name (header cell)."
    )
    max_cell_bytes: int = Field(
        default=1024**2, ge=1024, description="Bytes of one text cell (UTF-8)."
    )
    max_decompressed_bytes: int = Field(
        default=2 * 1024**3, ge=1024**2, description="Bytes a workbook (zip) may inflate to."
    )
    max_compression_ratio: float = Field(
        default=100.0, ge=2.0, description="Inflated / packed bytes of a workbook (zip bombs)."
    )
    csv_escape_formulas: bool = Field(
        default=True, description="Prefix ' to formula-like text cells in CSV outputs."
    )
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
    engine: Literal["polars", "spark"] = Field(
        default="polars",
        description="Engine of the data steps: polars (one machine) or spark (issue 19).",
    )
    spark_master: str | None = Field(
        default=None,
        description="Spark master URL for --engine spark (default local[2]; spark://host:7077).",
    )
    spark_scratch: str | None = Field(
        default=None,
        description="Hadoop URI of a folder the Spark cluster and the driver both reach "
        "(hdfs://..., s3a://..., file:///shared/nfs/...) where each build writes its scratch "
        "files, in its own mfgdata-<run id> folder removed when the build ends; needed when the "
        "workers run on other machines. Default: the build's local work folder (local mode, one "
        "host).",
    )
    spark_group_max_rows: int = Field(
        default=5_000_000,
        ge=1,
        description="Rows one entity (one machine, or the whole table without an id column) may "
        "hold on Spark for the per-entity recipe operations (forward fill, interpolate, Hampel, "
        "resample), which run on one Python worker; a larger entity is refused with an error.",
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
    max_json_depth: int = Field(
        default=64, ge=2, le=500, description="Deepest {/[ nesting accepted in a JSON Lines record."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses/networks of reverse proxies whose X-Forwarded-For is believed "
        '(JSON list, e.g. ["127.0.0.1", "10.0.0.0/8"]); from anyone else it is ignored.',
    )
    token_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        le=60,
        description="API tokens verified once are reused this long (a revocation, a deactivated "
        "user or a changed scope takes effect within this many seconds; 0 = no cache).",
    )
    usage_flush_seconds: float = Field(
        default=1.0, gt=0, le=60, description="Metered API calls are written in batches this often."
    )

    image_max_pixels: int = Field(
        default=89_478_485,
        ge=1,
        description="Largest image (width x height) decoded; larger ones are a finding "
        "(decompression bombs; Pillow's MAX_IMAGE_PIXELS).",
    )
    image_zip_max_entries: int = Field(
        default=200_000, ge=1, description="Most entries accepted in a zip of images."
    )

    @property
    def blobs_dir(self) -> Path:
        """Immutable raw inputs, addressed by SHA-256."""
        return self.home / "blobs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
