"""Text primitives every layer shares: folding for comparison, missing values, safe links, addresses.

One definition each, so that a search on the map, a category synonym, a street name and a
duplicate check all compare text the same way ("Chaussée d'Ixelles" == "chaussee d ixelles").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

SAFE_SCHEMES = ("http", "https")
ADDRESS_PARTS = ("street", "housenumber", "postcode", "locality")

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})

# "…, 1050 Ixelles", "… B-1050", "… 1050": a Belgian postcode and the locality after it, at the end.
_POSTCODE_TAIL = re.compile(r"[\s,;\-]*\b(?:b\s*-\s*)?(?P<postcode>[1-9]\d{3})\b(?P<locality>[^\d]*)$", re.IGNORECASE)
# The house number at the end of the street part, with its box if any ("12 bte 3", "5 bus 2", "7/3").
_NUMBER_TAIL = re.compile(
    r"^(?P<street>.*?\D)[\s,]*(?:n°|no\.?|nr\.?)?\s*(?P<housenumber>\d+\s?[a-z]?\b"
    r"(?:\s*(?:[-/]\s*\d+\w*|(?:bte|bus|boite|boîte|box|bt)\.?\s*\w+))*)[\s,]*$",
    re.IGNORECASE,
)
_NUMBER_HEAD = re.compile(r"^\s*(?P<housenumber>\d+\s?[a-z]?)\b[\s,]+(?P<street>\D.*)$", re.IGNORECASE)
_COUNTRY_TAIL = re.compile(r"[\s,\-]*\b(belgique|belgie|belgië|belgium|belgien)\s*$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, no accents, ligatures written out, punctuation and spacing as single spaces.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The comparable form: ``fold("Cœur d’Ixelles_ (Saint-Gilles)") == "coeur d ixelles saint gilles"``.
    """
    lowered = text.casefold()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered.translate(_LIGATURES))
        lowered = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", lowered).strip()


def per_unique(values: pd.Series, convert: Callable[[Any], Any], missing: Any = None) -> pd.Series:
    """`convert` applied once per distinct non-missing value (files repeat a lot); missing gives `missing`."""
    codes, uniques = pd.factorize(values)
    done = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        done[i] = convert(value)
    done[-1] = missing
    return pd.Series(done[codes], index=values.index, dtype=object)


def fold_series(values: pd.Series) -> pd.Series:
    """`fold` of each value, missing ones as ""; computed once per distinct value."""
    return per_unique(values, lambda v: fold(str(v)), missing="")


def is_missing(value: object) -> bool:
    """Whether a cell holds nothing: None, pandas' NA/NaT, a float NaN, or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return not value.strip()
    return False


def http_url(value: object) -> str | None:
    """The value when it is an absolute http(s) URL with a host and no inner blank or control character.

    Returns
    -------
    str or None
        The URL, stripped, or None for anything else (``javascript:``, ``data:``, relative links).
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if any(ord(c) < 0x21 for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    return candidate if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def split_address(text: str) -> dict[str, str]:
    """One-field address to its parts: street, housenumber (with its box), postcode, locality ("" when absent).

    Accepts "Rue X 12, 1000 Bruxelles", "Rue X, 12 bte 3 - 1000", "12 rue X", "Rue X 12, Ixelles",
    "B-1000 Bruxelles" (a postcode and a locality, no street).
    """
    rest = _COUNTRY_TAIL.sub("", text.strip())
    parts = dict.fromkeys(ADDRESS_PARTS, "")
    tail = _POSTCODE_TAIL.search(rest)
    # "Avenue X 1234" is a house number; a postcode follows a comma or a number, or has a locality;
    # but "Chaussée de Wavre 1581, Auderghem" is a house number then a locality.
    before = tail[0][: tail.start("postcode") - tail.start()] if tail else ""
    number_then_locality = tail is not None and "," not in before and tail["locality"].lstrip().startswith(",")
    if (
        tail
        and not number_then_locality
        and (tail.start() == 0 or tail["locality"].strip() or "," in tail[0] or rest[: tail.start()][-1:].isdigit())
    ):
        parts["postcode"], parts["locality"] = tail["postcode"], tail["locality"].strip(" ,;-")
        rest = rest[: tail.start()]
    elif "," in rest:
        head, _, last = rest.rpartition(",")
        if head.strip() and not any(c.isdigit() for c in last) and any(c.isdigit() for c in head):
            parts["locality"], rest = last.strip(), head
    number = _NUMBER_TAIL.match(rest) or _NUMBER_HEAD.match(rest)
    if number:
        parts["housenumber"], rest = number["housenumber"].strip(), number["street"]
    parts["street"] = rest.strip(" ,;-")
    return parts


def split_addresses(texts: pd.Series) -> pd.DataFrame:
    """`split_address` of each value, same index; parsed once per distinct text (missing: all "")."""
    codes, unique = pd.factorize(texts.fillna("").to_numpy(dtype=object))
    parsed = np.array([tuple(split_address(str(t)).values()) for t in unique] + [("",) * 4], dtype=object)
    return pd.DataFrame(parsed[codes], index=texts.index, columns=list(ADDRESS_PARTS))
