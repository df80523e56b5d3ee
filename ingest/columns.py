"""Headers as people write them, and what became of every column of a file.

A header is normalised before it is matched: `core.text.fold` (case, accents, punctuation and
spacing), then the units and coordinate systems it is annotated with are taken out, "X (Lambert 72)",
"lat_wgs84", "Y [m]", and kept as a CRS hint. When no header names coordinates, two numeric columns
whose values fall over Brussels in Lambert 72, Lambert 2008 or WGS84 are read as coordinates.
`ColumnReport` lists each input column and what it became (a field, a CRS hint, or ignored), with
a warning for an ignored column that looks like a known field; `ingest.readers` fills it,
`ingest.validate` and `ingest.pipeline` use it so that no row is published on less than its file gave.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from core.text import fold

# Canonical column -> recognised source names, normalised (see `normalise_header`). When several
# source columns map onto one canonical column, the first non-empty value wins, in this order;
# except for the category, whose values are all kept, joined by "; " (OSM spreads it over tags).
# `box` (bus/boîte) is appended to the house number by `ingest.validate`.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "source_key": ("source key", "id", "identifiant", "identifier", "ref", "reference", "referentie"),
    "name": ("name", "nom", "naam", "titre", "titel", "title", "initiative", "initiatief", "organisation",
             "organisatie", "organization", "denomination", "benaming", "appellation", "intitule", "enseigne",
             "nom de l initiative", "naam initiatief", "nom du lieu", "naam van de organisatie", "organisme"),
    "name_fr": ("name fr", "nom fr", "naam fr", "nom francais", "franse naam", "denomination fr", "benaming fr"),
    "name_nl": ("name nl", "nom nl", "naam nl", "nom neerlandais", "nederlandse naam", "denomination nl",
                "benaming nl"),
    "name_en": ("name en", "nom en", "naam en", "english name"),
    "description": ("description", "beschrijving", "omschrijving", "descriptif"),
    "category": ("category", "categorie", "categories", "categorieen", "type", "thema", "theme", "thematique",
                 "domaine", "secteur", "sector", "soort", "community centre", "social facility", "amenity", "office",
                 "club"),
    "address": ("address", "adresse", "adres", "adresse complete", "volledig adres", "full address",
                "adresse postale", "rue et numero", "straat en nummer", "street address"),
    "street": ("street", "rue", "straat", "addr street", "voie", "voirie", "straatnaam", "nom de rue", "nom rue",
               "street name", "streetname"),
    "housenumber": ("housenumber", "house number", "numero", "nummer", "huisnummer", "huisnr", "no", "n", "nr",
                    "num", "number", "house nr", "house no", "numero de rue", "numero rue", "n rue", "numero maison",
                    "addr housenumber"),
    "box": ("box", "bus", "boite", "bte", "bt", "busnummer", "busnr", "numero de boite", "addr unit"),
    "postcode": ("postcode", "code postal", "cp", "zip", "zip code", "zipcode", "postal code", "post code",
                 "postnummer", "postnr", "npa", "addr postcode"),
    "locality": ("locality", "localite", "commune", "gemeente", "municipality", "city", "ville", "stad", "town",
                 "plaats", "woonplaats", "deelgemeente", "municipalite", "addr city", "commune fr", "commune nl",
                 "gemeente fr", "gemeente nl"),
    "lat": ("lat", "latitude", "breedtegraad", "breedte"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad", "lengte"),
    "x": ("x", "x lambert", "lambert x", "coord x", "coordx", "xcoord", "x coord", "coordonnee x", "x coordinate",
          "x coordinaat", "easting"),
    "y": ("y", "y lambert", "lambert y", "coord y", "coordy", "ycoord", "y coord", "coordonnee y", "y coordinate",
          "y coordinaat", "northing"),
    "website": ("website", "site", "site web", "site internet", "url", "web", "webstek", "webpagina", "homepage",
                "contact website"),
    "image_url": ("image url", "image", "photo", "picture", "afbeelding", "foto"),
    "story": ("story", "histoire", "recit", "verhaal"),
    "opening_hours": ("opening hours", "horaires", "horaire", "heures d ouverture", "heures ouverture", "openingsuren",
                      "openingstijden", "openingsuur", "uren", "hours"),
    # Our exports carry these per row, so an export of several sources re-imports onto the same ids.
    "source_name": ("source name",),
    "licence": ("licence", "license", "licentie"),
    "contact": ("contact", "email", "e mail", "mail", "courriel", "contact email", "telephone", "telefoon",
                "phone", "tel", "gsm"),
}  # fmt: skip
CANONICAL_COLUMNS: tuple[str, ...] = tuple(HEADER_ALIASES)
ALIAS_TO_CANONICAL = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
_ALIAS_RANK = {alias: rank for aliases in HEADER_ALIASES.values() for rank, alias in enumerate(aliases)}
COORDINATES = ("lon", "lat", "x", "y")
LAMBERT72, LAMBERT2008, WGS84 = "Lambert 72", "Lambert 2008", "WGS84"
# Folded annotations -> the CRS they name ("lambert" alone: 72 or 2008, the values' range decides).
CRS_WORDS: dict[str, str] = {
    "lambert 72": LAMBERT72, "lambert72": LAMBERT72, "l72": LAMBERT72, "lb72": LAMBERT72, "bd72": LAMBERT72,
    "epsg 31370": LAMBERT72, "31370": LAMBERT72, "belge 1972": LAMBERT72, "belgian lambert 72": LAMBERT72,
    "lambert 2008": LAMBERT2008, "lambert2008": LAMBERT2008, "l2008": LAMBERT2008, "lb08": LAMBERT2008,
    "epsg 3812": LAMBERT2008, "3812": LAMBERT2008,
    "wgs84": WGS84, "wgs 84": WGS84, "epsg 4326": WGS84, "4326": WGS84, "gps": WGS84,
    "lambert": "Lambert",
}  # fmt: skip
_CRS_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, CRS_WORDS), key=len, reverse=True)) + r")\b")
_UNITS = re.compile(r"\b(m|metres|meters|metre|meter|deg|degres|degrees|graden|decimal|decimale|dd)\b")
# Headers of a column that holds the coordinate system of the others: its values are a hint.
CRS_HEADERS = frozenset({"crs", "epsg", "srid", "srs", "projection", "systeme de coordonnees", "coordinate system"})
# Over the Brussels region, with a margin: (x or lon min, max, y or lat min, max).
BRUSSELS_BOXES: dict[str, tuple[float, float, float, float]] = {
    LAMBERT72: (138_000.0, 162_000.0, 158_000.0, 182_000.0),
    LAMBERT2008: (638_000.0, 662_000.0, 658_000.0, 682_000.0),
    WGS84: (4.20, 4.52, 50.74, 50.94),
}
FUZZY_HEADER_SCORE = 85  # an ignored header this close to a known one is a warning
CONTENT_SHARE = 0.9  # share of the non-empty values that must fit a pattern for the column to "look like" it
_HOUSENUMBER = re.compile(r"^\d{1,4}\s?[a-zA-Z]?(\s*(bte|bus|box|/|-)\s*\w+)?$")
_POSTCODE = re.compile(r"^(?:B-?)?1[0-2]\d0$")


@dataclass(frozen=True)
class ColumnUse:
    """One input column: `field` it fills ("" when ignored), its CRS hint, and a warning if any."""

    header: str
    field: str = ""
    crs: str = ""
    how: str = ""  # "header", "--map", "content: ...", "crs column"
    warning: str = ""
    looks: str = ""  # the field an ignored column looks like ("housenumber", "x"...), from its header or values

    def described(self) -> str:
        """What the column became: "x (header, CRS Lambert 72)", "CRS hint (crs column)", "ignored"."""
        target = self.field or ("CRS hint" if self.crs else "ignored")
        detail = ", ".join(p for p in (self.how, f"CRS {self.crs}" if self.crs else "") if p)
        return target + (f" ({detail})" if detail else "")


@dataclass
class ColumnReport:
    """Every input column of a file and what it became; warnings first in `lines`."""

    uses: list[ColumnUse] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [f"{u.header!r}: {u.warning}" for u in self.uses if u.warning]

    @property
    def ignored(self) -> list[str]:
        return [u.header for u in self.uses if not u.field and not u.crs]

    @property
    def unused_evidence(self) -> list[ColumnUse]:
        """Ignored columns that look like house numbers or coordinates: rows placed without them wait."""
        return [u for u in self.uses if not u.field and u.looks in ("housenumber", *COORDINATES)]

    def lines(self) -> list[str]:
        """Warnings, then one line per column: header -> field (how) or ignored."""
        return [f"WARNING {w}" for w in self.warnings] + [f"{u.header!r} -> {u.described()}" for u in self.uses]

    def to_frame(self) -> pd.DataFrame:
        """One row per input column: header, field, crs, how, warning (the --report columns file)."""
        return pd.DataFrame(
            [(u.header, u.field or "(ignored)", u.crs, u.how, u.warning) for u in self.uses],
            columns=["header", "field", "crs", "how", "warning"],
        )


def normalise_header(header: str) -> tuple[str, str]:
    """The header's comparable key and the CRS its annotation names ("" when none).

    ``normalise_header("X (Lambert 72)") == ("x", "Lambert 72")``; ``("lat_wgs84") -> ("lat", "WGS84")``;
    ``("Code postal") -> ("code postal", "")``.
    """
    key = fold(str(header))
    found = _CRS_PATTERN.search(key)
    crs = CRS_WORDS[found.group(1)] if found else ""
    if found:
        key = _CRS_PATTERN.sub(" ", key)
    key = " ".join(_UNITS.sub(" ", key).split()) or key
    return key, crs


def crs_of_text(text: str) -> str:
    """The CRS a value of a CRS column names ("EPSG:31370", "Lambert 72"), or ""."""
    found = _CRS_PATTERN.search(fold(str(text)))
    return CRS_WORDS[found.group(1)] if found else ""


def fuzzy_field(key: str, aliases: dict[str, str]) -> tuple[str, str, float] | None:
    """(field, alias, score) of the known header closest to `key`, when at least FUZZY_HEADER_SCORE."""
    if len(key) < 3:
        return None
    best = process.extractOne(key, list(aliases), scorer=fuzz.ratio, score_cutoff=FUZZY_HEADER_SCORE)
    return (aliases[best[0]], best[0], best[1]) if best else None


def numbers_of(values: pd.Series) -> pd.Series:
    """Values as floats (decimal commas allowed), NaN for what is not a number."""
    text = values.dropna().astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def looks_like(values: pd.Series) -> str:
    """What a column's values look like: "house numbers", "postcodes" or "" (mostly anything else)."""
    text = values.dropna().astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return ""
    if text.str.match(_POSTCODE).mean() >= CONTENT_SHARE:
        return "postcodes"
    if text.str.match(_HOUSENUMBER).mean() >= CONTENT_SHARE:
        return "house numbers"
    return ""


