"""Addresses as comparable keys: accents, case, FR/NL street-type abbreviations.

A street name and a query are compared through the same `street_key`, so "Bd du Souverain",
"boulevard du souverain" and "BOULEVARD DU SOUVERAIN" meet, and so do "Louizaln." and
"Louizalaan".
Functions work on unique values: callers map them back onto their rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.text import fold

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
_SINT = re.compile(r"\bsint\b")
_HOUSENUMBER = re.compile(r"^\s*(\d+)\s?([a-z]?)(?![a-z])", re.IGNORECASE)


def street_key(name: str) -> str:
    """The comparable form of a street or locality name: folded, abbreviations written out."""
    key = fold(name)
    for pattern, replacement in _NL_SUFFIXES:
        key = pattern.sub(replacement, key)
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], key)


def locality_key(name: str) -> str:
    """The comparable form of a commune or locality name: as `street_key`, and "Sint-"/"St-" as "Saint-".

    So "St-Gillis", "Sint-Gillis" and "Saint-Gilles" differ only where the FR and NL names do.
    """
    return _SINT.sub("saint", street_key(name))


def street_keys(names: pd.Series) -> pd.Series:
    """`street_key` of each value (missing stays empty), computed once per distinct value."""
    codes, unique = pd.factorize(names.fillna("").to_numpy(dtype=object))
    keys = np.array([street_key(str(n)) for n in unique] + [""], dtype=object)
    return pd.Series(keys[codes], index=names.index, dtype=object)


def housenumber_parts(values: pd.Series) -> pd.DataFrame:
    """House number as `number` (integer, -1 when none) and `key` ("12a"): boxes and ranges dropped."""
    parts = values.fillna("").astype(str).str.extract(_HOUSENUMBER)
    number = pd.to_numeric(parts[0], errors="coerce").fillna(-1).astype("int64")
    key = (parts[0].fillna("") + parts[1].fillna("").str.lower()).where(number >= 0, "")
    return pd.DataFrame({"number": number, "key": key}, index=values.index)
