"""Pictures and initiative links as HTML, for the initiative, stories, map and moderation pages.

Every `<img>` has its alt text and its size (no layout shift), loads lazily, and points at the
app's own `/pictures/` route: a page never asks another site for a picture. An imported
`image_url` stays a plain link (see `image_link`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from i18n import t
from ingest import gallery, pictures
from ui import safe

INITIATIVE_PATH = "/initiative"


def initiative_href(record_id: str, lang: str) -> str:
    """The initiative page's address (escaped for an attribute)."""
    return safe.text(f"{INITIATIVE_PATH}?{urlencode({'id': record_id, 'lang': lang})}")


def credit_line(picture: gallery.Picture, lang: str) -> str:
    """ "Picture: Ana · CC BY 4.0", the licence linked to its deed (escaped HTML)."""
    label, deed = pictures.LICENCES.get(picture.licence, (picture.licence, ""))
    licence = f'<a href="{safe.link_attribute(deed)}" rel="license noopener">{safe.text(label)}</a>' if deed else label
    return t("picture.credit_line", lang, credit=safe.text(picture.credit), licence=licence)


def figure(picture: gallery.Picture, lang: str, source: str | None = None) -> str:
    """One picture at display size, with its alt text and its credit and licence below; from its
    public URL, or from `source` (a data: URL, for moderators: a pending picture has no public URL)."""
    return (
        f'<figure class="bim-picture"><img src="{safe.text(source or picture.url)}" alt="{safe.text(picture.alt)}" '
        f'width="{picture.display_width}" height="{picture.display_height}" loading="lazy" '
        f'style="max-width:100%;height:auto">'
        f"<figcaption><small>{credit_line(picture, lang)}</small></figcaption></figure>"
    )


def gallery_html(shown: list[gallery.Picture], lang: str) -> str:
    """The pictures of one initiative, one figure after the other."""
    return '<div class="bim-gallery">' + "".join(figure(p, lang) for p in shown) + "</div>"


def thumbnail(picture: gallery.Picture) -> str:
    """A thumbnail with its alt text, loaded lazily."""
    return (
        f'<img src="{safe.text(picture.thumb_url)}" alt="{safe.text(picture.alt)}" width="{picture.thumb_width}" '
        f'height="{picture.thumb_height}" loading="lazy" style="max-width:100%;height:auto">'
    )


def image_link(url: object, lang: str) -> str:
    """An imported picture address as a link (never an `<img>`: that would ask another site), or ""."""
    href = safe.link_attribute(url)
    label = safe.text(t("initiative.picture_link", lang))
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{label}</a>' if href else ""
