"""One settings object; every field has a safe default and an IMBPLUS_* variable."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IMBPLUS_", extra="ignore")

    data_dir: Path = Field(
        default=Path("./var"),
        description="Directory for the embedded database, keys and the audit checkpoint.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is SQLite at <data_dir>/imbplus.db.",
    )
    master_key_file: Path | None = Field(
        default=None,
        description="Master key file (mode 0600); default <data_dir>/master.key.",
    )
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="Checkpoint of the audit chain head, kept outside the database; "
        "default <data_dir>/audit.head.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="Console and portal sessions expire after this idle time."
    )
    session_max_hours: int = Field(
        default=12, ge=1, description="Absolute lifetime of a console or portal session."
    )
    token_days: int = Field(default=90, ge=1, description="Lifetime of a staff API token.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per account inside the window before 429."
    )
    login_max_failures_per_ip: int = Field(
        default=20, ge=1, description="Failed logins per client address inside the window."
    )
    login_window_minutes: int = Field(default=15, ge=1, description="Login rate-limit window.")
    force_secure_cookies: bool = Field(
        default=False,
        description="Mark cookies Secure even when the request did not arrive over HTTPS "
        "(they are always Secure when it did).",
    )
    trusted_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost", "testserver", "*.localhost"],
        description="Host headers the web application answers to.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 above)."
    )

    telemetry_dir: Path | None = Field(
        default=None,
        description="Root of the telemetry Parquet dataset; default <data_dir>/telemetry.",
    )
    telemetry_retention_days: int = Field(
        default=365,
        ge=1,
        description="Activity retention (P13): a day's telemetry partition is dropped this many "
        "days after it ends (default 12 months).",
    )
    telemetry_max_events: int = Field(
        default=5000, ge=1, le=100_000, description="Largest telemetry batch (413 above)."
    )
    telemetry_max_batch_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest telemetry body in bytes (413 above)."
    )
    telemetry_device_burst: int = Field(
        default=20_000,
        ge=1,
        description="Events a box may post at once before its rate limit applies (429 beyond).",
    )
    telemetry_device_events_per_s: float = Field(
        default=20.0,
        gt=0,
        description="Sustained events per second per box (token bucket refill), per worker.",
    )
    telemetry_token_cache_s: float = Field(
        default=30.0,
        ge=0,
        description="How long a worker trusts a checked device token; revocation and status "
        "changes reach every worker within this time (0 checks the database every batch).",
    )

    @cached_property
    def telemetry_root(self) -> Path:
        return self.telemetry_dir or self.data_dir / "telemetry"

    @cached_property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'imbplus.db').resolve()}"

    @cached_property
    def key_file(self) -> Path:
        return self.master_key_file or self.data_dir / "master.key"

    @cached_property
    def checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit.head"


def load_settings() -> Settings:
    return Settings()
