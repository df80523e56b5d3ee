"""The category taxonomy: keys, FR/NL/EN labels, map colours, and the words that name each one.

Free-text categories from files and forms map onto a key through `category_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.text import fold


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
        Category("sport", "Sport et loisirs", "Sport en vrije tijd", "Sport and leisure", "#98df8a"),
        Category("other", "Autre", "Andere", "Other", "#aaaaaa"),
    )
}  # fmt: skip

# Free text (FR/NL/EN, folded by `core.text.fold`) and OSM tag values -> category key.
# A category's key and its three labels are recognised too.
CATEGORY_SYNONYMS: dict[str, tuple[str, ...]] = {
    "community": (
        "community centre", "community center", "community hall", "social centre", "events venue", "events centre",
        "meeting room", "parish hall", "club home", "club house", "international centre", "association", "ngo",
        "maison de quartier", "maisons de quartier", "centre communautaire", "vie de quartier", "cohesion sociale",
        "comite de quartier", "salle polyvalente", "salle communautaire", "buurthuis", "buurthuizen",
        "gemeenschapscentrum", "gemeenschapscentra", "buurtcentrum", "buurtwerk", "buurtleven", "sociale cohesie",
        "wijkcomite", "ontmoetingsplaats", "ontmoetingscentrum", "neighbourhood", "social cohesion", "asbl", "vzw",
        "community",
    ),
    "culture": (
        "arts centre", "arts center", "cultural centre", "cultural center", "theatre", "theater", "museum", "musee",
        "centre culturel", "cultureel centrum", "art", "arts", "kunst", "music", "musique", "muziek", "cinema",
        "dance", "danse", "dans", "patrimoine", "erfgoed", "heritage", "freemasonry", "culturel", "cultureel",
    ),
    "education": (
        "youth centre", "youth center", "language centre", "scout", "scouts", "school", "ecole",
        "enseignement", "onderwijs", "formation", "opleiding", "training", "jeunesse", "jeugd", "youth",
        "jeugdhuis", "maison de jeunes", "maison des jeunes", "ecole de devoirs", "huiswerkbegeleiding",
        "alphabetisation", "alfabetisering", "guides", "chiro", "education", "educatie",
    ),
    "library": ("library", "bibliotheque", "bibliotheek", "ludotheque", "ludotheek", "mediatheque", "lecture",
                "boekenkast", "book exchange", "boite a livres", "reading"),
    "environment": (
        "environment centre", "environnement", "milieu", "environment", "climat", "klimaat", "climate",
        "nature", "natuur", "biodiversite", "biodiversiteit", "biodiversity", "energie", "energy", "dechets",
        "afval", "waste", "zero waste", "compost", "compostage", "transition", "transitie",
    ),
    "food": (
        "food", "alimentation", "voeding", "potager", "potager collectif", "jardin partage", "jardin collectif",
        "moestuin", "samentuin", "volkstuin", "community garden", "urban agriculture", "agriculture urbaine",
        "stadslandbouw", "garden", "jardin", "tuin", "gasap", "voedselteam", "cuisine", "keuken", "restaurant social",
        "epicerie sociale", "sociale kruidenier",
    ),
    "repair": (
        "repair", "repair cafe", "reparation", "herstel", "herstelcafe", "economie circulaire", "circulaire economie",
        "circular economy", "recyclage", "recycling", "reemploi", "hergebruik", "reuse", "ressourcerie",
        "kringloop", "givebox", "donnerie", "weggeefwinkel", "fablab", "repair shop",
    ),
    "mobility": (
        "mobility", "mobilite", "mobiliteit", "bicycle", "velo", "fiets", "cycling", "fietsherstel", "atelier velo",
        "fietsatelier", "car sharing", "autodelen", "covoiturage", "pedestrian", "pieton", "voetganger",
    ),
    "health": (
        "health", "sante", "gezondheid", "soins", "zorg", "care", "maison medicale", "wijkgezondheidscentrum",
        "clinic", "doctors", "healthcare", "mental health", "sante mentale", "geestelijke gezondheid", "family centre",
        "planning familial", "senior", "seniors", "aines", "ouderen", "handicap", "disability",
    ),
    "solidarity": (
        "social facility", "food bank", "soup kitchen", "shelter", "banque alimentaire", "voedselbank", "solidarite",
        "solidariteit", "solidarity", "logement", "huisvesting", "housing", "sans abri", "daklozen", "homeless",
        "refugies", "vluchtelingen", "refugees", "migrants", "migranten", "aide sociale", "maatschappelijk werk",
        "social", "sociaal", "entraide", "precarite", "armoede", "poverty", "pauvrete", "restos du coeur",
    ),
    "participation": (
        "participation", "participation citoyenne", "burgerparticipatie", "participatie", "citizen participation",
        "citoyen", "citoyenne", "burger", "citizen", "contrat de quartier", "wijkcontract", "budget participatif",
        "burgerbudget", "democratie", "democracy", "inspraak", "conseil consultatif", "adviesraad",
    ),
    "public_services": (
        "public service", "public services", "service public", "openbare dienst", "townhall", "town hall",
        "maison communale", "gemeentehuis", "hotel de ville", "stadhuis", "cpas", "ocmw", "administration",
        "administratie", "police", "politie", "post office",
    ),
    "sport": (
        "sport", "sports", "sport club", "club sportif", "sportclub", "sportvereniging", "loisirs", "vrije tijd",
        "leisure", "fitness", "football", "voetbal", "jeux", "games", "spel",
    ),
    "other": ("other", "autre", "autres", "andere", "divers", "overige", "misc", "miscellaneous"),
}  # fmt: skip


def _synonym_index() -> dict[str, str]:
    """Normalised synonym -> key, including each key and its FR/NL/EN labels."""
    index: dict[str, str] = {}
    for key, words in CATEGORY_SYNONYMS.items():
        category = CATEGORIES[key]
        for word in (key.replace("_", " "), category.fr, category.nl, category.en, *words):
            index.setdefault(fold(word), key)
    return index


_SYNONYM_TO_KEY = _synonym_index()
_PHRASES = sorted(_SYNONYM_TO_KEY, key=len, reverse=True)


def category_of(text: str | None) -> tuple[str, bool]:
    """The taxonomy key for a free-text category, and whether it was recognised ("other" if not).

    An exact synonym wins, for the whole text or else for its first part that has one (parts are
    separated by ; / |, as in "bar; ngo"); else the longest synonym found as whole words in the
    text ("Repair Café de Saint-Gilles" -> repair). Empty text gives ("other", False).
    """
    plain = fold(text) if text else ""
    if not plain:
        return "other", False
    if plain in _SYNONYM_TO_KEY:
        return _SYNONYM_TO_KEY[plain], True
    for part in re.split(r"[;/|]", text or ""):
        key = _SYNONYM_TO_KEY.get(fold(part))
        if key:
            return key, True
    padded = f" {plain} "
    for phrase in _PHRASES:
        if f" {phrase} " in padded:
            return _SYNONYM_TO_KEY[phrase], True
    return "other", False
