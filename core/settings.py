"""Every setting of the project, read once from environment variables.

One place for paths, the reference-data source folder, download URLs, the database URL,
the geocoder and the basemap, so that the CLI, the app, the tests and the benchmarks agree.
Documented in README.md ("Settings").
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from core.errors import ConfigurationError

PROJECT_DIR = Path(__file__).resolve().parent.parent
OSM_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
TIMEZONE = ZoneInfo("Europe/Brussels")  # the wall clock of every time the app reads or shows


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _default_source_dir() -> str:
    """The shared open-data mirror beside the checkout, when it is there."""
    mirror = PROJECT_DIR.parent / "shared" / "data"
    return str(mirror) if mirror.is_dir() else ""


@dataclass(frozen=True)
class Settings:
    """The project's configuration; build it with `load()` so environment changes are seen."""

    data_dir: Path
    source_dir: Path | None
    download_urls: dict[str, str] = field(default_factory=dict)
    download_timeout_s: float = 120.0
    database_url: str = ""
    geocoder: str = "offline"
    online_geocoder: str = ""
    online_geocoder_domain: str = ""
    online_geocoder_scheme: str = "https"
    online_geocoder_user_agent: str = ""
    online_geocoder_min_delay_s: float = 1.0
    tiles_url: str = OSM_TILES_URL
    tiles_attribution: str = OSM_ATTRIBUTION
    moderator_password_hash: str = ""
    submissions_per_session: int = 5
    public_url: str = "http://localhost:8501"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = ""
    smtp_timeout_s: float = 30.0
    smtp_ca_file: Path | None = None  # PEM certificates to trust instead of the system's (a private CA)
    mail_interval_s: float = 30.0  # how often the app sends the outbox; 0: never (cron runs `ingest mail`)
    messages_per_hour: int = 5
    reports_per_hour: int = 10

    @property
    def mail_enabled(self) -> bool:
        """Whether mail can be sent: an SMTP host and a sender are set."""
        return bool(self.smtp_host and self.smtp_sender)

    api_requests_per_minute: int = 300
    picture_max_bytes: int = 10_000_000

    @property
    def boroughs_dir(self) -> Path:
        """Where the built reference boundaries live (git-ignored files beside the manifest)."""
        return self.data_dir / "boroughs"

    @property
    def gazetteer_dir(self) -> Path:
        """Where the built geocoder index lives."""
        return self.data_dir / "gazetteer"

    @property
    def cache_dir(self) -> Path:
        """Where HTTP responses (online geocoder) are cached."""
        return self.data_dir / "cache"


def _secret(name: str) -> str:
    """A value of `.streamlit/secrets.toml` (git-ignored), where Streamlit deployments keep secrets."""
    path = PROJECT_DIR / ".streamlit" / "secrets.toml"
    if not path.is_file():
        return ""
    with path.open("rb") as secrets:
        return str(tomllib.load(secrets).get(name, "")).strip()


def _smtp_security(value: str) -> str:
    if value not in ("starttls", "ssl", "none"):
        raise ConfigurationError(f"BIM_SMTP_SECURITY={value!r}: use starttls, ssl or none")
    return value


def _smtp_ca_file(value: str) -> Path | None:
    if not value:
        return None
    if not Path(value).is_file():
        raise ConfigurationError(f"BIM_SMTP_CA_FILE={value!r}: no such file (give a PEM file of certificates)")
    return Path(value)


def load() -> Settings:
    """Read the settings from the environment."""
    data_dir = Path(_env("BIM_DATA_DIR", str(PROJECT_DIR / "data")))
    source = _env("BIM_SOURCE_DIR", _default_source_dir())
    urls = {
        key: _env(f"BIM_URL_{key.upper()}")
        for key in ("statbel_sectors", "statbel_sector_population", "urbis_quartiers")
    }
    return Settings(
        data_dir=data_dir,
        source_dir=Path(source) if source else None,
        download_urls={k: v for k, v in urls.items() if v},
        download_timeout_s=float(_env("BIM_DOWNLOAD_TIMEOUT_S", "120")),
        database_url=_env("BIM_DATABASE_URL", f"sqlite:///{data_dir / 'initiatives.sqlite'}"),
        geocoder=_env("BIM_GEOCODER", "offline"),
        online_geocoder=_env("BIM_ONLINE_GEOCODER"),
        online_geocoder_domain=_env("BIM_ONLINE_GEOCODER_DOMAIN"),
        online_geocoder_scheme=_env("BIM_ONLINE_GEOCODER_SCHEME", "https"),
        online_geocoder_user_agent=_env("BIM_ONLINE_GEOCODER_USER_AGENT"),
        online_geocoder_min_delay_s=float(_env("BIM_ONLINE_GEOCODER_MIN_DELAY_S", "1.0")),
        tiles_url=_env("BIM_TILES_URL", OSM_TILES_URL),  # empty: no basemap
        tiles_attribution=_env("BIM_TILES_ATTRIBUTION", OSM_ATTRIBUTION),
        moderator_password_hash=_env("BIM_MODERATOR_PASSWORD_HASH"),
        submissions_per_session=int(_env("BIM_SUBMISSIONS_PER_SESSION", "5")),
        public_url=_env("BIM_PUBLIC_URL", "http://localhost:8501").rstrip("/"),
        smtp_host=_env("BIM_SMTP_HOST"),
        smtp_port=int(_env("BIM_SMTP_PORT", "587")),
        smtp_security=_smtp_security(_env("BIM_SMTP_SECURITY", "starttls")),
        smtp_user=_env("BIM_SMTP_USER"),
        smtp_password=_env("BIM_SMTP_PASSWORD") or _secret("smtp_password"),
        smtp_sender=_env("BIM_SMTP_SENDER"),
        smtp_timeout_s=float(_env("BIM_SMTP_TIMEOUT_S", "30")),
        smtp_ca_file=_smtp_ca_file(_env("BIM_SMTP_CA_FILE")),
        mail_interval_s=float(_env("BIM_MAIL_INTERVAL_S", "30")),
        messages_per_hour=int(_env("BIM_MESSAGES_PER_HOUR", "5")),
        reports_per_hour=int(_env("BIM_REPORTS_PER_HOUR", "10")),
        api_requests_per_minute=int(_env("BIM_API_REQUESTS_PER_MINUTE", "300")),
        picture_max_bytes=int(float(_env("BIM_PICTURE_MAX_MB", "10")) * 1_000_000),
    )
