"""FR/NL/EN messages of the contribute and moderate pages (merged into `i18n.messages.MESSAGES`)."""

from __future__ import annotations

CONTRIBUTION_MESSAGES: dict[str, dict[str, str]] = {
    "nav.contribute": {"fr": "Contribuer", "nl": "Bijdragen", "en": "Contribute"},
    "page.contribute": {"fr": "Proposer une initiative", "nl": "Een initiatief voorstellen", "en": "Add an initiative"},
    "page.moderate": {"fr": "Modération", "nl": "Moderatie", "en": "Moderation"},
    "precision.given": {"fr": "point placé à la main", "nl": "punt met de hand geplaatst", "en": "point set by hand"},
    "precision.address": {"fr": "adresse exacte", "nl": "exact adres", "en": "exact address"},
    "precision.street": {"fr": "rue", "nl": "straat", "en": "street"},
    "precision.postcode": {"fr": "code postal", "nl": "postcode", "en": "postcode"},
    "precision.none": {"fr": "non localisée", "nl": "niet gelokaliseerd", "en": "not located"},
    # --- contribute page ------------------------------------------------------------------
    "contribute.title": {
        "fr": "Proposer une initiative citoyenne",
        "nl": "Een burgerinitiatief voorstellen",
        "en": "Propose a citizen initiative",
    },
    "contribute.intro": {
        "fr": "Vous connaissez une initiative qui manque sur la carte ? Décrivez-la ici. Une personne de l'équipe "
        "la relit avant de la publier.",
        "nl": "Kent u een initiatief dat op de kaart ontbreekt? Beschrijf het hier. Iemand van het team leest het "
        "na voor het gepubliceerd wordt.",
        "en": "Do you know an initiative missing from the map? Describe it here. Someone from the team reads it "
        "before it is published.",
    },
    "contribute.address": {"fr": "Adresse", "nl": "Adres", "en": "Address"},
    "contribute.found": {
        "fr": "Adresse trouvée ({precision}) à {commune}. Cliquez sur la carte pour corriger le point.",
        "nl": "Adres gevonden ({precision}) in {commune}. Klik op de kaart om het punt te verbeteren.",
        "en": "Address found ({precision}) in {commune}. Click the map to correct the point.",
    },
    "contribute.not_found": {
        "fr": "Adresse non trouvée : cliquez sur la carte pour placer l'initiative.",
        "nl": "Adres niet gevonden: klik op de kaart om het initiatief te plaatsen.",
        "en": "Address not found: click the map to place the initiative.",
    },
    "contribute.pin_moved": {
        "fr": "Point placé à la main sur la carte.",
        "nl": "Punt met de hand op de kaart geplaatst.",
        "en": "Point set by hand on the map.",
    },
    "contribute.pin_help": {
        "fr": "Un clic sur la carte place ou déplace le point.",
        "nl": "Een klik op de kaart plaatst of verplaatst het punt.",
        "en": "A click on the map places or moves the point.",
    },
    "contribute.name": {"fr": "Nom de l'initiative", "nl": "Naam van het initiatief", "en": "Name of the initiative"},
    "contribute.category": {"fr": "Catégorie", "nl": "Categorie", "en": "Category"},
    "contribute.description": {"fr": "Description", "nl": "Beschrijving", "en": "Description"},
    "contribute.website": {"fr": "Site web", "nl": "Website", "en": "Website"},
    "contribute.contact": {"fr": "Votre e-mail", "nl": "Uw e-mailadres", "en": "Your e-mail"},
    "contribute.contact_help": {
        "fr": "Privé : seule l'équipe de modération peut l'utiliser pour vous écrire ; il n'est jamais publié.",
        "nl": "Privé: alleen het moderatieteam kan het gebruiken om u te schrijven; het wordt nooit gepubliceerd.",
        "en": "Private: only the moderation team may use it to write to you; it is never published.",
    },
    "contribute.image_url": {
        "fr": "Lien vers une image (facultatif)",
        "nl": "Link naar een afbeelding (optioneel)",
        "en": "Link to a picture (optional)",
    },
    "contribute.story": {"fr": "Votre histoire", "nl": "Uw verhaal", "en": "Your story"},
    "contribute.picture": {"fr": "Photo", "nl": "Foto", "en": "Picture"},
    "contribute.story_help": {
        "fr": "En quelques lignes : qu'est-ce qui vaut la visite ?",
        "nl": "In enkele regels: wat maakt een bezoek de moeite waard?",
        "en": "In a few lines: what makes it worth visiting?",
    },
    "contribute.honeypot": {
        "fr": "Ne pas remplir ce champ",
        "nl": "Dit veld niet invullen",
        "en": "Leave this field empty",
    },
    "contribute.submit": {"fr": "Envoyer", "nl": "Versturen", "en": "Send"},
    "contribute.thanks": {
        "fr": "Merci ! Votre proposition est bien reçue.",
        "nl": "Bedankt! Uw voorstel is goed ontvangen.",
        "en": "Thank you! Your proposal has been received.",
    },
    "contribute.next": {
        "fr": "Et maintenant ? Une personne de l'équipe la relit, vérifie le point sur la carte et la publie, "
        "généralement en quelques jours. Elle apparaîtra alors sur la carte. Si une question se pose, nous vous "
        "écrirons à l'adresse donnée, qui n'est jamais publiée.",
        "nl": "En nu? Iemand van het team leest het na, controleert het punt op de kaart en publiceert het, "
        "meestal binnen enkele dagen. Dan verschijnt het op de kaart. Bij een vraag schrijven we u op het "
        "opgegeven adres, dat nooit wordt gepubliceerd.",
        "en": "What next? Someone from the team reads it, checks the point on the map and publishes it, usually "
        "within a few days. It then appears on the map. If there is a question we write to the address you gave, "
        "which is never published.",
    },
    "contribute.another": {
        "fr": "Proposer une autre initiative",
        "nl": "Nog een initiatief voorstellen",
        "en": "Propose another initiative",
    },
    "contribute.limit": {
        "fr": "Merci pour vos propositions ! Le nombre d'envois par visite est limité ; revenez plus tard.",
        "nl": "Bedankt voor uw voorstellen! Het aantal inzendingen per bezoek is beperkt; kom later terug.",
        "en": "Thank you for your proposals! Submissions per visit are limited; please come back later.",
    },
    "contribute.error_required": {
        "fr": "{field} : ce champ est obligatoire.",
        "nl": "{field}: dit veld is verplicht.",
        "en": "{field}: this field is required.",
    },
    "contribute.error_too_long": {
        "fr": "{field} : au plus {limit} caractères.",
        "nl": "{field}: hoogstens {limit} tekens.",
        "en": "{field}: at most {limit} characters.",
    },
    "contribute.error_not_http": {
        "fr": "{field} : donnez un lien complet qui commence par https:// ou http://.",
        "nl": "{field}: geef een volledige link die begint met https:// of http://.",
        "en": "{field}: give a full link starting with https:// or http://.",
    },
    "contribute.error_not_email": {
        "fr": "{field} : cette adresse e-mail n'est pas valide.",
        "nl": "{field}: dit e-mailadres is niet geldig.",
        "en": "{field}: this e-mail address is not valid.",
    },
    "contribute.error_no_place": {
        "fr": "{field} : donnez une adresse ou cliquez sur la carte.",
        "nl": "{field}: geef een adres of klik op de kaart.",
        "en": "{field}: give an address or click the map.",
    },
    # --- moderation page -----------------------------------------------------------------
    "moderate.title": {"fr": "Modération", "nl": "Moderatie", "en": "Moderation"},
    "moderate.no_password": {
        "fr": "Aucun mot de passe de modération n'est configuré : la page reste fermée. Créez une empreinte avec "
        "la commande ci-dessous, puis donnez-la dans BIM_MODERATOR_PASSWORD_HASH ou dans les secrets Streamlit.",
        "nl": "Er is geen moderatiewachtwoord ingesteld: de pagina blijft dicht. Maak een hash met de opdracht "
        "hieronder en geef die in BIM_MODERATOR_PASSWORD_HASH of in de Streamlit-secrets.",
        "en": "No moderator password is configured: the page stays closed. Make a hash with the command below, "
        "then set it in BIM_MODERATOR_PASSWORD_HASH or in the Streamlit secrets.",
    },
    "moderate.who": {
        "fr": "Votre nom (pour le journal)",
        "nl": "Uw naam (voor het logboek)",
        "en": "Your name (for the log)",
    },
    "moderate.password": {"fr": "Mot de passe", "nl": "Wachtwoord", "en": "Password"},
    "moderate.login": {"fr": "Se connecter", "nl": "Aanmelden", "en": "Log in"},
    "moderate.logout": {"fr": "Se déconnecter", "nl": "Afmelden", "en": "Log out"},
    "moderate.wrong_password": {
        "fr": "Mot de passe incorrect.",
        "nl": "Verkeerd wachtwoord.",
        "en": "Wrong password.",
    },
    "moderate.locked": {
        "fr": "Trop d'essais : connexion bloquée pendant encore {minutes} min.",
        "nl": "Te veel pogingen: aanmelden geblokkeerd voor nog {minutes} min.",
        "en": "Too many attempts: logging in is blocked for {minutes} more min.",
    },
    "moderate.logged_in": {"fr": "Connecté : {who}", "nl": "Aangemeld: {who}", "en": "Logged in: {who}"},
    "moderate.queue_tab": {"fr": "À relire", "nl": "Na te lezen", "en": "To review"},
    "moderate.upload_tab": {"fr": "Importer un fichier", "nl": "Een bestand importeren", "en": "Import a file"},
    "moderate.queue_empty": {
        "fr": "Rien à relire pour l'instant.",
        "nl": "Voorlopig niets na te lezen.",
        "en": "Nothing to review for now.",
    },
    "moderate.queue_count": {
        "fr": "{n} initiative(s) en attente.",
        "nl": "{n} initiatief/initiatieven in afwachting.",
        "en": "{n} initiative(s) waiting.",
    },
    "moderate.precision": {"fr": "Précision", "nl": "Precisie", "en": "Precision"},
    "moderate.score": {"fr": "Score", "nl": "Score", "en": "Score"},
    "moderate.duplicates": {
        "fr": "Doublons probables",
        "nl": "Waarschijnlijke dubbels",
        "en": "Likely duplicates",
    },
    "moderate.no_duplicates": {
        "fr": "Aucun doublon probable (nom semblable à moins de 200 m, ou même adresse).",
        "nl": "Geen waarschijnlijke dubbels (gelijkaardige naam binnen 200 m, of hetzelfde adres).",
        "en": "No likely duplicate (similar name within 200 m, or the same address).",
    },
    "moderate.reason": {"fr": "Motif", "nl": "Reden", "en": "Reason"},
    "moderate.rows": {"fr": "Lignes", "nl": "Rijen", "en": "Rows"},
    "moderate.choose": {"fr": "Initiative à relire", "nl": "Na te lezen initiatief", "en": "Initiative to review"},
    "moderate.approve": {"fr": "Publier", "nl": "Publiceren", "en": "Approve"},
    "moderate.reject": {"fr": "Refuser", "nl": "Weigeren", "en": "Reject"},
    "moderate.reject_reason": {"fr": "Motif du refus", "nl": "Reden van weigering", "en": "Reason for rejecting"},
    "moderate.reason_required": {
        "fr": "Donnez un motif pour refuser.",
        "nl": "Geef een reden om te weigeren.",
        "en": "Give a reason to reject.",
    },
    "moderate.duplicate_of": {"fr": "Doublon de", "nl": "Dubbel van", "en": "Duplicate of"},
    "moderate.duplicate_id": {
        "fr": "ou identifiant d'une autre fiche",
        "nl": "of id van een ander record",
        "en": "or the id of another record",
    },
    "moderate.mark_duplicate": {"fr": "Marquer comme doublon", "nl": "Als dubbel markeren", "en": "Mark duplicate"},
    "moderate.duplicate_unknown": {
        "fr": "Choisissez une autre fiche existante.",
        "nl": "Kies een ander bestaand record.",
        "en": "Choose another existing record.",
    },
    "moderate.edit": {"fr": "Modifier les champs", "nl": "Velden bewerken", "en": "Edit fields"},
    "moderate.save": {"fr": "Enregistrer", "nl": "Opslaan", "en": "Save"},
    "moderate.field_name": {"fr": "Nom", "nl": "Naam", "en": "Name"},
    "moderate.field_category": {"fr": "Catégorie", "nl": "Categorie", "en": "Category"},
    "moderate.field_description": {"fr": "Description", "nl": "Beschrijving", "en": "Description"},
    "moderate.field_address": {"fr": "Adresse", "nl": "Adres", "en": "Address"},
    "moderate.field_street": {"fr": "Rue", "nl": "Straat", "en": "Street"},
    "moderate.field_housenumber": {"fr": "Numéro", "nl": "Huisnummer", "en": "House number"},
    "moderate.field_postcode": {"fr": "Code postal", "nl": "Postcode", "en": "Postcode"},
    "moderate.field_locality": {"fr": "Localité", "nl": "Plaats", "en": "Locality"},
    "moderate.field_website": {"fr": "Site web", "nl": "Website", "en": "Website"},
    "moderate.field_image_url": {"fr": "Lien d'image", "nl": "Afbeeldingslink", "en": "Image link"},
    "moderate.field_story": {"fr": "Histoire", "nl": "Verhaal", "en": "Story"},
    "moderate.move_help": {
        "fr": "Un clic sur la carte déplace le point (commune, quartier et secteur sont recalculés).",
        "nl": "Een klik op de kaart verplaatst het punt (gemeente, wijk en sector worden herberekend).",
        "en": "A click on the map moves the point (commune, quartier and sector are recomputed).",
    },
    "moderate.audit": {"fr": "Journal des actions", "nl": "Logboek van de acties", "en": "Audit log"},
    "moderate.approved": {"fr": "Publiée : {name}", "nl": "Gepubliceerd: {name}", "en": "Approved: {name}"},
    "moderate.rejected": {"fr": "Refusée : {name}", "nl": "Geweigerd: {name}", "en": "Rejected: {name}"},
    "moderate.marked_duplicate": {
        "fr": "Marquée comme doublon : {name}",
        "nl": "Als dubbel gemarkeerd: {name}",
        "en": "Marked duplicate: {name}",
    },
    "moderate.saved": {"fr": "Enregistrée : {name}", "nl": "Opgeslagen: {name}", "en": "Saved: {name}"},
    "moderate.moved": {"fr": "Point déplacé : {name}", "nl": "Punt verplaatst: {name}", "en": "Point moved: {name}"},
    "moderate.upload_intro": {
        "fr": "Un fichier CSV, XLSX ou GeoJSON passe par le même import que `python -m ingest import`. Ses lignes "
        "arrivent dans la file « À relire » : rien n'est publié sans votre accord.",
        "nl": "Een CSV-, XLSX- of GeoJSON-bestand doorloopt dezelfde import als `python -m ingest import`. De rijen "
        "komen in de lijst 'Na te lezen': niets wordt gepubliceerd zonder uw akkoord.",
        "en": "A CSV, XLSX or GeoJSON file goes through the same import as `python -m ingest import`. Its rows land "
        "in the 'To review' queue: nothing is published without your approval.",
    },
    "moderate.upload": {"fr": "Fichier d'initiatives", "nl": "Bestand met initiatieven", "en": "Initiatives file"},
    "moderate.import": {"fr": "Importer", "nl": "Importeren", "en": "Import"},
    "moderate.stage": {"fr": "Étape : {stage}", "nl": "Stap: {stage}", "en": "Stage: {stage}"},
    "moderate.report_title": {
        "fr": "Rapport d'import de {file} : {n} lignes",
        "nl": "Importrapport van {file}: {n} rijen",
        "en": "Import report of {file}: {n} rows",
    },
    "moderate.count_new": {"fr": "Nouvelles", "nl": "Nieuw", "en": "New"},
    "moderate.count_updated": {"fr": "Mises à jour", "nl": "Bijgewerkt", "en": "Updated"},
    "moderate.count_needs_review": {"fr": "À relire", "nl": "Na te lezen", "en": "Needs review"},
    "moderate.count_rejected": {"fr": "Refusées", "nl": "Geweigerd", "en": "Rejected"},
    "moderate.count_duplicates": {"fr": "Doublons", "nl": "Dubbels", "en": "Duplicates"},
    "moderate.report_download": {
        "fr": "Télécharger le rapport (CSV)",
        "nl": "Rapport downloaden (CSV)",
        "en": "Download the report (CSV)",
    },
}
