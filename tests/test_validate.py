"""Validating read tables: every row kept with its status and reason, coordinates placed in WGS84."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import taxonomy
from core.record import RECORD_COLUMNS
from ingest import osm
from ingest.readers import RawTable, read_table
from ingest.validate import Rejection, Validated, validate

FILES = Path(__file__).parent / "fixtures" / "files"
GRAND_PLACE = (4.3525, 50.8467)  # lon, lat


def table(**columns: list[str | None]) -> RawTable:
    """A read table with the given canonical columns, rows numbered from 1."""
    frame = pd.DataFrame(columns, dtype=object)
    frame["source_row"] = range(1, len(frame) + 1)
    return RawTable(frame=frame, columns={}, unmapped=[])


@pytest.fixture(scope="module")
def french() -> Validated:
    return validate(read_table(FILES / "fr_windows1252.csv"), "communes-fr", "CC BY 4.0")


def record(checked: Validated, source_row: int) -> pd.Series:
    return checked.records.set_index("source_row").loc[source_row]


def test_records_have_exactly_the_schema_columns(french: Validated) -> None:
    assert tuple(french.records.columns) == RECORD_COLUMNS


def test_ids_join_codes_and_times_are_left_to_the_store(french: Validated) -> None:
    left = ["id", "nis_code", "quartier_code", "sector_code", "created_at", "updated_at"]
    assert french.records[left].isna().all(axis=None)


def test_source_name_row_and_licence_are_recorded(french: Validated) -> None:
    first = record(french, 1)
    assert (first["source_name"], first["licence"]) == ("communes-fr", "CC BY 4.0")


def test_empty_rows_are_skipped_and_counted(french: Validated) -> None:
    assert french.skipped_empty == 2
    assert 3 not in french.records["source_row"].to_list()
    assert 4 not in french.records["source_row"].to_list()


def test_no_row_is_lost(french: Validated) -> None:
    assert len(french.records) + french.skipped_empty == 10


def test_values_are_trimmed(french: Validated) -> None:
    assert record(french, 5)["name"] == "Potager des Marolles"


def test_decimal_comma_coordinates_are_given_positions(french: Validated) -> None:
    first = record(french, 1)
    assert (first["lon"], first["lat"]) == pytest.approx(GRAND_PLACE)
    assert (first["geocode_source"], first["geocode_precision"], first["status"]) == ("file", "given", "published")


def test_row_without_coordinates_is_pending_not_geocoded(french: Validated) -> None:
    potager = record(french, 5)
    assert (potager["status"], potager["status_reason"], potager["geocode_precision"]) == (
        "pending",
        "not geocoded",
        "none",
    )
    assert np.isnan(potager["lon"])


def test_duplicate_row_is_kept_as_duplicate_and_reported(french: Validated) -> None:
    copy = record(french, 6)
    assert (copy["status"], copy["status_reason"]) == ("duplicate", "duplicate of row 1")
    assert Rejection(6, None, "duplicate of row 1") in french.rejections


def test_row_without_name_is_rejected_with_its_reason(french: Validated) -> None:
    nameless = record(french, 7)
    assert nameless["status"] == "rejected"
    assert nameless["status_reason"] == "no name (nom/naam/name)"
    assert any(r.source_row == 7 and r.field == "name" for r in french.rejections)


def test_swapped_lat_lon_is_put_right_and_noted(french: Validated) -> None:
    library = record(french, 8)
    assert (library["lon"], library["lat"]) == pytest.approx((4.38, 50.865))
    assert library["status_reason"] == "lat/lon swapped in the file"


def test_free_text_categories_map_onto_the_taxonomy(french: Validated) -> None:
    categories = french.records.set_index("source_row")["category"]
    assert categories[[1, 2, 5, 8, 10]].to_list() == ["community", "repair", "food", "library", "mobility"]


def test_category_of_ignores_accents_case_and_punctuation() -> None:
    assert taxonomy.category_of("COHÉSION-sociale") == ("community", True)
    assert taxonomy.category_of("Réparation") == ("repair", True)


def test_category_of_reads_osm_tags_and_takes_the_first_recognised_part() -> None:
    assert taxonomy.category_of("youth_centre; community_centre") == ("education", True)
    assert taxonomy.category_of("bar; ngo") == ("community", True)


def test_category_of_finds_a_synonym_inside_free_text() -> None:
    assert taxonomy.category_of("Repair Café de Saint-Gilles") == ("repair", True)
    assert taxonomy.category_of("Tricot") == ("other", False)


def test_unrecognised_category_becomes_other_with_a_note(french: Validated) -> None:
    knitting = record(french, 9)
    assert knitting["category"] == "other"
    assert "category 'Tricot' not recognised" in knitting["status_reason"]


def test_bare_domain_website_gets_https(french: Validated) -> None:
    assert record(french, 1)["website"] == "https://www.mq-bruyn.be"


def test_non_http_website_is_dropped_and_reported(french: Validated) -> None:
    knitting = record(french, 9)
    assert knitting["website"] is None
    assert knitting["status"] == "published"
    assert Rejection(9, "website", "not an http(s) address", "ftp://tricot.example.be") in french.rejections


def test_invalid_contact_email_is_dropped_and_reported(french: Validated) -> None:
    assert record(french, 9)["contact"] is None
    assert any(r.source_row == 9 and r.field == "contact" for r in french.rejections)
    assert record(french, 1)["contact"] == "info@mq-bruyn.be"


def test_coordinate_that_is_not_a_number_is_reported_with_its_row(french: Validated) -> None:
    bike = record(french, 10)
    assert (bike["status"], bike["geocode_precision"]) == ("pending", "none")
    assert Rejection(10, "lat", "not a number", "50°50'N") in french.rejections


def test_address_column_is_split_into_street_and_number(french: Validated) -> None:
    repair = record(french, 2)
    assert (repair["street"], repair["housenumber"], repair["postcode"], repair["locality"]) == (
        "Chaussée de Waterloo",
        "255",
        "1060",
        "Saint-Gilles",
    )


def test_full_address_gives_postcode_and_locality() -> None:
    checked = validate(table(name=["A", "B"], address=["Rue Haute 12 bte 3, B-1000 Bruxelles", "12 rue Haute"]), "t")
    parts = checked.records[["street", "housenumber", "postcode", "locality"]].to_numpy().tolist()
    assert parts == [["Rue Haute", "12 bte 3", "1000", "Bruxelles"], ["rue Haute", "12", None, None]]


def test_lambert72_coordinates_are_converted_to_wgs84() -> None:
    checked = validate(read_table(FILES / "nl_lambert_utf8_bom.csv"), "nl")
    grand_place = record(checked, 1)
    assert (grand_place["lon"], grand_place["lat"]) == pytest.approx(GRAND_PLACE, abs=1e-4)


def test_lambert2008_coordinates_are_converted_to_wgs84() -> None:
    checked = validate(read_table(FILES / "nl_lambert_utf8_bom.csv"), "nl")
    grand_place = record(checked, 2)
    assert (grand_place["lon"], grand_place["lat"]) == pytest.approx(GRAND_PLACE, abs=1e-4)


def test_coordinates_in_no_known_system_are_reported() -> None:
    checked = validate(table(name=["A"], x=["5000000"], y=["12"]), "t")
    assert checked.records.loc[0, "status"] == "pending"
    assert checked.rejections[0].field == "x"
    assert "neither WGS84 degrees nor Belgian Lambert" in checked.rejections[0].reason


def test_degrees_outside_belgium_are_kept_for_the_join_to_flag() -> None:
    checked = validate(table(name=["Paris"], lat=["48.8566"], lon=["2.3522"]), "t")
    assert (checked.records.loc[0, "lon"], checked.records.loc[0, "status"]) == (2.3522, "published")


def test_too_long_name_rejects_the_row() -> None:
    checked = validate(table(name=["x" * 201]), "t")
    assert checked.records.loc[0, "status"] == "rejected"
    assert checked.rejections[0] == Rejection(1, "name", "longer than 200 characters", "x" * 79 + "…")


def test_too_long_description_is_dropped_and_reported() -> None:
    checked = validate(table(name=["A"], description=["y" * 5001]), "t")
    assert checked.records.loc[0, "description"] is None
    assert checked.rejections[0].field == "description"


def test_name_falls_back_to_the_french_or_dutch_name() -> None:
    checked = validate(table(name=[None], name_nl=["Buurthuis"]), "t")
    assert checked.records.loc[0, ["name", "name_nl"]].to_list() == ["Buurthuis", "Buurthuis"]


def test_source_key_is_the_file_id_when_there_is_one() -> None:
    checked = validate(table(source_key=["ID-7"], name=["A"]), "t")
    assert checked.records.loc[0, "source_key"] == "ID-7"


def test_derived_source_key_is_name_and_postcode_unique_in_file_order() -> None:
    checked = validate(table(name=["Maison de Quartier", "Maison de quartier"], postcode=["1000", "1000"]), "t")
    assert checked.records["source_key"].to_list() == ["maison de quartier|1000", "maison de quartier|1000|2"]


def test_same_id_with_different_content_is_flagged() -> None:
    checked = validate(table(source_key=["7", "7"], name=["A", "B"]), "t")
    assert checked.records["status"].to_list() == ["pending", "duplicate"]
    assert checked.records["source_key"].is_unique


def test_osm_community_places_all_become_records(source_dir: Path) -> None:
    checked = osm.read_osm_places(source_dir / osm.FILE_NAME)
    records = checked.records
    assert len(records) == 375
    assert records["source_key"].is_unique
    assert (records["licence"] == osm.LICENCE).all()
    assert records["lon"].notna().all()
    assert not (records["category"] == "other").any()
    assert set(records.loc[records["status"] != "published", "status_reason"]) == {"no name (nom/naam/name)"}
    features = json.loads((source_dir / osm.FILE_NAME).read_text())["features"]
    tagged = [feature["properties"].get("opening_hours") for feature in features]
    assert records["opening_hours"].tolist() == [hours or None for hours in tagged]  # OSM's tag, as it is


def test_opening_hours_outside_the_osm_syntax_are_kept_as_text_and_noted() -> None:
    checked = validate(
        table(name=["A", "B", "C"], opening_hours=["Mo-Fr 09:00-17:00", "le mardi après-midi", None]), "t"
    )
    assert checked.records["opening_hours"].tolist() == ["Mo-Fr 09:00-17:00", "le mardi après-midi", None]
    reasons = checked.records["status_reason"].fillna("").tolist()
    assert ["opening_hours" in reason for reason in reasons] == [False, True, False]


@pytest.mark.parametrize("header", ["Horaires", "Openingsuren", "opening_hours", "Heures d'ouverture"])
def test_opening_hours_headers_are_read_in_french_dutch_and_english(tmp_path: Path, header: str) -> None:
    path = tmp_path / "hours.csv"
    path.write_text(f"nom;{header}\nPotager;Sa 10:00-12:00\n", encoding="utf-8")
    assert validate(read_table(path), "t").records["opening_hours"].tolist() == ["Sa 10:00-12:00"]


def test_100k_rows_with_decimal_commas_all_validate() -> None:
    """Scale, not speed (benchmarks/ingest.py measures speed): a large file loses no row."""
    n = 100_000
    raw = table(
        name=[f"Initiative {i}" for i in range(n)],
        address=[f"Rue Haute {i}, 1000 Bruxelles" for i in range(n)],
        category=["Cohésion sociale"] * n,
        lat=[f"50,{8400 + i % 100}" for i in range(n)],
        lon=[f"4,{3500 + i % 100}" for i in range(n)],
        website=[f"www.example{i}.be" for i in range(n)],
    )
    checked = validate(raw, "bench")
    assert len(checked.records) == n
    assert (checked.records["status"] == "published").all()
    assert checked.records["lat"].between(50.84, 50.85).all()


def test_image_url_and_story_are_read_and_checked() -> None:
    checked = validate(table(name=["A"], image_url=["javascript:alert(1)"], story=["  Une histoire.\n"]), "t")
    assert checked.records.loc[0, ["image_url", "story"]].to_list() == [None, "Une histoire."]
    assert checked.rejections[0].field == "image_url"
