"""Where the reference data comes from: the committed manifest, a source folder, or a download.

The manifest (`data/boroughs/sources.toml`) names each source, its licence and the attribution
line the app must show. With a source folder (setting `BIM_SOURCE_DIR`) the files are read from
there; without one they are downloaded from the official URLs.
"""

from __future__ import annotations

import shutil
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from core.errors import DownloadError, ReferenceDataError
from core.settings import PROJECT_DIR, Settings

MANIFEST_PATH = PROJECT_DIR / "data" / "boroughs" / "sources.toml"


@dataclass(frozen=True)
class Source:
    """One reference-data source as the manifest describes it."""

    key: str
    title: str
    publisher: str
    local_path: str
    url: str
    date: str
    licence: str
    attribution: str


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Source]:
    """The sources of the manifest, by key."""
    with path.open("rb") as f:
        entries = tomllib.load(f)
    return {key: Source(key=key, url=entry.pop("url", ""), **entry) for key, entry in entries.items()}


def attribution_lines(path: Path = MANIFEST_PATH) -> list[str]:
    """The distinct attribution lines the licences require, in manifest order."""
    return list(dict.fromkeys(source.attribution for source in load_manifest(path).values()))


def fetch(settings: Settings, download_dir: Path) -> dict[str, Path | None]:
    """Path of each source's file: from the source folder, else downloaded into `download_dir`.

    A source with no download URL maps to None in download mode (its content is derived).
    Raises ReferenceDataError naming the missing file, or DownloadError naming the URL.
    """
    manifest = load_manifest()
    if settings.source_dir is not None:
        paths: dict[str, Path | None] = {k: settings.source_dir / s.local_path for k, s in manifest.items()}
        missing = [str(p) for p in paths.values() if p is not None and not p.is_file()]
        if missing:
            raise ReferenceDataError(
                f"missing from the source folder {settings.source_dir}: {', '.join(missing)}. "
                "Point BIM_SOURCE_DIR (or --source) at a complete copy, or unset it to download."
            )
        return paths
    download_dir.mkdir(parents=True, exist_ok=True)
    urls = {key: settings.download_urls.get(key, source.url) for key, source in manifest.items()}
    return {
        key: _download(url, download_dir / _file_name(key, url), settings.download_timeout_s) if url else None
        for key, url in urls.items()
    }


def _file_name(key: str, url: str) -> str:
    """The URL's file name (readers look at its extension, and Statbel puts the year in it)."""
    name = urllib.parse.unquote(Path(urllib.parse.urlparse(url).path).name)
    return name if "." in name else f"{key}.geojson"


def _download(url: str, target: Path, timeout_s: float) -> Path:
    """Download `url` to `target` atomically (a failed download leaves no partial file)."""
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        partial.unlink(missing_ok=True)
        raise DownloadError(
            f"could not download {url}: {exc}. Check the network, set BIM_URL_* to a mirror, "
            "or give a source folder with BIM_SOURCE_DIR / --source."
        ) from exc
    partial.replace(target)
    return target
