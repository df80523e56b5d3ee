"""The initiative page's opening hours: the status now and the coming week as a table, or the source's
text as given when it is not in the OSM syntax. Every text is escaped (comments come from the source)."""

from __future__ import annotations

from datetime import datetime

from i18n import t
from i18n.hours import week
from ui import safe


def hours_html(expression: str, lang: str, moment: datetime) -> str:
    """HTML for `expression` at `moment` (timezone-aware) in `lang`."""
    shown = week(expression, lang, moment)
    if shown is None:
        return f"<p>{safe.text(t('initiative.hours_as_given', lang, text=expression))}</p>"
    rows = "".join(
        f'<tr><th scope="row">{safe.text(day.label)}</th><td>{safe.text(day.hours)}</td></tr>' for day in shown.days
    )
    caption = safe.text(t("initiative.hours_caption", lang, expression=expression))
    return (
        f'<p class="bim-hours-now"><strong>{safe.text(shown.now)}</strong></p>'
        f'<table class="bim-hours"><caption>{caption}</caption><tbody>{rows}</tbody></table>'
    )
