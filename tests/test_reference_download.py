"""Without a source folder the builder downloads the official files: tested against a local
HTTP server on 127.0.0.1 that serves them in Statbel's and UrbIS's official layouts."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from core import settings
from core.errors import DownloadError
from geo import reference

SECTORS_NAME = "sh_statbel_statistical_sectors_31370_20220101.geojson"
POPULATION_NAME = "OPENDATA_SECTOREN_2022"


@pytest.fixture(scope="module")
def official_site(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> Iterator[str]:
    """Serve country-wide Statbel zips and an UrbIS GeoJSON, as the publishers do."""
    site = tmp_path_factory.mktemp("site")
    sectors = gpd.read_file(source_dir / "boroughs/brussels_statistical_sectors_statbel_2022.geojson").to_crs(31370)
    elsewhere = sectors.head(3).copy()  # sectors of a Flemish commune, 40 km north
    elsewhere["geometry"] = elsewhere.geometry.translate(yoff=40_000)
    elsewhere["cd_munty_refnis"] = "11002"
    elsewhere["cd_sector"] = ["11002A00-", "11002A01-", "11002A02-"]
    country = pd.concat([elsewhere, sectors], ignore_index=True)
    country.to_file(site / SECTORS_NAME, driver="GeoJSON")
    with zipfile.ZipFile(site / f"{SECTORS_NAME}.zip", "w") as archive:
        archive.write(site / SECTORS_NAME, SECTORS_NAME)

    population = pd.read_csv(source_dir / "population/brussels_population_by_sector_statbel_2022.csv", dtype=str)
    rows = pd.DataFrame(
        {"CD_REFNIS": population["nis_code"], "CD_SECTOR": population["cd_sector"], "TOTAL": population["population"]}
    )
    rows = pd.concat(
        [
            pd.DataFrame(
                {"CD_REFNIS": ["11002"] * 3, "CD_SECTOR": elsewhere["cd_sector"], "TOTAL": ["500", "600", "700"]}
            ),
            rows,
        ]
    )
    with zipfile.ZipFile(site / f"{POPULATION_NAME}.zip", "w") as archive:
        archive.writestr(f"{POPULATION_NAME}.txt", rows.to_csv(sep="|", index=False))

    quartiers = gpd.read_file(source_dir / "boroughs/brussels_monitoring_districts_urbis.geojson").to_crs(31370)
    quartiers.to_file(site / "quartiers.json", driver="GeoJSON")

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _download_settings(tmp_path: Path, site: str, **overrides: str) -> settings.Settings:
    urls = {
        "statbel_sectors": f"{site}/{SECTORS_NAME}.zip",
        "statbel_sector_population": f"{site}/{POPULATION_NAME}.zip",
        "urbis_quartiers": f"{site}/quartiers.json",
    } | overrides
    return dataclasses.replace(settings.load(), data_dir=tmp_path / "data", source_dir=None, download_urls=urls)


def test_builds_from_the_official_downloads(tmp_path: Path, official_site: str, built_reference) -> None:
    built = reference.build(_download_settings(tmp_path, official_site))
    assert built.metadata["source"] == "download"
    assert built.communes["nis_code"].tolist() == [str(code) for code in range(21001, 21020)]
    assert len(built.sectors) == 724  # the Flemish sectors were filtered out
    assert built.communes["population_year"].unique().tolist() == [2022]
    assert built.communes["population"].sum() == 1_222_637  # Statbel, region, 1 January 2022
    same = shapely.equals_exact(
        built.communes.geometry.values, built_reference.communes.geometry.values, tolerance=1e-6
    )
    assert same.all()
    assert not list((tmp_path / "data").glob("downloads-*"))  # downloads are not left behind


def test_a_failed_download_names_the_url_and_changes_nothing(tmp_path: Path, official_site: str) -> None:
    good = _download_settings(tmp_path, official_site)
    reference.build(good)
    before = {p.name: p.read_bytes() for p in good.boroughs_dir.iterdir()}
    broken = _download_settings(tmp_path, official_site, urbis_quartiers=f"{official_site}/gone.json")
    with pytest.raises(DownloadError, match=r"gone\.json"):
        reference.build(broken)
    assert {p.name: p.read_bytes() for p in good.boroughs_dir.iterdir()} == before
