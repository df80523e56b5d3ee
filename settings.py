"""Every setting of the project, read once from environment variables.

One place for paths, the reference-data source folder, download URLs, the database URL,
the geocoder and the basemap, so that the CLI, the app, the tests and the benchmarks agree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent


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

    @property
    def boroughs_dir(self) -> Path:
        """Where the built reference boundaries live (git-ignored files beside the manifest)."""
        return self.data_dir / "boroughs"


def load() -> Settings:
    """Read the settings from the environment (documented in README.md)."""
    source = _env("BIM_SOURCE_DIR", _default_source_dir())
    urls = {
        key: _env(f"BIM_URL_{key.upper()}")
        for key in ("statbel_sectors", "statbel_sector_population", "urbis_quartiers")
    }
    return Settings(
        data_dir=Path(_env("BIM_DATA_DIR", str(PROJECT_DIR / "data"))),
        source_dir=Path(source) if source else None,
        download_urls={k: v for k, v in urls.items() if v},
        download_timeout_s=float(_env("BIM_DOWNLOAD_TIMEOUT_S", "120")),
    )