def coordinate_pair(frame: pd.DataFrame, candidates: list[str]) -> tuple[str, str, str] | None:
    """The first two `candidates` columns whose values fall over Brussels in one CRS: (x/lon, y/lat, crs)."""
    fits: dict[str, list[tuple[str, str]]] = {}
    for header in candidates:
        numbers = numbers_of(frame[header])
        if numbers.empty or numbers.notna().mean() < CONTENT_SHARE:
            continue
        for crs, (x0, x1, y0, y1) in BRUSSELS_BOXES.items():
            for axis, low, high in (("x", x0, x1), ("y", y0, y1)):
                if numbers.between(low, high).mean() >= CONTENT_SHARE:
                    fits.setdefault(crs, []).append((axis, header))
    for crs, axes in fits.items():
        xs = [h for a, h in axes if a == "x"]
        ys = [h for a, h in axes if a == "y"]
        for x in xs:
            other = [y for y in ys if y != x]
            if other:
                return x, other[0], crs
    return None


def map_headers(headers: list[str], column_map: dict[str, str] | None = None) -> dict[str, str]:
    """Source header -> canonical name for the headers we recognise; `column_map` wins over the aliases."""
    overrides = {fold(k): v for k, v in (column_map or {}).items()}
    mapping: dict[str, str] = {}
    for header in headers:
        key = normalise_header(header)[0]
        target = (column_map or {}).get(header) or overrides.get(fold(header)) or ALIAS_TO_CANONICAL.get(key)
        if target:
            mapping[header] = target
    return mapping


