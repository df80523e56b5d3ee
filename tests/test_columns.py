"""Headers as people write them, CRS annotations, content-detected coordinates, the column report,
and category words in three languages: files written here the way third parties send them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import read_fixture

from core import taxonomy
from geo.crs import to_projected
from ingest.columns import normalise_header
from ingest.readers import read_table
from ingest.validate import validate


@pytest.mark.parametrize(
    ("header", "key", "crs"),
    [
        ("X (Lambert 72)", "x", "Lambert 72"),
        ("Y [Lambert 2008]", "y", "Lambert 2008"),
        ("lat_wgs84", "lat", "WGS84"),
        ("Longitude (EPSG:4326)", "longitude", "WGS84"),
        ("coord_x_31370", "coord x", "Lambert 72"),
        ("X_L72 (m)", "x", "Lambert 72"),
        ("Y 3812", "y", "Lambert 2008"),
        ("N°", "n", ""),
        ("Code_Postal", "code postal", ""),
    ],
)
def test_a_header_is_normalised_and_its_crs_annotation_kept(header: str, key: str, crs: str) -> None:
    assert normalise_header(header) == (key, crs)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("num", "housenumber"),
        ("n°", "housenumber"),
        ("No.", "housenumber"),
        ("Nr", "housenumber"),
        ("Numéro", "housenumber"),
        ("Huisnummer", "housenumber"),
        ("huisnr", "housenumber"),
        ("Bus", "box"),
        ("Boîte", "box"),
        ("CP", "postcode"),
        ("Code postal", "postcode"),
        ("ZIP", "postcode"),
        ("Postcode", "postcode"),
        ("Localité", "locality"),
        ("Ville", "locality"),
        ("Stad", "locality"),
        ("Gemeente", "locality"),
        ("Lat", "lat"),
        ("LNG", "lon"),
        ("long", "lon"),
        ("Breedte", "lat"),
        ("Lengte", "lon"),
        ("Dénomination", "name"),
        ("Benaming", "name"),
        ("Naam", "name"),
    ],
)
def test_fr_nl_en_abbreviations_and_variants_are_recognised(tmp_path: Path, header: str, field: str) -> None:
    path = tmp_path / "one.csv"
    path.write_text(f"nom;{header}\nA;1\n", encoding="utf-8")
    assert read_table(path).columns[header] == field


def lambert_town_halls(count: int) -> list[tuple[str, str, float, float]]:
    halls = read_fixture("town_halls.csv").head(count)
    x, y = to_projected(halls["lon"], halls["lat"])
    return [(c, n, float(a), float(b)) for c, n, a, b in zip(halls["commune"], halls["nis_code"], x, y, strict=True)]


def write_municipal_workbook(path: Path, x_header: str, y_header: str) -> list[tuple[str, str, float, float]]:
    """A commune's export: a title row, FR headers with the CRS in parentheses, a notes column."""
    halls = lambert_town_halls(5)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Équipements"
    sheet.append(["Inventaire des équipements communaux — export du service Cadastre"])
    sheet.append(["Dénomination", "Type", x_header, y_header, "Remarques"])
    for commune, _, x, y in halls:
        sheet.append([f"Maison communale de {commune}", "Maison communale", round(x, 2), round(y, 2), "ouvert"])
    book.save(path)
    return halls


def test_a_municipal_workbook_with_lambert72_annotated_headers_gives_exact_points(tmp_path: Path) -> None:
    path = tmp_path / "equipements.xlsx"
    halls = write_municipal_workbook(path, "X (Lambert 72)", "Y (Lambert 72)")
    raw = read_table(path)
    assert raw.columns == {"Dénomination": "name", "Type": "category", "X (Lambert 72)": "x", "Y (Lambert 72)": "y"}
    assert raw.crs == {"x": "Lambert 72", "y": "Lambert 72"}
    records = validate(raw, "equipements").records
    assert (records["status"] == "published").all()
    assert (records["category"] == "public_services").all()
    x, y = to_projected(records["lon"], records["lat"])
    for (_, _, tx, ty), px, py in zip(halls, x, y, strict=True):
        assert abs(px - tx) < 0.5 and abs(py - ty) < 0.5
    lines = raw.report.lines()
    assert "'X (Lambert 72)' -> x (header, CRS Lambert 72)" in lines
    assert "'Remarques' -> ignored" in lines


def test_a_header_that_names_one_crs_over_values_of_another_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "wrong.xlsx"
    write_municipal_workbook(path, "X (WGS84)", "Y (WGS84)")
    checked = validate(read_table(path), "wrong")
    assert (checked.records["status"] == "pending").all()
    assert checked.records["lon"].isna().all()
    reasons = {r.reason for r in checked.rejections}
    assert reasons == {
        "coordinates not in WGS84 over Belgium as the header says (they look like Lambert 72 metres): not used"
    }


def test_two_unnamed_columns_of_lambert_values_over_brussels_are_read_as_coordinates(tmp_path: Path) -> None:
    halls = lambert_town_halls(4)
    path = tmp_path / "export.csv"
    lines = ["naam;E;N;capaciteit"] + [f"Gemeentehuis {c};{x:.1f};{y:.1f};120" for c, _, x, y in halls]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.columns == {"naam": "name", "E": "x", "N": "y"}
    assert "'E' -> x (content: values over Brussels in Lambert 72, CRS Lambert 72)" in raw.report.lines()
    assert "'capaciteit' -> ignored" in raw.report.lines()
    assert (validate(raw, "export").records["status"] == "published").all()


