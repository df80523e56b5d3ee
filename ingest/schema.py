"""The initiative record: its fields, category taxonomy (FR/NL/EN), statuses and precisions.

Every part of the project (readers, store, export, app) uses these names; a record travels as
one row of a DataFrame with `RECORD_COLUMNS`.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORD_COLUMNS: tuple[str, ...] = (
    "id",  # stable identifier (see ingest.store): the same source row keeps the same id
    "name",
    "name_fr",
    "name_nl",
    "name_en",
    "description",
    "category",  # a key of CATEGORIES
    "street",
    "housenumber",
    "postcode",
    "locality",
    "lon",  # WGS84 degrees, NaN when not placed
    "lat",
    "nis_code",  # commune (NIS code), from geo.join; missing outside the region
    "quartier_code",
    "sector_code",
    "geocode_source",  # where lon/lat came from: "file", "offline", "nominatim", "form", ...
    "geocode_precision",  # one of PRECISIONS
    "geocode_score",  # 0..100
    "website",  # http(s) only
    "contact",  # private: never published, exported or shown
    "status",  # one of STATUSES
    "status_reason",
    "source_name",
    "source_row",  # 1-based row (or feature) number in the source file
    "source_key",  # the source's own id when it has one, else derived (see ingest.store)
    "licence",
    "created_at",  # ISO 8601 UTC
    "updated_at",
)
PRIVATE_COLUMNS: tuple[str, ...] = ("contact",)
PUBLIC_COLUMNS: tuple[str, ...] = tuple(c for c in RECORD_COLUMNS if c not in PRIVATE_COLUMNS)

STATUSES: tuple[str, ...] = ("published", "pending", "rejected", "duplicate")
PRECISIONS: tuple[str, ...] = ("given", "address", "street", "postcode", "none")


@dataclass(frozen=True)
class Category:
    """One category of the taxonomy, with its labels in the three UI languages and a map colour."""

    key: str
    fr: str
    nl: str
    en: str
    colour: str

    def label(self, lang: str) -> str:
        return {"fr": self.fr, "nl": self.nl, "en": self.en}.get(lang, self.fr)


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("community", "Vie de quartier et cohésion sociale", "Buurtleven en sociale cohesie",
                 "Community and social cohesion", "#1f77b4"),
        Category("culture", "Culture", "Cultuur", "Culture", "#9467bd"),
        Category("education", "Éducation et jeunesse", "Onderwijs en jeugd", "Education and youth", "#ff7f0e"),
        Category("library", "Bibliothèques et lecture", "Bibliotheken en lezen", "Libraries and reading", "#8c564b"),
        Category("environment", "Environnement et climat", "Milieu en klimaat", "Environment and climate",
                 "#2ca02c"),
        Category("food", "Alimentation et agriculture urbaine", "Voeding en stadslandbouw",
                 "Food and urban agriculture", "#bcbd22"),
        Category("repair", "Réparation et économie circulaire", "Herstel en circulaire economie",
                 "Repair and circular economy", "#17becf"),
        Category("mobility", "Mobilité", "Mobiliteit", "Mobility", "#7f7f7f"),
        Category("health", "Santé et soins", "Gezondheid en zorg", "Health and care", "#d62728"),
        Category("solidarity", "Solidarité et logement", "Solidariteit en huisvesting", "Solidarity and housing",
                 "#e377c2"),
        Category("participation", "Participation citoyenne", "Burgerparticipatie", "Citizen participation",
                 "#393b79"),
        Category("public_services", "Services publics", "Openbare diensten", "Public services", "#637939"),
        Category("other", "Autre", "Andere", "Other", "#aaaaaa"),
    )
}  # fmt: skip
