import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///var/portal.db"
    data_dir: Path = Path("var")
    # Generated into the data directory when absent; required in production.
    secret_key: SecretStr | None = None
    smtp_url: str | None = None
    scheduler: Literal["inline", "off"] = "inline"
    base_url: str = "http://127.0.0.1:8000"
    # Re-read a template changed on disk without a restart (while editing templates); off, a
    # page does not stat its template files on every request.
    template_reload: bool = False

    # Cookies are marked Secure unless the portal is served over plain http (local demo).
    secure_cookies: bool = False
    session_hours: int = 12
    api_token_hours: int = 24

    declaration_due_days: int = 15
    # Days a satisfaction survey stays open for answers after its launch.
    survey_due_days: int = 30
    # Reminders before a due date (days), and the grace period before the buyer is told.
    reminder_days: tuple[int, ...] = (7, 1)
    overdue_grace_days: int = 7
    mail_from: str = "Portail des achats responsables <ne-pas-repondre@portail.invalid>"
    mail_max_attempts: int = 8
    # Years the detail of insertion hours is kept after the end of the contract (then merged
    # into the figures the indicators need; see supplier.retention).
    insertion_retention_years: int = Field(default=5, ge=1, le=50)
    # Plausibility of insertion hours: what one person can work in a month (151,67 h, the legal
    # full time), prorated to the period; and how far above the contract's expected pace a
    # declaration's hours may go before it is flagged. Flagged filings are not refused: the
    # filer answers the flag with a comment.
    insertion_monthly_hours_per_person: Decimal = Field(default=Decimal("151.67"), gt=0)
    insertion_pace_factor: Decimal = Field(default=Decimal("3"), gt=1)
    invitation_days: int = 7
    reset_hours: int = 2
    # Login, password reset and invitations: free attempts per account (or target e-mail) and
    # per address within the window, then a wait starting at the base and doubling each time.
    throttle_free_attempts: int = 5
    throttle_free_per_address: int = 30
    throttle_base_seconds: int = 60
    throttle_max_seconds: int = 3600
    throttle_window_hours: int = 24
    max_form_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> "Settings":
        if self.environment == "production":
            if self.secret_key is None or len(self.secret_key.get_secret_value()) < 32:
                raise ValueError("PORTAL_SECRET_KEY (32 caractères au moins) est obligatoire "
                                 "en production.")
            if self.database_url.startswith("sqlite"):
                raise ValueError("En production, PORTAL_DATABASE_URL doit désigner PostgreSQL.")
        return self

    def secret(self) -> str:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _secret_from_data_dir(self.data_dir)


def _secret_from_data_dir(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
