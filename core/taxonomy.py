"""The category taxonomy: keys, FR/NL/EN labels, map colours, and the words that name each one.

Free-text categories from files and forms map onto a key through `match_category` (exact words,
then fuzzily, with the score) or `category_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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

# The words that name each category, as people write them in files (accents and case do not
# matter, see `core.text.fold`): FR, NL and EN, singular and plural, masculine and feminine, and
# the OpenStreetMap tags it covers (a tag "amenity=library" is recognised as "library" and as
# "amenity=library"). A category's key and its three labels are recognised too. When a word would
# fit two categories, the first category listed here wins.
CATEGORY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "community": {
        "fr": ("maison de quartier", "maisons de quartier", "centre communautaire", "centres communautaires",
               "vie de quartier", "cohésion sociale", "comité de quartier", "comités de quartier",
               "salle polyvalente", "salles polyvalentes", "salle communautaire", "salles communautaires",
               "centre social", "centres sociaux", "lieu de rencontre", "lieux de rencontre", "association",
               "associations", "asbl", "voisin", "voisins", "voisine", "voisines", "voisinage"),
        "nl": ("buurthuis", "buurthuizen", "gemeenschapscentrum", "gemeenschapscentra", "buurtcentrum",
               "buurtcentra", "wijkhuis", "wijkhuizen", "wijkcentrum", "wijkcentra", "buurtwerk", "buurtleven",
               "sociale cohesie", "wijkcomité", "wijkcomités", "ontmoetingsplaats", "ontmoetingsplaatsen",
               "ontmoetingscentrum", "ontmoetingscentra", "vereniging", "verenigingen", "buurtvereniging",
               "buurtverenigingen", "vzw"),
        "en": ("community", "community centre", "community centres", "community center", "community centers",
               "community hall", "community halls", "social centre", "social centres", "neighbourhood",
               "neighborhood", "social cohesion", "meeting place", "meeting places", "meeting room", "ngo", "ngos",
               "international centre"),
        "osm": ("amenity=community_centre", "amenity=social_centre", "amenity=events_venue", "events_centre",
                "community_centre=community_hall", "amenity=parish_hall", "club=home", "club_house",
                "office=association", "office=ngo"),
    },
    "culture": {
        "fr": ("culture", "culturel", "culturelle", "culturels", "culturelles", "centre culturel",
               "centres culturels", "théâtre", "théâtres", "musée", "musées", "art", "arts", "musique", "danse",
               "cinéma", "cinémas", "patrimoine", "galerie", "galeries", "artiste", "artistes"),
        "nl": ("cultuur", "cultureel", "culturele", "cultureel centrum", "culturele centra", "kunstencentrum",
               "kunstencentra", "kunstcentrum", "theater", "theaters", "museum", "musea", "kunst", "kunsten",
               "muziek", "dans", "erfgoed", "bioscoop", "bioscopen", "kunstenaar", "kunstenaars", "kunstenares"),
        "en": ("arts centre", "arts centres", "arts center", "cultural centre", "cultural centres", "cultural center",
               "theatre", "theatres", "museums", "music", "dance", "cinemas", "heritage", "gallery", "galleries",
               "artist", "artists"),
        "osm": ("amenity=arts_centre", "amenity=theatre", "amenity=cinema", "tourism=museum", "tourism=gallery",
                "amenity=music_venue", "club=freemasonry", "freemasonry"),
    },
    "education": {
        "fr": ("éducation", "enseignement", "école", "écoles", "formation", "formations", "jeunesse", "jeune",
               "jeunes", "maison de jeunes", "maison des jeunes", "maisons de jeunes", "école de devoirs",
               "écoles de devoirs", "alphabétisation", "scout", "scouts", "guide", "guides", "crèche", "crèches",
               "animateur", "animatrice", "animateurs", "animatrices"),
        "nl": ("onderwijs", "educatie", "school", "scholen", "opleiding", "opleidingen", "vorming", "jeugd",
               "jongeren", "jeugdhuis", "jeugdhuizen", "jeugdbeweging", "jeugdbewegingen", "huiswerkbegeleiding",
               "huiswerkklas", "alfabetisering", "chiro", "kinderopvang"),
        "en": ("education", "schools", "training", "youth", "youth centre", "youth centres", "youth center",
               "homework club", "literacy", "childcare", "language centre"),
        "osm": ("amenity=school", "amenity=kindergarten", "amenity=childcare", "amenity=language_school",
                "amenity=youth_centre", "amenity=college", "club=scout"),
    },
    "library": {
        "fr": ("bibliothèque", "bibliothèques", "ludothèque", "ludothèques", "médiathèque", "médiathèques",
               "lecture", "boîte à livres", "boîtes à livres", "livre", "livres"),
        "nl": ("bibliotheek", "bibliotheken", "ludotheek", "ludotheken", "mediatheek", "mediatheken", "lezen",
               "boekenkast", "boekenkasten", "ruilboekenkast", "boek", "boeken"),
        "en": ("library", "libraries", "toy library", "book exchange", "reading", "books"),
        "osm": ("amenity=library", "amenity=public_bookcase", "amenity=toy_library"),
    },
    "environment": {
        "fr": ("environnement", "climat", "nature", "biodiversité", "énergie", "déchets", "zéro déchet", "compost",
               "compostage", "transition", "écologie", "écologique", "écologiques"),
        "nl": ("milieu", "klimaat", "natuur", "biodiversiteit", "energie", "afval", "transitie", "ecologie",
               "ecologisch", "ecologische", "duurzaam", "duurzame", "duurzaamheid"),
        "en": ("environment", "environment centre", "climate", "biodiversity", "energy", "waste", "zero waste",
               "composting", "ecology", "sustainability"),
        "osm": ("leisure=nature_reserve", "amenity=environment_centre"),
    },
    "food": {
        "fr": ("alimentation", "potager", "potagers", "potager collectif", "potagers collectifs", "jardin partagé",
               "jardins partagés", "jardin collectif", "jardins collectifs", "agriculture urbaine", "jardin",
               "jardins", "cuisine", "cuisines", "restaurant social", "restaurants sociaux", "épicerie sociale",
               "épiceries sociales", "gasap"),
        "nl": ("voeding", "moestuin", "moestuinen", "samentuin", "samentuinen", "volkstuin", "volkstuinen",
               "stadslandbouw", "tuin", "tuinen", "keuken", "keukens", "voedselteam", "sociale kruidenier"),
        "en": ("food", "community garden", "community gardens", "urban agriculture", "garden", "gardens", "kitchen",
               "allotment", "allotments"),
        "osm": ("garden:type=community", "landuse=allotments", "leisure=garden"),
    },
    "repair": {
        "fr": ("réparation", "réparations", "repair café", "économie circulaire", "recyclage", "réemploi",
               "ressourcerie", "ressourceries", "donnerie", "donneries", "atelier de réparation"),
        "nl": ("herstel", "herstelling", "herstelcafé", "repaircafé", "circulaire economie", "recycling",
               "hergebruik", "kringloop", "kringloopwinkel", "kringloopwinkels", "weggeefwinkel", "weggeefwinkels"),
        "en": ("repair", "repairs", "repair cafe", "repair cafes", "circular economy", "reuse", "fablab", "fablabs",
               "makerspace", "repair shop", "givebox"),
        "osm": ("amenity=give_box", "leisure=hackerspace", "shop=second_hand"),
    },
    "mobility": {
        "fr": ("mobilité", "vélo", "vélos", "atelier vélo", "ateliers vélo", "covoiturage", "piéton", "piétons",
               "piétonne", "cycliste", "cyclistes", "voiture partagée"),
        "nl": ("mobiliteit", "fiets", "fietsen", "fietsatelier", "fietsherstel", "fietspunt", "autodelen",
               "voetganger", "voetgangers", "fietser", "fietsers"),
        "en": ("mobility", "bicycle", "bicycles", "bike", "bikes", "cycling", "car sharing", "pedestrian",
               "pedestrians"),
        "osm": ("amenity=bicycle_repair_station", "shop=bicycle", "amenity=bicycle_rental", "amenity=car_sharing"),
    },
    "health": {
        "fr": ("santé", "soins", "maison médicale", "maisons médicales", "santé mentale", "planning familial",
               "senior", "seniors", "aîné", "aînés", "aînée", "aînées", "handicap", "personnes handicapées",
               "médecin", "médecins", "infirmier", "infirmière"),
        "nl": ("gezondheid", "zorg", "wijkgezondheidscentrum", "wijkgezondheidscentra", "geestelijke gezondheid",
               "gezinsplanning", "senioren", "ouderen", "beperking", "dokter", "huisarts", "huisartsen"),
        "en": ("health", "care", "healthcare", "clinic", "clinics", "doctor", "doctors", "mental health",
               "family centre", "family planning", "elderly", "disability"),
        "osm": ("amenity=clinic", "amenity=doctors", "healthcare=centre"),
    },
    "solidarity": {
        "fr": ("solidarité", "solidaire", "solidaires", "logement", "logements", "sans abri", "aide sociale",
               "entraide", "précarité", "pauvreté", "banque alimentaire", "banques alimentaires", "restos du coeur",
               "réfugié", "réfugiés", "réfugiée", "réfugiées", "migrant", "migrants", "migrante", "migrantes",
               "hébergement", "service social", "services sociaux", "social"),
        "nl": ("solidariteit", "huisvesting", "daklozen", "dakloos", "maatschappelijk werk", "armoede",
               "voedselbank", "voedselbanken", "vluchteling", "vluchtelingen", "migranten", "opvang",
               "sociale voorziening", "sociale voorzieningen", "sociale dienst", "sociaal", "welzijn"),
        "en": ("solidarity", "housing", "homeless", "social facility", "social facilities", "social services",
               "social work", "poverty", "food bank", "food banks", "soup kitchen", "soup kitchens", "shelter",
               "shelters", "refugee", "refugees"),
        "osm": ("amenity=social_facility", "amenity=food_bank", "amenity=shelter", "social_facility=soup_kitchen",
                "amenity=soup_kitchen"),
    },
    "participation": {
        "fr": ("participation", "participation citoyenne", "citoyen", "citoyenne", "citoyens", "citoyennes",
               "contrat de quartier", "contrats de quartier", "budget participatif", "démocratie",
               "conseil consultatif", "conseils consultatifs", "conseil de quartier"),
        "nl": ("burgerparticipatie", "participatie", "burger", "burgers", "wijkcontract", "wijkcontracten",
               "burgerbudget", "democratie", "inspraak", "adviesraad", "adviesraden", "wijkraad"),
        "en": ("citizen participation", "citizen", "citizens", "neighbourhood contract", "participatory budget",
               "democracy", "advisory council"),
        "osm": ("office=political_party",),
    },
    "public_services": {
        "fr": ("service public", "services publics", "maison communale", "hôtel de ville", "administration",
               "administration communale", "cpas", "police", "bureau de poste"),
        "nl": ("openbare dienst", "openbare diensten", "gemeentehuis", "stadhuis", "gemeentebestuur", "administratie",
               "ocmw", "politie", "postkantoor"),
        "en": ("public service", "public services", "town hall", "townhall", "city hall", "post office"),
        "osm": ("amenity=townhall", "amenity=police", "amenity=post_office", "office=government"),
    },
    "sport": {
        "fr": ("sport", "sports", "club sportif", "clubs sportifs", "sportif", "sportive", "sportifs", "sportives",
               "loisir", "loisirs", "salle de sport", "salles de sport", "football", "jeux"),
        "nl": ("sportclub", "sportclubs", "sportvereniging", "sportverenigingen", "vrije tijd", "fitness", "voetbal",
               "spel", "spelen", "sportzaal", "sporthal"),
        "en": ("sport club", "sports club", "sports clubs", "leisure", "games", "gym"),
        "osm": ("leisure=sports_centre", "leisure=pitch", "leisure=fitness_centre", "leisure=playground",
                "club=sport"),
    },
    "other": {
        "fr": ("autre", "autres", "divers", "diverse", "diverses"),
        "nl": ("andere", "overige", "diversen"),
        "en": ("other", "misc", "miscellaneous"),
        "osm": (),
    },
}  # fmt: skip
FUZZY_MIN_SCORE = 88  # rapidfuzz ratio from which a misspelt or unknown inflection is read as a word
FUZZY_MIN_CHARS = 5  # shorter words are too easily close to another


@dataclass(frozen=True)
class CategoryMatch:
    """How a free-text category was read: its key, whether recognised, the word and the score (100: exact)."""

    key: str
    recognised: bool
    word: str = ""
    score: float = 0.0


def _words(key: str) -> list[str]:
    """Every spelling of category `key`: key, labels, FR/NL/EN words, OSM tags and their values."""
    category = CATEGORIES[key]
    words = [key.replace("_", " "), category.fr, category.nl, category.en]
    for language in ("fr", "nl", "en"):
        words += CATEGORY_WORDS[key][language]
    for tag in CATEGORY_WORDS[key]["osm"]:
        words += [tag, tag.partition("=")[2] or tag]
    return words


def _synonym_index() -> dict[str, str]:
    """Folded word -> key; the first category that lists a word keeps it."""
    index: dict[str, str] = {}
    for key in CATEGORY_WORDS:
        for word in _words(key):
            index.setdefault(fold(word), key)
    return index


_SYNONYM_TO_KEY = _synonym_index()
_PHRASES = sorted(_SYNONYM_TO_KEY, key=len, reverse=True)
_VOCABULARY = [w for w in _SYNONYM_TO_KEY if len(w) >= FUZZY_MIN_CHARS]


def match_category(text: str | None) -> CategoryMatch:
    """How a free-text category maps onto the taxonomy ("other", not recognised, when nothing fits).

    An exact word wins, for the whole text or else for its first part that has one (parts are
    separated by ; / |, as in "bar; ngo"); else the longest word found as whole words in the text
    ("Repair Café de Saint-Gilles" -> repair); else the closest word (rapidfuzz ratio at least
    FUZZY_MIN_SCORE) to the text, one of its parts or one of its words ("Kunstcentra" -> culture,
    score 92). Only the last is not exact: its `score` is below 100.
    """
    plain = fold(text) if text else ""
    if not plain:
        return CategoryMatch("other", False)
    parts = [fold(part) for part in re.split(r"[;/|]", text or "")]
    for candidate in (plain, *parts):
        if candidate in _SYNONYM_TO_KEY:
            return CategoryMatch(_SYNONYM_TO_KEY[candidate], True, candidate, 100.0)
    padded = f" {plain} "
    for phrase in _PHRASES:
        if f" {phrase} " in padded:
            return CategoryMatch(_SYNONYM_TO_KEY[phrase], True, phrase, 100.0)
    pieces = dict.fromkeys([plain, *parts, *plain.split()])
    best = None
    for piece in (p for p in pieces if len(p) >= FUZZY_MIN_CHARS):
        found = process.extractOne(piece, _VOCABULARY, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if found and (best is None or found[1] > best[1]):
            best = found
    if best is None:
        return CategoryMatch("other", False)
    return CategoryMatch(_SYNONYM_TO_KEY[best[0]], True, best[0], round(best[1], 1))


def category_of(text: str | None) -> tuple[str, bool]:
    """The taxonomy key for a free-text category and whether it was recognised (see `match_category`)."""
    found = match_category(text)
    return found.key, found.recognised
