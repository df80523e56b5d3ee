"""Files as third parties send them, imported end to end with the offline geocoder: every column
accounted for, nothing published on less than the file gave, the locality deciding like a postcode,
and one address giving one answer whether written in one column or split over several."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, read_fixture

from core import settings
from geo.crs import to_projected
from geo.join import BoundaryJoin
from ingest.__main__ import main
from ingest.pipeline import import_file
from ingest.store import open_store

FILES = FIXTURES / "files"


@pytest.fixture
def config(gazetteer_settings: settings.Settings, tmp_path: Path) -> settings.Settings:
    """The built reference data and geocoder index, with an empty SQLite store of its own."""
    return dataclasses.replace(gazetteer_settings, database_url=f"sqlite:///{tmp_path / 'store.sqlite'}")


def stored(config: settings.Settings) -> pd.DataFrame:
    with open_store(config) as store:
        return store.read(status=None).sort_values("source_row").reset_index(drop=True)


def metres(lon_a: pd.Series, lat_a: pd.Series, lon_b: pd.Series, lat_b: pd.Series) -> np.ndarray:
    ax, ay = to_projected(lon_a, lat_a)
    bx, by = to_projected(lon_b, lat_b)
    return np.hypot(np.asarray(ax) - bx, np.asarray(ay) - by)


def truth(source_dir: Path, street: str, number: str, nis_code: str) -> tuple[float, float]:
    """The OSM house-number point of an address, from the source folder."""
    points = pd.read_csv(source_dir / "gazetteer/brussels_housenumbers_osm_2021_tiles.csv", dtype=str)
    hit = points[(points["street_fr"] == street) & (points["housenumber"] == number) & (points["nis_code"] == nis_code)]
    return float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0])


def test_a_nom_rue_num_code_postal_file_is_placed_at_its_house_numbers(config: settings.Settings) -> None:
    report = import_file(FILES / "rue_num_code_postal.csv", config, geocoder="offline")
    assert [u.field for u in report.columns.uses] == ["name", "street", "housenumber", "postcode"]
    assert report.columns.warnings == []
    records = stored(config)
    assert (records["status"] == "published").all()
    assert records["geocode_precision"].isin(["address", "street"]).all()
    assert not records["status_reason"].fillna("").str.contains("middle of the street").any()
    halls = read_fixture("town_halls.csv").set_index("commune")
    communes = ["Anderlecht", "Auderghem", "Bruxelles", "Etterbeek", "Jette", "Saint-Gilles", "Schaerbeek", "Uccle"]
    expected = halls.loc[communes]
    assert records["nis_code"].tolist() == expected["nis_code"].tolist()
    assert np.median(metres(records["lon"], records["lat"], expected["lon"], expected["lat"])) < 10


def test_the_summary_names_a_column_the_importer_cannot_use(config: settings.Settings, tmp_path: Path) -> None:
    path = tmp_path / "associations.csv"
    path.write_text(
        "nom;rue;code_postal;Nummer huis;Remarques\n"
        "Comité Walckiers;Rue Walckiers;1030;5;lu-ve\n"
        "Potager Jamblinne;Place de Jamblinne de Meux;1030;19;sa\n",
        encoding="utf-8",
    )
    report = import_file(path, config, geocoder="offline", dry_run=True)
    summary = report.summary().splitlines()
    warning = (
        "  WARNING column 'Nummer huis': ignored, but its values look like house numbers: use --map HEADER=housenumber"
    )
    assert summary[1] == warning
    assert "    'Remarques' -> ignored" in summary
    assert "    'rue' -> street (header)" in summary
    # Placed on the street only while the file had its house numbers: both wait, saying why.
    assert (report.rows["status"] == "pending").all()
    assert (
        report.rows["reason"]
        .str.contains("column(s) 'Nummer huis' (housenumber) of the file were not used", regex=False)
        .all()
    )
    assert stored(config).empty  # a dry run writes nothing


def test_the_cli_report_writes_every_column_beside_the_rows(config: settings.Settings, tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.csv"
    env = {"BIM_DATA_DIR": str(config.data_dir), "BIM_DATABASE_URL": config.database_url, "BIM_GEOCODER": "none"}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert main(["import", str(FILES / "kunst_en_welzijn_nl.csv"), "--dry-run", "--report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "category 'Kunstcentra' read as culture ('kunstencentra', score 92): 1 rows" in printed
    columns = pd.read_csv(tmp_path / "report.columns.csv", keep_default_na=False)
    assert columns[["header", "field"]].values.tolist() == [
        ["naam", "name"],
        ["adres", "address"],
        ["categorie", "category"],
    ]


def test_the_locality_decides_like_a_postcode_on_streets_of_two_communes(
    config: settings.Settings, boundary_join: BoundaryJoin, source_dir: Path
) -> None:
    import_file(FILES / "adresses_localite_seule.csv", config, geocoder="offline")
    records = stored(config)
    expected = ["21015", "21015", "21010", "21004", "21004", "21015"]
    assert records["nis_code"].tolist() == expected
    assert records["status"].eq("published").all()
    assert not records["status_reason"].fillna("").str.contains("but the street was found in").any()
    inside = boundary_join.locate(records["lon"].to_numpy(float), records["lat"].to_numpy(float))["nis_code"]
    assert inside.tolist() == expected
    walckiers = truth(source_dir, "Rue Walckiers", "5", "21015")
    assert metres(records["lon"][:1], records["lat"][:1], [walckiers[0]], [walckiers[1]])[0] < 5


def test_a_street_missing_from_the_named_commune_is_looked_for_elsewhere_with_a_note(config: settings.Settings) -> None:
    from geo.geocode import geocode_one

    found = geocode_one("Rue Walckiers 5, Ixelles", config)
    assert found["nis_code"] in ("21015", "21006")
    assert "locality Ixelles is in Ixelles but the street was found in" in found["geocode_note"]


def test_one_address_in_one_column_or_split_gives_the_same_points(config: settings.Settings, tmp_path: Path) -> None:
    one = dataclasses.replace(config, database_url=f"sqlite:///{tmp_path / 'one.sqlite'}")
    split = dataclasses.replace(config, database_url=f"sqlite:///{tmp_path / 'split.sqlite'}")
    import_file(FILES / "adresses_localite_seule.csv", one, geocoder="offline")
    report = import_file(FILES / "adresses_localite_seule_colonnes.csv", split, geocoder="offline")
    assert [u.field for u in report.columns.uses] == ["name", "street", "housenumber", "locality"]
    columns = ["name", "lon", "lat", "nis_code", "geocode_precision", "geocode_score", "status"]
    pd.testing.assert_frame_equal(stored(one)[columns], stored(split)[columns])


def test_a_row_whose_coordinates_could_not_be_used_is_not_published_on_its_street(
    config: settings.Settings, tmp_path: Path
) -> None:
    path = tmp_path / "gps_faux.csv"
    path.write_text(
        "nom;rue;num;cp;X (WGS84);Y (WGS84)\n"
        "Comité Walckiers;Rue Walckiers;5;1030;151515;174270\n"
        "Potager Jamblinne;Place de Jamblinne de Meux;19;1030;152130;169420\n",
        encoding="utf-8",
    )
    report = import_file(path, config, geocoder="offline")
    rows = report.rows.set_index("name")
    assert rows.loc["Comité Walckiers", "status"] == "published"  # placed at its house-number point
    assert rows.loc["Potager Jamblinne", "status"] == "pending"  # only between its neighbours: waits
    assert "the row's coordinates in the file were not used" in rows.loc["Potager Jamblinne", "reason"]
    assert "coordinates not in WGS84 over Belgium as the header says" in rows.loc["Potager Jamblinne", "reason"]