def test_wgs84_columns_named_by_nothing_but_their_values_become_lon_and_lat(tmp_path: Path) -> None:
    halls = read_fixture("town_halls.csv").head(3)
    path = tmp_path / "gps.csv"
    rows = [
        f"{c};{lat:.5f};{lon:.5f}" for c, lon, lat in zip(halls["commune"], halls["lon"], halls["lat"], strict=True)
    ]
    path.write_text("nom;coordonnée 1;coordonnée 2\n" + "\n".join(rows) + "\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.columns == {"nom": "name", "coordonnée 1": "lat", "coordonnée 2": "lon"}
    records = validate(raw, "gps").records
    assert records["lon"].round(5).tolist() == halls["lon"].round(5).tolist()


def test_an_ignored_column_that_looks_like_a_known_field_is_a_warning_listed_first(tmp_path: Path) -> None:
    path = tmp_path / "adresses.csv"
    path.write_text(
        "nom;rue;Huisnumer;Détail;Opmerking\nA;Rue Haute;12;1000;vrij\nB;Rue Blaes;30;1000;gesloten\n",
        encoding="utf-8",
    )
    report = read_table(path).report
    assert [u.header for u in report.uses] == ["nom", "rue", "Huisnumer", "Détail", "Opmerking"]
    assert report.ignored == ["Huisnumer", "Détail", "Opmerking"]
    assert report.warnings == [
        "'Huisnumer': ignored, but its header is close to 'huisnummer' (housenumber, score 95): use --map",
        "'Détail': ignored, but its values look like postcodes: use --map HEADER=postcode",
    ]
    assert report.lines()[0].startswith("WARNING 'Huisnumer'")
    assert [u.header for u in report.unused_evidence] == ["Huisnumer"]


def test_a_box_column_joins_the_house_number(tmp_path: Path) -> None:
    path = tmp_path / "bus.csv"
    path.write_text("naam;straat;nr;bus;postcode\nA;Wetstraat;16;3;1000\nB;Wetstraat;18;;1000\n", encoding="utf-8")
    records = validate(read_table(path), "bus").records
    assert records["housenumber"].tolist() == ["16 bte 3", "18"]


def test_every_category_has_fr_nl_en_words_and_its_osm_tags() -> None:
    for key, words in taxonomy.CATEGORY_WORDS.items():
        assert key in taxonomy.CATEGORIES
        assert words["fr"] and words["nl"] and words["en"], key
        assert words["osm"] or key == "other", key
    assert set(taxonomy.CATEGORY_WORDS) == set(taxonomy.CATEGORIES)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Kunstencentrum", "culture"),
        ("Sociale voorziening", "solidarity"),
        ("Sociale voorzieningen", "solidarity"),
        ("Maisons médicales", "health"),
        ("Réfugiées", "solidarity"),
        ("Animatrices", "education"),
        ("amenity=arts_centre", "culture"),
        ("social_facility", "solidarity"),
        ("public_bookcase", "library"),
    ],
)
def test_category_words_in_three_languages_and_osm_tags_are_exact_matches(text: str, key: str) -> None:
    found = taxonomy.match_category(text)
    assert (found.key, found.recognised, found.score) == (key, True, 100)


def test_a_misspelt_category_is_read_fuzzily_with_its_score_and_reported(tmp_path: Path) -> None:
    assert taxonomy.match_category("Kunstcentra") == taxonomy.CategoryMatch("culture", True, "kunstencentra", 91.7)
    assert taxonomy.match_category("Breien") == taxonomy.CategoryMatch("other", False)
    path = Path(__file__).parent / "fixtures" / "files" / "kunst_en_welzijn_nl.csv"
    checked = validate(read_table(path), "kunst")
    assert checked.records["category"].tolist() == [
        "culture", "solidarity", "culture", "community", "library", "education", "food", "other",
    ]  # fmt: skip
    assert checked.category_readings == ["category 'Kunstcentra' read as culture ('kunstencentra', score 92): 1 rows"]
    reasons = checked.records.set_index("name")["status_reason"]
    assert "category 'Kunstcentra' read as culture" in reasons["De Markten"]
    assert "category 'Breien' not recognised: other" in reasons["Breiclub"]


def test_a_crs_column_is_used_as_the_hint_of_the_coordinates(tmp_path: Path) -> None:
    halls = lambert_town_halls(2)
    path = tmp_path / "srid.csv"
    rows = [f"{c};{x:.1f};{y:.1f};EPSG:31370" for c, _, x, y in halls]
    path.write_text("nom;x;y;srid\n" + "\n".join(rows) + "\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.crs == {"x": "Lambert 72", "y": "Lambert 72"}
    assert raw.report.lines()[1:] == [
        "'x' -> x (header, CRS Lambert 72)",
        "'y' -> y (header, CRS Lambert 72)",
        "'srid' -> CRS hint (crs column, CRS Lambert 72)",
    ]
    assert raw.report.ignored == []
