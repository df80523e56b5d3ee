"""Every message of the app in French, Dutch and English: key -> {lang: text}.

Texts may hold `{name}` placeholders filled by `i18n.t`. A test checks that every key has all
three languages and the same placeholders.
"""

from __future__ import annotations

from i18n.contribution import CONTRIBUTION_MESSAGES

MESSAGES: dict[str, dict[str, str]] = {
    # --- app and navigation ---------------------------------------------------------------
    "app.language": {"fr": "Langue", "nl": "Taal", "en": "Language"},
    "app.unavailable": {
        "fr": "Les données ne sont pas disponibles : {error}",
        "nl": "De gegevens zijn niet beschikbaar: {error}",
        "en": "The data is not available: {error}",
    },
    "nav.explore": {"fr": "Explorer", "nl": "Verkennen", "en": "Explore"},
    "nav.data": {"fr": "Données", "nl": "Gegevens", "en": "Data"},
    "page.map": {"fr": "Carte", "nl": "Kaart", "en": "Map"},
    "page.coverage": {"fr": "Couverture", "nl": "Dekking", "en": "Coverage"},
    "page.commune": {"fr": "Fiche communale", "nl": "Gemeentefiche", "en": "Commune report"},
    "page.data": {"fr": "Données et sources", "nl": "Gegevens en bronnen", "en": "Data & sources"},
    # --- map page -----------------------------------------------------------------------------
    "map.title": {
        "fr": "Initiatives citoyennes à Bruxelles",
        "nl": "Burgerinitiatieven in Brussel",
        "en": "Citizen initiatives in Brussels",
    },
    "map.intro": {
        "fr": "Les initiatives publiées dans les 19 communes. Filtrez-les ; le lien de la page garde vos filtres.",
        "nl": "De gepubliceerde initiatieven in de 19 gemeenten. Filter ze; de link van de pagina bewaart uw filters.",
        "en": "The published initiatives in the 19 communes. Filter them; the page's link keeps your filters.",
    },
    "map.filter_categories": {"fr": "Catégories", "nl": "Categorieën", "en": "Categories"},
    "map.filter_communes": {"fr": "Communes", "nl": "Gemeenten", "en": "Communes"},
    "map.filter_all": {"fr": "Toutes", "nl": "Alle", "en": "All"},
    "map.filter_text": {"fr": "Rechercher", "nl": "Zoeken", "en": "Search"},
    "map.filter_text_help": {
        "fr": "Nom, description ou adresse ; les accents sont ignorés.",
        "nl": "Naam, beschrijving of adres; accenten worden genegeerd.",
        "en": "Name, description or address; accents are ignored.",
    },
    "map.count": {
        "fr": "**{shown}** initiatives affichées (sur {total})",
        "nl": "**{shown}** initiatieven getoond (van {total})",
        "en": "**{shown}** initiatives shown (of {total})",
    },
    "map.unplaced": {
        "fr": "{n} initiatives sans coordonnées figurent dans la liste mais pas sur la carte.",
        "nl": "{n} initiatieven zonder coördinaten staan in de lijst maar niet op de kaart.",
        "en": "{n} initiatives without coordinates are in the list but not on the map.",
    },
    "map.frame_title": {
        "fr": "Carte des initiatives et des limites communales",
        "nl": "Kaart van de initiatieven en de gemeentegrenzen",
        "en": "Map of the initiatives and the commune borders",
    },
    "map.cluster_title": {
        "fr": "{n} initiatives : cliquer pour zoomer",
        "nl": "{n} initiatieven: klik om in te zoomen",
        "en": "{n} initiatives: click to zoom in",
    },
    "map.layer_communes": {"fr": "Communes", "nl": "Gemeenten", "en": "Communes"},
    "map.layer_initiatives": {"fr": "Initiatives", "nl": "Initiatieven", "en": "Initiatives"},
    "map.popup_website": {"fr": "Site web", "nl": "Website", "en": "Website"},
    "map.popup_unavailable": {
        "fr": "Détails indisponibles : rechargez la page.",
        "nl": "Details niet beschikbaar: herlaad de pagina.",
        "en": "Details unavailable: reload the page.",
    },
    "map.legend": {"fr": "Légende des catégories", "nl": "Legende van de categorieën", "en": "Category legend"},
    "map.list_title": {"fr": "Liste des initiatives", "nl": "Lijst van de initiatieven", "en": "List of initiatives"},
    "map.list_page": {"fr": "Page (sur {pages})", "nl": "Pagina (van {pages})", "en": "Page (of {pages})"},
    "map.list_showing": {
        "fr": "Initiatives {first} à {last} sur {n}",
        "nl": "Initiatieven {first} tot {last} van {n}",
        "en": "Initiatives {first} to {last} of {n}",
    },
    "map.list_empty": {
        "fr": "Aucune initiative ne correspond à ces filtres.",
        "nl": "Geen enkel initiatief voldoet aan deze filters.",
        "en": "No initiative matches these filters.",
    },
    # --- downloads ------------------------------------------------------------------------------
    "download.title_filtered": {
        "fr": "Télécharger les initiatives affichées",
        "nl": "De getoonde initiatieven downloaden",
        "en": "Download the initiatives shown",
    },
    "download.geojson": {"fr": "GeoJSON", "nl": "GeoJSON", "en": "GeoJSON"},
    "download.csv": {"fr": "CSV", "nl": "CSV", "en": "CSV"},
    "download.gpkg": {"fr": "GeoPackage", "nl": "GeoPackage", "en": "GeoPackage"},
    "download.stats_csv": {
        "fr": "Statistiques par commune (CSV)",
        "nl": "Statistieken per gemeente (CSV)",
        "en": "Statistics per commune (CSV)",
    },
    "download.stats_geojson": {
        "fr": "Statistiques par commune (GeoJSON, polygones)",
        "nl": "Statistieken per gemeente (GeoJSON, polygonen)",
        "en": "Statistics per commune (GeoJSON, polygons)",
    },
    "download.report_figures": {"fr": "Chiffres (CSV)", "nl": "Cijfers (CSV)", "en": "Figures (CSV)"},
    "download.report_categories": {"fr": "Catégories (CSV)", "nl": "Categorieën (CSV)", "en": "Categories (CSV)"},
    "download.report_gaps": {"fr": "Zones non couvertes (CSV)", "nl": "Witte vlekken (CSV)", "en": "Gaps (CSV)"},
    "download.report_across": {
        "fr": "Initiatives voisines (CSV)",
        "nl": "Naburige initiatieven (CSV)",
        "en": "Neighbouring initiatives (CSV)",
    },
    # --- metrics and columns --------------------------------------------------------------------
    "metric.initiatives": {"fr": "Initiatives", "nl": "Initiatieven", "en": "Initiatives"},
    "metric.per_10k_residents": {
        "fr": "Pour 10 000 habitants",
        "nl": "Per 10.000 inwoners",
        "en": "Per 10,000 residents",
    },
    "metric.per_km2": {"fr": "Par km²", "nl": "Per km²", "en": "Per km²"},
    "metric.share_within_500m": {
        "fr": "Habitants à moins de 500 m",
        "nl": "Inwoners binnen 500 m",
        "en": "Residents within 500 m",
    },
    "metric.share_within_1000m": {
        "fr": "Habitants à moins de 1 km",
        "nl": "Inwoners binnen 1 km",
        "en": "Residents within 1 km",
    },
    "column.commune": {"fr": "Commune", "nl": "Gemeente", "en": "Commune"},
    "column.population": {"fr": "Population", "nl": "Bevolking", "en": "Population"},
    "column.area_km2": {"fr": "Superficie (km²)", "nl": "Oppervlakte (km²)", "en": "Area (km²)"},
    "column.category": {"fr": "Catégorie", "nl": "Categorie", "en": "Category"},
    "column.share": {"fr": "Part", "nl": "Aandeel", "en": "Share"},
    "column.regional_share": {"fr": "Part régionale", "nl": "Gewestelijk aandeel", "en": "Regional share"},
    "column.sector": {"fr": "Secteur statistique", "nl": "Statistische sector", "en": "Statistical sector"},
    "column.name": {"fr": "Nom", "nl": "Naam", "en": "Name"},
    "column.residents": {"fr": "Habitants", "nl": "Inwoners", "en": "Residents"},
    "column.nearest_m": {
        "fr": "Initiative la plus proche (m)",
        "nl": "Dichtstbijzijnde initiatief (m)",
        "en": "Nearest initiative (m)",
    },
    "column.distance_m": {"fr": "Distance (m)", "nl": "Afstand (m)", "en": "Distance (m)"},
    "column.source": {"fr": "Source", "nl": "Bron", "en": "Source"},
    "column.licence": {"fr": "Licence", "nl": "Licentie", "en": "Licence"},
    # --- coverage page ----------------------------------------------------------------------------
    "coverage.title": {
        "fr": "Couverture des 19 communes",
        "nl": "Dekking van de 19 gemeenten",
        "en": "Coverage of the 19 communes",
    },
    "coverage.intro": {
        "fr": "Combien d'initiatives, et quelle part des habitants vit près d'au moins l'une d'elles.",
        "nl": "Hoeveel initiatieven, en welk deel van de inwoners woont dicht bij minstens één ervan.",
        "en": "How many initiatives, and what share of residents lives near at least one of them.",
    },
    "coverage.metric": {"fr": "Indicateur", "nl": "Indicator", "en": "Metric"},
    "coverage.categories": {
        "fr": "Catégories prises en compte",
        "nl": "Meegerekende categorieën",
        "en": "Categories counted",
    },
    "coverage.region": {"fr": "Région", "nl": "Gewest", "en": "Region"},
    "coverage.median": {"fr": "Médiane des communes", "nl": "Mediaan van de gemeenten", "en": "Median of the communes"},
    "coverage.map_title": {"fr": "Carte : {metric}", "nl": "Kaart: {metric}", "en": "Map: {metric}"},
    "coverage.chart_title": {"fr": "Par commune", "nl": "Per gemeente", "en": "Per commune"},
    "coverage.table_title": {
        "fr": "Tableau des communes",
        "nl": "Tabel van de gemeenten",
        "en": "Table of the communes",
    },
    "coverage.method_title": {"fr": "Méthode", "nl": "Methode", "en": "Method"},
    "coverage.method": {
        "fr": (
            "- Les initiatives sont comptées dans la commune où elles se trouvent ; pour 10 000 habitants "
            "avec la population communale au 1er janvier {commune_year} (Statbel).\n"
            "- **Habitants à moins de 500 m / 1 km** (à vol d'oiseau, calculé en Lambert belge 72, EPSG:31370) : "
            "la population de chaque secteur statistique ({sector_year}) est supposée répartie uniformément sur "
            "sa surface ; les habitants couverts sont la population multipliée par la part de la surface du "
            "secteur située à moins de 500 m (1 km) d'au moins une initiative, y compris dans une commune "
            "voisine. La part est rapportée à la population des secteurs de la commune.\n"
            "- Pourquoi pas le centroïde des secteurs : un secteur entier basculerait d'un coup entre couvert "
            "et non couvert ; la part de surface varie progressivement et ne dépasse jamais ce que la géométrie "
            "permet. Limite : les habitants sont supposés répartis aussi sur les parcs et les voies ferrées, "
            "ce qui affecte toutes les communes de la même façon.\n"
            "- Région : total des initiatives et des habitants couverts rapporté au total régional ; médiane : "
            "la valeur de la commune du milieu parmi les 19."
        ),
        "nl": (
            "- Initiatieven worden geteld in de gemeente waar ze liggen; per 10.000 inwoners met de "
            "gemeentelijke bevolking op 1 januari {commune_year} (Statbel).\n"
            "- **Inwoners binnen 500 m / 1 km** (in vogelvlucht, berekend in Belgische Lambert 72, EPSG:31370): "
            "de bevolking van elke statistische sector ({sector_year}) wordt gelijkmatig over haar oppervlakte "
            "verdeeld verondersteld; de gedekte inwoners zijn de bevolking maal het deel van de oppervlakte van "
            "de sector dat binnen 500 m (1 km) van minstens één initiatief ligt, ook in een buurgemeente. Het "
            "aandeel is berekend op de bevolking van de sectoren van de gemeente.\n"
            "- Waarom niet het zwaartepunt van de sectoren: een hele sector zou in één keer van gedekt naar "
            "niet gedekt springen; het oppervlakteaandeel verandert geleidelijk en overschrijdt nooit wat de "
            "geometrie toelaat. Beperking: inwoners worden ook over parken en spoorwegen verdeeld verondersteld, "
            "wat alle gemeenten op dezelfde manier treft.\n"
            "- Gewest: totaal van de initiatieven en gedekte inwoners ten opzichte van het gewestelijke totaal; "
            "mediaan: de waarde van de middelste gemeente van de 19."
        ),
        "en": (
            "- Initiatives are counted in the commune they lie in; per 10,000 residents uses the commune "
            "population on 1 January {commune_year} (Statbel).\n"
            "- **Residents within 500 m / 1 km** (straight line, computed in Belgian Lambert 72, EPSG:31370): "
            "each statistical sector's population ({sector_year}) is assumed spread evenly over its area; the "
            "residents covered are the population times the share of the sector's area lying within 500 m "
            "(1 km) of at least one initiative, including one in a neighbouring commune. The share is taken of "
            "the population of the commune's sectors.\n"
            "- Why not sector centroids: a whole sector would flip at once between covered and not covered; the "
            "area share changes smoothly and never exceeds what the geometry allows. Limit: residents are also "
            "assumed to live in parks and on railways, which affects every commune alike.\n"
            "- Region: total initiatives and residents covered over the regional totals; median: the value of "
            "the middle commune of the 19."
        ),
    },
    # --- commune report card ----------------------------------------------------------------------------
    "commune.title": {"fr": "Fiche communale", "nl": "Gemeentefiche", "en": "Commune report card"},
    "commune.choose": {"fr": "Commune", "nl": "Gemeente", "en": "Commune"},
    "commune.figures": {
        "fr": "{commune} face à la médiane régionale",
        "nl": "{commune} tegenover de gewestelijke mediaan",
        "en": "{commune} against the regional median",
    },
    "commune.vs_median": {"fr": "vs médiane", "nl": "t.o.v. mediaan", "en": "vs median"},
    "commune.median_help": {
        "fr": "Médiane des communes : {median} ; Région : {region}",
        "nl": "Mediaan van de gemeenten: {median}; Gewest: {region}",
        "en": "Median of the communes: {median}; Region: {region}",
    },
    "commune.categories_title": {"fr": "Par catégorie", "nl": "Per categorie", "en": "By category"},
    "commune.map_title": {
        "fr": "Carte de {commune} : zones sans initiative et initiatives qui la desservent",
        "nl": "Kaart van {commune}: zones zonder initiatief en initiatieven die haar bedienen",
        "en": "Map of {commune}: areas with no initiative and the initiatives serving it",
    },
    "commune.gaps_title": {
        "fr": "Zones sans initiative à moins de {radius} m",
        "nl": "Zones zonder initiatief binnen {radius} m",
        "en": "Areas with no initiative within {radius} m",
    },
    "commune.gaps_intro": {
        "fr": "{n} secteurs statistiques habités sans aucune initiative à moins de {radius} m : {residents} habitants.",
        "nl": "{n} bewoonde statistische sectoren zonder enig initiatief binnen {radius} m: {residents} inwoners.",
        "en": "{n} populated statistical sectors with no initiative within {radius} m: {residents} residents.",
    },
    "commune.no_gaps": {
        "fr": "Chaque secteur habité a au moins une initiative à moins de {radius} m.",
        "nl": "Elke bewoonde sector heeft minstens één initiatief binnen {radius} m.",
        "en": "Every populated sector has at least one initiative within {radius} m.",
    },
    "commune.across_title": {
        "fr": "Initiatives juste de l'autre côté de la limite (moins de {radius} m)",
        "nl": "Initiatieven net over de grens (minder dan {radius} m)",
        "en": "Initiatives just across the border (within {radius} m)",
    },
    "commune.no_across": {
        "fr": "Aucune initiative publiée juste de l'autre côté de la limite.",
        "nl": "Geen gepubliceerd initiatief net over de grens.",
        "en": "No published initiative just across the border.",
    },
    "commune.outside_region": {"fr": "Hors Région", "nl": "Buiten het Gewest", "en": "Outside the Region"},
    # --- data & sources page -------------------------------------------------------------------------
    "data.title": {"fr": "Données et sources", "nl": "Gegevens en bronnen", "en": "Data & sources"},
    "data.intro": {
        "fr": "Toutes les données publiées, téléchargeables et réutilisables selon leurs licences.",
        "nl": "Alle gepubliceerde gegevens, te downloaden en te hergebruiken volgens hun licenties.",
        "en": "Every published record, downloadable and reusable under its licence.",
    },
    "data.initiatives_title": {
        "fr": "Initiatives publiées ({n})",
        "nl": "Gepubliceerde initiatieven ({n})",
        "en": "Published initiatives ({n})",
    },
    "data.initiatives_note": {
        "fr": "GeoJSON RFC 7946 (WGS84, identifiants stables, licence et attribution incluses) ; "
        "aucune donnée de contact n'est jamais exportée.",
        "nl": "GeoJSON RFC 7946 (WGS84, stabiele id's, licentie en naamsvermelding inbegrepen); "
        "contactgegevens worden nooit geëxporteerd.",
        "en": "GeoJSON RFC 7946 (WGS84, stable ids, licence and attribution included); "
        "contact details are never exported.",
    },
    "data.statistics_title": {
        "fr": "Statistiques par commune",
        "nl": "Statistieken per gemeente",
        "en": "Statistics per commune",
    },
    "data.cli": {
        "fr": "Les mêmes fichiers en ligne de commande : `python -m ingest export` et "
        "`python -m ingest stats --out FICHIER`.",
        "nl": "Dezelfde bestanden via de opdrachtregel: `python -m ingest export` en "
        "`python -m ingest stats --out BESTAND`.",
        "en": "The same files from the command line: `python -m ingest export` and "
        "`python -m ingest stats --out FILE`.",
    },
    "data.attribution_title": {
        "fr": "Sources et attribution",
        "nl": "Bronnen en naamsvermelding",
        "en": "Sources and attribution",
    },
    "data.osm_line": {
        "fr": "Fond de carte : © les contributeurs d'OpenStreetMap (ODbL)",
        "nl": "Achtergrondkaart: © OpenStreetMap-bijdragers (ODbL)",
        "en": "Basemap: © OpenStreetMap contributors (ODbL)",
    },
    "data.years": {
        "fr": "Population communale : {commune_year} ; population par secteur : {sector_year} ; "
        "données construites le {built_at}.",
        "nl": "Gemeentelijke bevolking: {commune_year}; bevolking per sector: {sector_year}; "
        "gegevens opgebouwd op {built_at}.",
        "en": "Commune population: {commune_year}; population by sector: {sector_year}; data built on {built_at}.",
    },
    "data.software_title": {"fr": "Logiciels", "nl": "Software", "en": "Software"},
    "data.software": {
        "fr": "Logiciel libre. La carte utilise Leaflet (licence BSD) et Supercluster (licence ISC), servis par "
        "l'application elle-même : aucune ressource n'est chargée depuis un autre site.",
        "nl": "Open-sourcesoftware. De kaart gebruikt Leaflet (BSD-licentie) en Supercluster (ISC-licentie), geleverd "
        "door de toepassing zelf: er wordt niets van een andere site geladen.",
        "en": "Open-source software. The map uses Leaflet (BSD licence) and Supercluster (ISC licence), served by the "
        "app itself: nothing is loaded from another site.",
    },
    **CONTRIBUTION_MESSAGES,
}
