"""The kernel's text primitives: one fold, one missing-value test, one link check, one address splitter."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.text import fold, fold_series, http_url, is_missing, per_unique, split_address, split_addresses


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("Cohésion_sociale!  SAINT-Gilles") == "cohesion sociale saint gilles"


def test_fold_treats_typographic_and_plain_apostrophes_alike() -> None:
    assert fold("Chaussée d’Ixelles") == fold("chaussee d'Ixelles") == "chaussee d ixelles"


def test_fold_writes_ligatures_out() -> None:
    assert fold("Cœur des Sœurs") == "coeur des soeurs"
    assert fold("Straße") == "strasse"


def test_fold_series_folds_each_value_and_leaves_missing_empty() -> None:
    folded = fold_series(pd.Series(["École", None, "École", np.nan]))
    assert folded.tolist() == ["ecole", "", "ecole", ""]


def test_per_unique_converts_each_distinct_value_once() -> None:
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    assert per_unique(pd.Series(["a", "b", "a", None]), upper).tolist() == ["A", "B", "A", None]
    assert calls == ["a", "b"]


@pytest.mark.parametrize("value", [None, pd.NA, pd.NaT, math.nan, np.float64("nan"), "", "  \t"])
def test_missing_values_are_missing(value: object) -> None:
    assert is_missing(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "x", False])
def test_present_values_are_not_missing(value: object) -> None:
    assert not is_missing(value)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1", "HTTP://x.be", " https://x.be/ "])
def test_http_urls_are_kept(url: str) -> None:
    assert http_url(url) == url.strip()


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "data:text/html,x", "//x.be", "/relative", "https://", "https://x.be/a b", "ftp://x", 3],
)
def test_anything_else_is_no_link(value: object) -> None:
    assert http_url(value) is None


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Rue Haute 12, 1000 Bruxelles", ("Rue Haute", "12", "1000", "Bruxelles")),
        ("12 rue Haute, B-1000 Bruxelles", ("rue Haute", "12", "1000", "Bruxelles")),
        ("Rue Haute 12 bte 3, 1000", ("Rue Haute", "12 bte 3", "1000", "")),
        ("Rue Walckiers 5, Schaerbeek", ("Rue Walckiers", "5", "", "Schaerbeek")),
        ("1030 Schaerbeek", ("", "", "1030", "Schaerbeek")),
        ("Avenue Louise 1234", ("Avenue Louise", "1234", "", "")),
        ("Rue X 5, 1050 Ixelles, Belgique", ("Rue X", "5", "1050", "Ixelles")),
    ],
)
def test_split_address_finds_street_number_postcode_and_locality(text: str, parts: tuple[str, ...]) -> None:
    assert tuple(split_address(text).values()) == parts


def test_split_addresses_keeps_the_index_and_empties_missing_rows() -> None:
    parsed = split_addresses(pd.Series(["Rue Haute 12, 1000 Bruxelles", None], index=[7, 9]))
    assert parsed.index.tolist() == [7, 9]
    assert parsed.loc[9].tolist() == ["", "", "", ""]
    assert parsed.loc[7, "postcode"] == "1000"