def alias_rank(header: str, column_map: dict[str, str] | None) -> int:
    """Order among headers mapped onto one field: mapped by hand first, then the alias order."""
    if header in (column_map or {}):
        return -2
    return _ALIAS_RANK.get(normalise_header(header)[0], -1)


def account(
    frame: pd.DataFrame, mapping: dict[str, str], column_map: dict[str, str] | None
) -> tuple[dict[str, str], dict[str, str], ColumnReport]:
    """What each column of `frame` becomes: the mapping completed by content, the CRS per coordinate
    field, and the report (with a warning for each ignored column that looks like a known field)."""
    mapping = {h: f for h, f in mapping.items() if not _contradicts(frame[h], f, h in (column_map or {}))}
    fields = set(mapping.values())
    how = {h: "--map" if h in (column_map or {}) else "header" for h in mapping}
    crs_columns = [h for h in frame.columns if h not in mapping and normalise_header(h)[0] in CRS_HEADERS]
    hints = {h: normalise_header(h)[1] for h in frame.columns}
    for header in crs_columns:
        named = {crs_of_text(v) for v in frame[header].dropna().unique()} - {""}
        hints[header] = named.pop() if len(named) == 1 else ""
    file_crs = next((hints[h] for h in crs_columns if hints[h]), "")
    if not ({"lon", "lat"} <= fields or {"x", "y"} <= fields):
        rest = [h for h in frame.columns if h not in mapping and h not in crs_columns]
        pair = coordinate_pair(frame, rest)
        if pair:
            x, y, crs = pair
            mapping[x], mapping[y] = ("lon", "lat") if crs == WGS84 else ("x", "y")
            how[x] = how[y] = f"content: values over Brussels in {crs}"
            hints[x] = hints[y] = crs
    crs_by_field: dict[str, str] = {}
    for header, target in mapping.items():
        if target in COORDINATES and (hints[header] or file_crs):
            crs_by_field.setdefault(target, hints[header] or file_crs)
    uses = []
    for header in frame.columns:
        if header in mapping:
            crs = hints[header] or (file_crs if mapping[header] in COORDINATES else "")
            uses.append(ColumnUse(header, mapping[header], crs, how[header]))
        elif header in crs_columns:
            uses.append(
                ColumnUse(header, "", hints[header] or "?", "crs column", "" if hints[header] else "no CRS named")
            )
        else:
            looks, warning = _ignored_warning(frame[header], header, set(mapping.values()))
            uses.append(ColumnUse(header, warning=warning, looks=looks))
    return mapping, crs_by_field, ColumnReport(uses)


