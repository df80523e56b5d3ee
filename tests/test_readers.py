"""Reading initiative files: real-world CSV, XLSX and GeoJSON in; canonical columns out; bad files refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from core.errors import InputFileError
from ingest.readers import MAX_FIELD_CHARS, read_table

FILES = Path(__file__).parent / "fixtures" / "files"
FR_CP1252 = FILES / "fr_windows1252.csv"
NL_LAMBERT = FILES / "nl_lambert_utf8_bom.csv"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_windows1252_semicolon_file_is_detected() -> None:
    table = read_table(FR_CP1252)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.frame.loc[1, "name"] == "Repair Café Saint-Gilles"


def test_french_headers_map_onto_canonical_names() -> None:
    table = read_table(FR_CP1252)
    assert table.columns["Catégorie"] == "category"
    assert table.columns["Code postal"] == "postcode"
    assert table.columns["E-mail"] == "contact"
    assert table.unmapped == []


def test_values_are_kept_as_text_with_decimal_commas() -> None:
    frame = read_table(FR_CP1252).frame
    assert frame.loc[0, ["lat", "lon"]].tolist() == ["50,8467", "4,3525"]


def test_every_data_row_is_kept_and_numbered_from_one() -> None:
    frame = read_table(FR_CP1252).frame
    assert frame["source_row"].tolist() == list(range(1, 11))
    assert frame.loc[2:3].drop(columns="source_row").isna().all(axis=None)  # the empty and the blank row


def test_utf8_with_bom_and_comma_delimiter() -> None:
    table = read_table(NL_LAMBERT)
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert list(table.frame.columns[:2]) == ["name", "street"]
    assert table.frame.loc[0, "x"] == "148855,3"


def test_title_lines_above_the_header_are_not_data(tmp_path: Path) -> None:
    path = write(
        tmp_path / "liste.csv", b"Liste des initiatives;;\nMise a jour 2026;;\nnom;commune;type\nA;Forest;Culture\n"
    )
    frame = read_table(path).frame
    assert frame.loc[0, ["name", "locality", "category", "source_row"]].tolist() == ["A", "Forest", "Culture", 1]


def test_a_quote_never_closed_is_refused_naming_its_row(tmp_path: Path) -> None:
    path = write(tmp_path / "quotes.csv", b'nom;adresse\nMaison "Le Phare";Rue 1\n"Unclosed;Rue 2\nC;Rue 3\n')
    with pytest.raises(InputFileError, match="a quote opened here is never closed") as caught:
        read_table(path)
    assert caught.value.row == 2


def test_tab_delimited_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "export.txt", b"naam\tadres\tgemeente\nBuurthuis\tKerkstraat 2\tElsene\n")
    table = read_table(path)
    assert table.delimiter == "\t"
    assert table.frame.loc[0, ["name", "address", "locality"]].tolist() == ["Buurthuis", "Kerkstraat 2", "Elsene"]


def test_xlsx_with_dutch_headers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Lijst van initiatieven, 2026"])
    sheet = book.create_sheet("Initiatieven")
    sheet.append(["Initiatieven in Brussel (titel boven de kolommen)"])
    sheet.append(["Naam", "Beschrijving", "Adres", "Postcode", "Gemeente", "Categorie", "Breedtegraad", "Lengtegraad"])
    sheet.append(["Buurthuis Bruyn", "Ontmoeting", "Bruynstraat 1", 1120, "Brussel", "Buurtwerk", 50.9039, 4.3866])
    sheet.append([None] * 8)
    sheet.append(["Samentuin", None, "Kerkstraat 2", 1050, "Elsene", "Samentuin", None, None])
    book.save(tmp_path / "lijst.xlsx")

    table = read_table(tmp_path / "lijst.xlsx")
    assert table.sheet == "Initiatieven"
    row = table.frame.iloc[0]
    assert (row["name"], row["postcode"], row["lat"], row["lon"]) == ("Buurthuis Bruyn", "1120", "50.9039", "4.3866")
    assert table.frame["source_row"].tolist() == [1, 2, 3]


def test_geojson_properties_and_point_geometry(tmp_path: Path) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Buurthuis", "amenity": "community_centre", "addr:postcode": "1000"},
                "geometry": {"type": "Point", "coordinates": [4.35, 50.85]},
            },
            {"type": "Feature", "properties": {"name": "Zonder punt"}, "geometry": None},
        ],
    }
    table = read_table(write(tmp_path / "places.geojson", json.dumps(collection).encode()))
    frame = table.frame
    assert frame.loc[0, ["name", "category", "postcode", "x", "y"]].tolist() == [
        "Buurthuis",
        "community_centre",
        "1000",
        "4.35",
        "50.85",
    ]
    assert frame.loc[1, "x"] is None
    assert frame["source_row"].tolist() == [1, 2]


def test_the_osm_community_places_all_come_through(source_dir: Path) -> None:
    table = read_table(source_dir / "initiatives" / "brussels_osm_community_places.geojson")
    assert len(table.frame) == 375
    assert {"name", "name_fr", "name_nl", "category", "street", "website", "x", "y"} <= set(table.frame.columns)


def test_several_source_columns_for_one_name_take_the_first_non_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "osm.csv", b"name,website,contact:website\nA,,https://a.example\nB,https://b.example,x\n")
    frame = read_table(path).frame
    assert frame["website"].tolist() == ["https://a.example", "https://b.example"]


def test_several_category_columns_are_joined_most_specific_first(tmp_path: Path) -> None:
    path = write(tmp_path / "osm.csv", b"name,amenity,community_centre\nA,community_centre,youth_centre\nB,library,\n")
    frame = read_table(path).frame
    assert frame["category"].tolist() == ["youth_centre; community_centre", "library"]


def test_column_map_overrides_the_automatic_mapping(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.csv", b"Intitule;Quartier;Type\nA;Marolles;Culture\n")
    table = read_table(path, column_map={"Intitule": "name", "Type": "description"})
    assert table.frame.loc[0, ["name", "description"]].tolist() == ["A", "Culture"]
    assert table.unmapped == ["Quartier"]


def test_column_map_to_an_unknown_name_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"nom\nA\n")
    with pytest.raises(InputFileError, match="'nickname' is not one of"):
        read_table(path, column_map={"nom": "nickname"})


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputFileError, match="binary file") as caught:
        read_table(path)
    assert caught.value.file == str(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.csv", b"\xef\xbb\xbf\r\n")
    with pytest.raises(InputFileError, match=r"empty\.csv: the file is empty"):
        read_table(path)


def test_file_without_recognisable_columns_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "numbers.csv", b"foo;bar\n1;2\n")
    with pytest.raises(InputFileError, match=r"numbers\.csv, header: no recognisable column among 'foo', 'bar'"):
        read_table(path)


def test_a_10_mb_field_is_refused_naming_row_and_field(tmp_path: Path) -> None:
    path = write(tmp_path / "huge.csv", b"nom;description\nA;short\nB;" + b"x" * 10_000_000 + b"\n")
    with pytest.raises(InputFileError, match=f"above the limit of {MAX_FIELD_CHARS:,}") as caught:
        read_table(path)
    assert (caught.value.row, caught.value.field) == (2, "description")
    assert "huge.csv, row 2, field 'description'" in str(caught.value)


def test_invalid_utf8_is_refused_naming_row_field_and_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.csv", b"nom;adresse\nCaf\xc3\xa9;Rue Haute 1\nBad;Rue \xc3\x28 2\n")
    with pytest.raises(InputFileError, match="invalid UTF-8 byte 0xc3 at byte offset 38") as caught:
        read_table(path)
    assert (caught.value.row, caught.value.field) == (2, "adresse")


def test_bytes_neither_utf8_nor_windows1252_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.csv", b"nom;adresse\nA;Rue \x81 1\n")
    with pytest.raises(InputFileError, match="neither UTF-8 nor Windows-1252") as caught:
        read_table(path)
    assert (caught.value.row, caught.value.field) == (1, "adresse")


def test_a_row_with_more_fields_than_the_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "ragged.csv", b"Liste\nnom,adresse\nA,Rue 1\nB,Rue 2,1000,extra\n")
    with pytest.raises(InputFileError, match=r"ragged\.csv, row 2: more fields than the header"):
        read_table(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "archive.xlsx", b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputFileError, match="not a readable XLSX workbook"):
        read_table(path)


def test_an_old_xls_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path / "lijst.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40)
    with pytest.raises(InputFileError, match=r"old Excel \(\.xls\) workbook: save it as \.xlsx or CSV"):
        read_table(path)
