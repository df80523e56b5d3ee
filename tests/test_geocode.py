"""The offline geocoder on real Brussels addresses: FR/NL, abbreviations, typos, communes, reasons."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import read_fixture

from core import settings
from core.errors import GazetteerNotBuiltError
from core.text import split_address
from geo.crs import to_projected
from geo.geocode import OUTPUT_COLUMNS, geocode, geocode_one
from geo.geocode.normalise import street_key
from geo.join import BoundaryJoin
from ingest.__main__ import main


def place(config: settings.Settings, *addresses: str) -> pd.DataFrame:
    return geocode(pd.DataFrame({"address": list(addresses)}), config)


def distance_m(a: pd.Series, b: pd.Series) -> float:
    ax, ay = to_projected([a["lon"]], [a["lat"]])
    bx, by = to_projected([b["lon"]], [b["lat"]])
    return float(np.hypot(ax - bx, ay - by)[0])


def test_every_town_hall_address_lands_in_its_commune_at_its_house_number(
    gazetteer_settings: settings.Settings,
) -> None:
    halls = read_fixture("town_halls.csv")
    result = place(gazetteer_settings, *halls["address"])
    assert result["nis_code"].tolist() == halls["nis_code"].tolist()
    assert result["geocode_precision"].isin(["address", "street"]).all()
    x, y = to_projected(result["lon"], result["lat"])
    tx, ty = to_projected(halls["lon"], halls["lat"])
    assert np.median(np.hypot(x - tx, y - ty)) < 5


def test_dutch_and_french_names_of_one_address_give_the_same_point(gazetteer_settings: settings.Settings) -> None:
    result = place(gazetteer_settings, "Rue de la Loi 16, 1000 Bruxelles", "Wetstraat 16, 1000 Brussel")
    assert result[["lon", "lat"]].iloc[0].tolist() == result[["lon", "lat"]].iloc[1].tolist()
    assert result.iloc[1][["street_fr", "street_nl", "nis_code", "geocode_precision", "geocode_score"]].tolist() == [
        "Rue de la Loi",
        "Wetstraat",
        "21004",
        "address",
        100,
    ]


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("Av. Louise 54, 1050", "Avenue Louise 54, 1050"),
        ("Bd du Souverain 100, 1170", "Boulevard du Souverain 100, 1170"),
        ("Chée de Wavre 500, 1040", "Chaussée de Wavre 500, 1040"),
        ("Pl. Colignon 1, 1030", "Place Colignon 1, 1030"),
        ("Sq. Ambiorix 10, 1000", "Square Ambiorix 10, 1000"),
        ("R. Haute 10, 1000", "Rue Haute 10, 1000"),
        ("Wetstr. 16, 1000", "Wetstraat 16, 1000"),
        ("Louizaln. 54, 1050 Brussel", "Louizalaan 54, 1050 Brussel"),
        ("LEUVENSESTWG 500, 1030", "Leuvensesteenweg 500, 1030"),
    ],
)
def test_abbreviated_street_types_find_the_same_address(
    gazetteer_settings: settings.Settings, short: str, full: str
) -> None:
    result = place(gazetteer_settings, short, full)
    assert result.iloc[0].equals(result.iloc[1])
    assert result["geocode_precision"].iloc[0] in ("address", "street")


@pytest.mark.parametrize(
    ("typo", "right"),
    [
        ("Rue de la Loii 16, 1000", "Rue de la Loi 16, 1000"),
        ("Boulevard du Souverin 100, 1170", "Boulevard du Souverain 100, 1170"),
        ("Chausee de Waterlo 400, 1050", "Chaussée de Waterloo 400, 1050"),
        ("Leuvensesteenveg 500, 1030", "Leuvensesteenweg 500, 1030"),
    ],
)
def test_typos_find_the_street_with_a_lower_score(gazetteer_settings: settings.Settings, typo: str, right: str) -> None:
    result = place(gazetteer_settings, typo, right)
    assert (
        result[["lon", "lat", "street_fr", "nis_code"]]
        .iloc[0]
        .equals(result[["lon", "lat", "street_fr", "nis_code"]].iloc[1])
    )
    assert result["geocode_score"].iloc[0] < result["geocode_score"].iloc[1]


def test_a_street_that_crosses_communes_is_placed_in_the_commune_of_its_postcode(
    gazetteer_settings: settings.Settings,
) -> None:
    result = place(gazetteer_settings, "Boulevard du Souverain 100, 1170", "Boulevard du Souverain 100, 1160")
    assert result["nis_code"].tolist() == ["21017", "21002"]
    assert result["geocode_note"].tolist() == result["geocode_note"].str.replace("postcode", "").tolist()
    assert distance_m(result.iloc[0], result.iloc[1]) > 1000


def test_without_postcode_a_street_in_several_communes_says_so(gazetteer_settings: settings.Settings) -> None:
    result = geocode_one("Vorstlaan 200", gazetteer_settings)
    assert result["street_fr"] == "Boulevard du Souverain"
    assert "exists in 3 communes" in result["geocode_note"]


@pytest.mark.parametrize(
    ("address", "nis_code"),
    [
        ("Avenue Louise 54, 1050", "21004"),  # 1050 is Ixelles, but Avenue Louise belongs to Bruxelles
        ("Chaussée d'Ixelles 168, 1050", "21009"),
        ("Rue Belliard 50, 1040", "21004"),  # 1040 is Etterbeek, except the European quarter
        ("Avenue d'Auderghem 115, 1040", "21005"),
    ],
)
def test_postcodes_that_straddle_communes_resolve_to_the_commune_of_the_street(
    gazetteer_settings: settings.Settings, boundary_join: BoundaryJoin, address: str, nis_code: str
) -> None:
    result = geocode_one(address, gazetteer_settings)
    assert result["nis_code"] == nis_code
    assert result["geocode_note"] == "" or "placed between" in result["geocode_note"]
    assert boundary_join.locate([result["lon"]], [result["lat"]])["nis_code"].tolist() == [nis_code]


def test_a_postcode_that_contradicts_the_street_is_reported(gazetteer_settings: settings.Settings) -> None:
    result = geocode_one("Avenue des Ortolans 81, 1160", gazetteer_settings)
    assert result["nis_code"] == "21017"
    assert (
        result["geocode_note"] == "postcode 1160 belongs to Auderghem but the street was found in Watermael-Boitsfort"
    )
    assert result["geocode_score"] < 100


def test_a_locality_that_contradicts_the_street_is_reported(gazetteer_settings: settings.Settings) -> None:
    result = geocode_one("Avenue des Ortolans 81, Uccle", gazetteer_settings)
    assert result["nis_code"] == "21017"
    assert result["geocode_note"] == "locality Uccle is in Uccle but the street was found in Watermael-Boitsfort"


def test_bruxelles_as_locality_means_the_region_and_contradicts_nothing(gazetteer_settings: settings.Settings) -> None:
    result = geocode_one("Avenue des Ortolans 81, 1170 Bruxelles", gazetteer_settings)
    assert (result["nis_code"], result["geocode_note"], result["geocode_score"]) == ("21017", "", 100)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("Kosterstraat 2, 1831 Diegem", "postcode 1831 is outside the Brussels region"),
        ("Rue de Namur 5, 5000 Namur", "postcode 5000 is outside the Brussels region"),
        ("Rue Haute 10, Wavre", "locality Wavre is not in the Brussels region"),
        ("", "no street, Brussels postcode or locality"),
    ],
)
def test_an_address_outside_brussels_is_not_placed_and_says_why(
    gazetteer_settings: settings.Settings, address: str, reason: str
) -> None:
    result = geocode_one(address, gazetteer_settings)
    assert result["geocode_precision"] == "none"
    assert result["lon"] is None and result["lat"] is None
    assert result["geocode_score"] == 0
    assert reason in result["geocode_note"]


def test_an_unknown_street_falls_back_to_the_commune_of_its_postcode_for_review(
    gazetteer_settings: settings.Settings,
) -> None:
    result = geocode_one("Rue Nouvelle Imaginaire 7, 1000 Bruxelles", gazetteer_settings)
    assert (result["geocode_precision"], result["nis_code"]) == ("postcode", "21004")
    assert result["geocode_note"].endswith("to review")
    assert result["geocode_score"] < 50


def test_a_missing_house_number_is_placed_between_its_neighbours(gazetteer_settings: settings.Settings) -> None:
    result = place(gazetteer_settings, "Rue Belliard 50, 1040", "Rue Belliard 46, 1040", "Rue Belliard 58, 1040")
    assert result["geocode_precision"].tolist() == ["street", "address", "address"]
    assert result["geocode_note"].iloc[0] == "placed between house numbers 46 and 58"
    between = distance_m(result.iloc[1], result.iloc[2])
    assert distance_m(result.iloc[0], result.iloc[1]) < between
    assert distance_m(result.iloc[0], result.iloc[2]) < between


def test_a_street_without_number_is_placed_on_the_street(gazetteer_settings: settings.Settings) -> None:
    result = geocode_one("Rue Haute, 1000", gazetteer_settings)
    assert (result["geocode_precision"], result["street_nl"]) == ("street", "Hoogstraat")
    assert result["geocode_note"] == "no house number: placed at the middle of the street"


def test_split_fields_give_the_same_result_as_one_field(gazetteer_settings: settings.Settings) -> None:
    split = pd.DataFrame(
        {"street": ["Chée de Wavre", "Rue Haute"], "housenumber": ["500 bte 3", 10.0], "postcode": [1040, 1000.0]},
        index=[7, 7],
    )
    result = geocode(split, gazetteer_settings)
    assert list(result.columns) == list(OUTPUT_COLUMNS)
    assert result.index.tolist() == [7, 7]
    one_field = place(gazetteer_settings, "Chaussée de Wavre 500, 1040", "Rue Haute 10, 1000")
    assert result.reset_index(drop=True).equals(one_field)


def test_a_street_field_holding_the_number_is_read_as_one_address(gazetteer_settings: settings.Settings) -> None:
    split = geocode(
        pd.DataFrame({"street": ["Rue Haute 10", "Avenue du 11 Novembre"], "postcode": ["1000", "1040"]}),
        gazetteer_settings,
    )
    one_field = place(gazetteer_settings, "Rue Haute 10, 1000", "Avenue du 11 Novembre, 1040")
    assert split.equals(one_field)
    assert split["geocode_precision"].tolist() == ["address", "street"]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Rue X 12, 1000 Bruxelles", ("Rue X", "12", "1000", "Bruxelles")),
        ("Rue X, 12 bte 3 - B-1050 Ixelles, Belgique", ("Rue X", "12 bte 3", "1050", "Ixelles")),
        ("12 rue X", ("rue X", "12", "", "")),
        ("Rue X 12A, Ixelles", ("Rue X", "12A", "", "Ixelles")),
        ("Avenue du 11 Novembre 5, 1040", ("Avenue du 11 Novembre", "5", "1040", "")),
        ("Avenue X 1234", ("Avenue X", "1234", "", "")),
    ],
)
def test_one_field_addresses_are_split_into_their_parts(text: str, parts: tuple[str, ...]) -> None:
    assert tuple(split_address(text).values()) == parts


def test_street_keys_ignore_accents_case_and_abbreviations() -> None:
    assert street_key("CHÉE d'Ixelles") == street_key("Chaussée d’Ixelles") == "chaussee d ixelles"
    assert street_key("Kerkstr.") == "kerkstraat"


def test_geocoding_without_an_index_names_the_command_that_builds_it(tmp_path) -> None:
    config = dataclasses.replace(settings.load(), data_dir=tmp_path)
    with pytest.raises(GazetteerNotBuiltError, match="python -m ingest reference"):
        geocode_one("Rue Haute 10, 1000", config)


def test_the_geocode_command_prints_precision_score_streets_and_commune(
    gazetteer_settings: settings.Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BIM_DATA_DIR", str(gazetteer_settings.data_dir))
    assert main(["geocode", "Avenue des Ortolans 81, 1160"]) == 0
    printed = capsys.readouterr().out
    assert "precision: address (score 85, offline)" in printed
    assert "street:    Avenue des Ortolans / Ortolanenlaan" in printed
    assert "commune:   Watermael-Boitsfort / Watermaal-Bosvoorde (21017)" in printed
    assert "note:      postcode 1160 belongs to Auderghem" in printed


@pytest.mark.parametrize(
    ("address", "nis_code"),
    [
        ("Rue Walckiers 5, Schaerbeek", "21015"),
        ("Walckiersstraat 5, Schaarbeek", "21015"),
        ("Rue Walckiers 5, Evere", "21006"),
        ("Place de Jamblinne de Meux 19, Schaerbeek", "21015"),
        ("Avenue du Roi Albert 104, Neder-Over-Heembeek", "21004"),
        ("Koning Albertlaan 104, Sint-Agatha-Berchem", "21003"),
        ("Avenue du Roi Albert 104, Berchem-Ste-Agathe", "21003"),
        ("Koning Albertlaan 104, St Agatha Berchem", "21003"),
        ("Rue Léopold I 128, Laken", "21004"),
        ("Leopold I-straat 128, Jette", "21010"),
        ("Avenue de la Reine 5, Laeken", "21004"),
        ("Koninginnelaan 5, Schaarbeek", "21015"),
        ("Chaussée de Haecht 32, Haren", "21004"),
    ],
)
def test_the_locality_alone_chooses_between_same_named_streets_like_a_postcode(
    gazetteer_settings: settings.Settings, boundary_join: BoundaryJoin, address: str, nis_code: str
) -> None:
    found = geocode_one(address, gazetteer_settings)
    assert found["nis_code"] == nis_code
    assert found["geocode_precision"] in ("address", "street")
    assert "but the street was found in" not in found["geocode_note"]
    located = boundary_join.locate(np.array([found["lon"]]), np.array([found["lat"]]))
    assert located["nis_code"].iloc[0] == nis_code  # the point lies in that commune's part of the street


def test_a_locality_as_close_to_two_communes_does_not_choose(gazetteer_settings: settings.Settings) -> None:
    found = geocode_one("Avenue de la Reine 5, Woluwe", gazetteer_settings)
    assert "give a postcode to choose" in found["geocode_note"]
    assert "locality" not in found["geocode_note"]


def test_a_locality_in_its_own_column_with_the_postcode_is_read_as_both(gazetteer_settings: settings.Settings) -> None:
    frame = pd.DataFrame({"street": ["Rue Walckiers"], "housenumber": ["5"], "locality": ["1030 Schaerbeek"]})
    assert geocode(frame, gazetteer_settings)["nis_code"].tolist() == ["21015"]


def test_a_large_house_number_before_the_locality_is_not_a_postcode(gazetteer_settings: settings.Settings) -> None:
    assert split_address("Chaussée de Wavre 1581, Auderghem") == {
        "street": "Chaussée de Wavre",
        "housenumber": "1581",
        "postcode": "",
        "locality": "Auderghem",
    }
    found = geocode_one("Chaussée de Wavre 1581, Auderghem", gazetteer_settings)
    assert (found["nis_code"], found["geocode_precision"]) == ("21002", "address")
