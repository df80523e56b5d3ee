"""Addresses as comparable keys: accents, case, FR/NL street-type abbreviations, and parsing.

A street name and a query are compared through the same `street_key`, so "Bd du Souverain",
"boulevard du souverain" and "BOULEVARD DU SOUVERAIN" meet, and so do "Louizaln." and
"Louizalaan". Parsing splits "street number, postcode locality" written in one field.
Functions work on unique values: callers map them back onto their rows.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

# Whole-word abbreviations (after folding) and what they stand for, FR and NL.
ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "ch": "chaussee",
    "chee": "chaussee",
    "chauss": "chaussee",
    "pl": "place",
    "sq": "square",
    "r": "rue",
    "imp": "impasse",
    "gal": "galerie",
    "rte": "route",
    "st": "saint",
    "ste": "sainte",
    "str": "straat",
    "ln": "laan",
    "stwg": "steenweg",
    "stw": "steenweg",
    "pln": "plein",
}
# NL street types are glued to the name ("Louizaln." is "Louizalaan").
_NL_SUFFIXES = (
    (re.compile(r"\b(\w{3,})str\b"), r"\1straat"),
    (re.compile(r"\b(\w{3,})ln\b"), r"\1laan"),
    (re.compile(r"\b(\w{3,})stwg\b"), r"\1steenweg"),
    (re.compile(r"\b(\w{3,})pln\b"), r"\1plein"),
)
_ABBREVIATION = re.compile(r"\b(" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")\b")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# "…, 1050 Ixelles", "… B-1050", "… 1050": a Belgian postcode and the locality after it, at the end.
_POSTCODE_TAIL = re.compile(r"[\s,;\-]*\b(?:b\s*-\s*)?(?P<postcode>[1-9]\d{3})\b(?P<locality>[^\d]*)$", re.IGNORECASE)
# The house number at the end of the street part, with an optional box ("bte 3", "bus 2", "/3").
_NUMBER_TAIL = re.compile(
    r"^(?P<street>.*?\D)[\s,]*(?:n°|no\.?|nr\.?)?\s*(?P<housenumber>\d+\s?[a-z]?)\b"
    r"(?:\s*(?:[-/]\s*\d+\w*|(?:bte|bus|boite|boîte|box|bt)\.?\s*\w+))*[\s,]*$",
    re.IGNORECASE,
)
_NUMBER_HEAD = re.compile(r"^\s*(?P<housenumber>\d+\s?[a-z]?)\b[\s,]+(?P<street>\D.*)$", re.IGNORECASE)
_COUNTRY_TAIL = re.compile(r"[\s,\-]*\b(belgique|belgie|belgium|belgien)\s*$", re.IGNORECASE)
_HOUSENUMBER = re.compile(r"^\s*(\d+)\s?([a-z]?)(?![a-z])", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces ("Chaussée d'Ixelles" -> "chaussee d ixelles")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", plain).strip()


def street_key(name: str) -> str:
    """The comparable form of a street or locality name: folded, abbreviations written out."""
    key = fold(name)
    for pattern, replacement in _NL_SUFFIXES:
        key = pattern.sub(replacement, key)
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], key)


def street_keys(names: pd.Series) -> pd.Series:
    """`street_key` of each value (missing stays empty), computed once per distinct value."""
    codes, unique = pd.factorize(names.fillna("").to_numpy(dtype=object))
    keys = np.array([street_key(str(n)) for n in unique] + [""], dtype=object)
    return pd.Series(keys[codes], index=names.index, dtype=object)


def split_address(text: str) -> dict[str, str]:
    """One-field address to its parts: street, housenumber, postcode, locality (empty when absent).

    Accepts "Rue X 12, 1000 Bruxelles", "Rue X, 12 bte 3 - 1000", "12 rue X", "Rue X 12, Ixelles".
    """
    rest = _COUNTRY_TAIL.sub("", text.strip())
    parts = {"street": "", "housenumber": "", "postcode": "", "locality": ""}
    tail = _POSTCODE_TAIL.search(rest)
    # "Avenue X 1234" is a house number; a postcode follows a comma or a number, or has a locality.
    if (
        tail
        and tail.start() > 0
        and (tail["locality"].strip() or "," in tail[0] or rest[: tail.start()][-1:].isdigit())
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
    """`split_address` of each value, same index; parsed once per distinct text."""
    codes, unique = pd.factorize(texts.fillna("").to_numpy(dtype=object))
    parsed = np.array([tuple(split_address(str(t)).values()) for t in unique] + [("",) * 4], dtype=object)
    return pd.DataFrame(parsed[codes], index=texts.index, columns=list(split_address("")))


def housenumber_parts(values: pd.Series) -> pd.DataFrame:
    """House number as `number` (integer, -1 when none) and `key` ("12a"): boxes and ranges dropped."""
    parts = values.fillna("").astype(str).str.extract(_HOUSENUMBER)
    number = pd.to_numeric(parts[0], errors="coerce").fillna(-1).astype("int64")
    key = (parts[0].fillna("") + parts[1].fillna("").str.lower()).where(number >= 0, "")
    return pd.DataFrame({"number": number, "key": key}, index=values.index)
