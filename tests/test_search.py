"""ingest/search.py: the map's search, which the API and the feeds share."""

from __future__ import annotations

import pandas as pd

from ingest import search


def _records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Atelier vélo", "Potager", "Bibliothèque"],
            "description": ["Réparation de vélos", None, "Lecture"],
            "category": ["repair", "food", "library"],
            "street": ["Chaussée d'Ixelles", "Rue Haute", None],
        }
    )


def test_every_word_must_match_ignoring_accents_and_case() -> None:
    haystack = search.search_text(_records())
    assert search.matching(haystack, "VELO reparation").tolist() == [True, False, False]
    assert search.matching(haystack, "velo potager").tolist() == [False, False, False]


def test_category_labels_and_address_are_searched_too() -> None:
    haystack = search.search_text(_records())
    assert search.matching(haystack, "stadslandbouw").tolist() == [False, True, False]  # food, in Dutch
    assert search.matching(haystack, "chaussee d ixelles").tolist() == [True, False, False]


def test_no_word_keeps_everything() -> None:
    assert search.matching(search.search_text(_records()), " -- ").all()
