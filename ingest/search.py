"""The map's free-text search, accent-insensitive: one definition for the map page, the API and the feeds.

A record matches when every folded word of the query (core.text.fold) occurs in its folded search
text: names, description, address, and the FR/NL/EN labels of its category. The search text is
computed once per set of records, so callers cache it beside the records.
"""

from __future__ import annotations

import pandas as pd

from core.taxonomy import CATEGORIES
from core.text import fold, fold_series

SEARCH_COLUMNS = ("name", "name_fr", "name_nl", "name_en", "description", "street", "locality", "postcode")


def search_text(records: pd.DataFrame) -> pd.Series:
    """Per record (same index), the folded text a search looks in."""
    labels = {key: " ".join((c.fr, c.nl, c.en)) for key, c in CATEGORIES.items()}
    text = records.reindex(columns=list(SEARCH_COLUMNS)).astype("string").fillna("").agg(" ".join, axis=1)
    return fold_series(text + " " + records["category"].map(labels).fillna(""))


def matching(haystack: pd.Series, query: str) -> pd.Series:
    """Whether each record's search text (`search_text`) holds every word of `query`; all True for no word."""
    keep = pd.Series(True, index=haystack.index)
    for word in fold(query).split():
        keep &= haystack.str.contains(word, regex=False)
    return keep
