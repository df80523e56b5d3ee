"""The texts of the mail ingest.mail sends, in the reader's language (keys `mail.<kind>.subject|body`)."""

from __future__ import annotations

from collections.abc import Mapping

from i18n import t
from ingest.mail import Compose


def composer(lang: str) -> Compose:
    """A `Compose` writing in `lang`: the moderation outcome and its reason put in words."""

    def compose(kind: str, values: Mapping[str, str]) -> tuple[str, str]:
        filled = dict(values)
        if kind == "moderation_outcome":
            filled["outcome"] = t(f"mail.outcome.{filled['outcome']}", lang)
            reason = filled.get("reason", "")
            filled["reason"] = t("mail.reason", lang, reason=reason) if reason else ""
        return t(f"mail.{kind}.subject", lang, **filled), t(f"mail.{kind}.body", lang, **filled)

    return compose