def _contradicts(values: pd.Series, target: str, by_hand: bool) -> bool:
    """A short header taken for a number or postcode ("N", "no") whose values are coordinates over Brussels."""
    if by_hand or target not in ("housenumber", "postcode"):
        return False
    numbers = numbers_of(values)
    if numbers.empty or numbers.notna().mean() < CONTENT_SHARE:
        return False
    return any(
        numbers.between(low, high).mean() >= CONTENT_SHARE
        for x0, x1, y0, y1 in BRUSSELS_BOXES.values()
        for low, high in ((x0, x1), (y0, y1))
        if low > 1_000
    )


def _ignored_warning(values: pd.Series, header: str, fields: set[str]) -> tuple[str, str]:
    """The field an ignored column looks like (its header nearly an alias, or its values) and the warning."""
    close = fuzzy_field(normalise_header(header)[0], ALIAS_TO_CANONICAL)
    if close:
        return close[
            0
        ], f"ignored, but its header is close to {close[1]!r} ({close[0]}, score {close[2]:.0f}): use --map"
    kind = looks_like(values)
    if kind == "house numbers" and "housenumber" not in fields:
        return "housenumber", "ignored, but its values look like house numbers: use --map HEADER=housenumber"
    if kind == "postcodes" and "postcode" not in fields:
        return "postcode", "ignored, but its values look like postcodes: use --map HEADER=postcode"
    numbers = numbers_of(values)
    if len(numbers) and numbers.notna().mean() >= CONTENT_SHARE and not fields & set(COORDINATES):
        for crs, (x0, x1, y0, y1) in BRUSSELS_BOXES.items():
            for axis, low, high in (("x", x0, x1), ("y", y0, y1)):
                if numbers.between(low, high).mean() >= CONTENT_SHARE:
                    return axis, f"ignored, but its values look like {crs} coordinates over Brussels (no pair found)"
    return "", ""
