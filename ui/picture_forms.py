"""The picture widgets of the contribute and moderate pages: the upload fields, their error
messages, and a moderator's review of one picture. Both pages store through `ingest.gallery`,
the code the CLI uses too."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import streamlit as st

from core.errors import PictureError, SubmissionError
from core.settings import Settings
from i18n import t
from ingest import gallery, pictures
from ingest.store import Store
from ui import contribution
from ui import pictures as ui_pictures


@dataclass(frozen=True)
class Upload:
    """What the picture fields of a form hold when it is sent."""

    data: bytes
    name: str
    caption: pictures.Caption
    rights: bool


def fields(settings: Settings, lang: str, key: str) -> Upload | None:
    """The picture fields (inside a form): file, alt text, credit, licence, the right to share."""
    st.markdown(f"**{t('picture.section', lang)}**")
    limit = f"{settings.picture_max_bytes / 1_000_000:g}"
    # No filter by name: any file reaches ingest.pictures, which tells a picture by its content.
    file = st.file_uploader(t("picture.file", lang, limit=limit), key=f"{key}_file", help=t("picture.file_help", lang))
    alt = st.text_input(t("picture.alt", lang), max_chars=pictures.ALT_CHARS, key=f"{key}_alt")
    credit = st.text_input(t("picture.credit", lang), max_chars=pictures.CREDIT_CHARS, key=f"{key}_credit")
    licence = st.selectbox(
        t("picture.licence", lang),
        list(pictures.LICENCES),
        format_func=lambda spdx: pictures.LICENCES[spdx][0],
        key=f"{key}_licence",
    )
    rights = st.checkbox(t("picture.rights", lang), key=f"{key}_rights")
    if file is None:
        return None
    return Upload(file.getvalue(), file.name, pictures.Caption(alt, credit, licence), rights)


def prepared(upload: Upload, settings: Settings, lang: str) -> pictures.Processed | None:
    """The re-encoded picture, or None after saying (in `lang`) why it is refused."""
    if not upload.rights:
        st.error(t("picture.error_rights", lang))
        return None
    try:
        return gallery.prepare(upload.data, upload.name, upload.caption, settings)
    except PictureError as exc:
        limit = f"{settings.picture_max_bytes / 1_000_000:g}"
        st.error(t(f"picture.error_{exc.code}", lang, file=contribution.markdown_text(upload.name), limit=limit))
    except SubmissionError as exc:
        for field, code in exc.problems.items():
            if code == "licence":
                st.error(t("picture.error_licence", lang))
                continue
            label = t(f"picture.{field.removeprefix('picture_')}", lang)
            chars = {"picture_alt": pictures.ALT_CHARS, "picture_credit": pictures.CREDIT_CHARS}.get(field, "")
            st.error(t(f"contribute.error_{code}", lang, field=label, limit=chars))
    return None


def review(store: Store, picture: gallery.Picture, moderator: str, lang: str, key: str) -> str | None:
    """One picture as a moderator sees it (whatever its status), with publish and reject buttons
    (keys start with `key`); the new status when one was pressed."""
    content = gallery.moderator_file(store, picture.display_digest)
    if content is not None:  # inline: the public route does not serve a pending picture
        source = f"data:{pictures.MEDIA_TYPE};base64,{base64.b64encode(content).decode('ascii')}"
        st.html(ui_pictures.figure(picture, lang, source))
    st.caption(t("moderate.picture_status", lang, status=picture.status))
    publish, reject = st.columns(2)
    if picture.status != "published" and publish.button(
        t("moderate.picture_approve", lang), key=f"{key}_publish_{picture.id}"
    ):
        gallery.set_status(store, picture.id, "published", moderator)
        return "published"
    if picture.status != "rejected" and reject.button(
        t("moderate.picture_reject", lang), key=f"{key}_reject_{picture.id}"
    ):
        gallery.set_status(store, picture.id, "rejected", moderator)
        return "rejected"
    return None
