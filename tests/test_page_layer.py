"""The page layer (ui/page.py, ui/components.py) with AppTest: the context, the guard, each component."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from core.taxonomy import CATEGORIES
from geo.join import BoundaryJoin
from i18n import category_label, t
from ingest.contribute import FORM_LIMITS
from tests.sample_initiatives import app_environment, fill_store, sample_records

APP = settings.PROJECT_DIR / "navigation.py"


def run(script: Callable[..., None], *args: object, lang: str = "en", params: dict | None = None) -> AppTest:
    """`script(*args)` as an app in `lang` (as navigation.py leaves it), with `params` in the URL.

    AppTest runs a script from its source alone: its imports are inside it, and an annotation naming
    an import is quoted.
    """
    app = AppTest.from_function(script, args=args, default_timeout=60)
    app.session_state["lang"] = lang
    for name, value in (params or {}).items():
        app.query_params[name] = value
    return app.run()


@pytest.fixture
def environment(built_settings: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app reads the built reference data and an empty store."""
    config = dataclasses.replace(built_settings, database_url=f"sqlite:///{tmp_path / 'initiatives.sqlite'}")
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)


def _guarded(raise_it: bool, message_key: str | None) -> None:
    import streamlit as st

    from core.errors import StoreError
    from ui import page

    ctx = page.start("map.title")
    with ctx.guard(message_key):
        if raise_it:
            raise StoreError("the database is down")
    st.text("after the guard")


@pytest.mark.usefixtures("environment")
def test_the_guard_shows_a_bim_error_and_stops_the_page() -> None:
    app = run(_guarded, True, "app.unavailable", lang="nl")
    assert not app.exception
    assert app.title[0].value == t("map.title", "nl")
    assert [e.value for e in app.error] == [t("app.unavailable", "nl", error="the database is down")]
    assert not app.text  # stopped


@pytest.mark.usefixtures("environment")
def test_the_guard_shows_the_errors_own_text_without_a_message_key_and_lets_a_good_run_through() -> None:
    assert [e.value for e in run(_guarded, True, None).error] == ["the database is down"]
    app = run(_guarded, False, "app.unavailable")
    assert not app.error and app.text[0].value == "after the guard"


def _not_ours() -> None:
    from ui import page

    with page.start().guard():
        raise ValueError("a bug")


@pytest.mark.usefixtures("environment")
def test_the_guard_leaves_other_exceptions_to_show_as_bugs() -> None:
    app = run(_not_ours)
    assert not app.error and "a bug" in app.exception[0].message


def _snapshot_once() -> None:
    import streamlit as st

    from ui import page

    ctx = page.start()
    st.text(f"{ctx.snapshot is ctx.snapshot} {ctx.snapshot.revision} {ctx.lang}")


@pytest.mark.usefixtures("environment")
def test_a_page_reads_one_snapshot_per_run_and_its_language() -> None:
    app = run(_snapshot_once, lang="fr")
    assert not app.title
    assert app.text[0].value == "True 0 fr"


@pytest.mark.parametrize(
    "path", ["app_pages/map.py", "app_pages/coverage.py", "app_pages/commune.py", "app_pages/data.py"]
)
def test_every_data_page_reports_missing_reference_data_instead_of_failing(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = settings.Settings(
        data_dir=tmp_path / "nothing-built", source_dir=None, database_url=f"sqlite:///{tmp_path / 's.sqlite'}"
    )
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page(path).run()
    assert not app.exception
    assert app.error[0].value.startswith(t("app.unavailable", "en", error=""))
    assert "reference" in app.error[0].value


def _category_filter(name: str) -> None:
    import streamlit as st

    from ui import components

    lang = st.session_state["lang"]
    categories = components.category_filter(name, lang)
    st.text(",".join(categories.chosen()) or "all")
    categories.draw(st, "Categories")


def test_the_category_filter_starts_from_the_url_drops_unknown_keys_and_writes_the_choice_back() -> None:
    app = run(_category_filter, "here", lang="fr", params={"cat": "library,no-such-category"})
    assert app.text[0].value == "library"
    assert app.query_params["cat"] == "library"
    widget = app.multiselect(key="here:fr")
    assert widget.format_func("library") == category_label("library", "fr") and widget.value == ["library"]
    widget.select("food").run()
    assert app.query_params["cat"] == "library,food"
    app.multiselect(key="here:fr").unselect("library").unselect("food").run()
    assert app.text[0].value == "all" and "cat" not in app.query_params


def _commune_and_text_filters() -> None:
    import streamlit as st

    from ui import components

    communes = components.commune_filter("where", "nl")
    text = components.text_filter("what", "nl")
    st.text(f"{communes.chosen()} {text.chosen()!r}")
    communes.draw(st, "Gemeenten")
    text.draw(st, "Zoeken", help="woorden")


def test_the_commune_and_text_filters_keep_their_state_in_the_url() -> None:
    app = run(_commune_and_text_filters, lang="nl", params={"commune": "21004", "q": "fiets"})
    assert app.text[0].value == "['21004'] 'fiets'"
    assert app.multiselect(key="where:nl").format_func("21004") == "Brussel"
    app.text_input(key="what:nl").input("").run()
    assert "q" not in app.query_params and app.query_params["commune"] == "21004"


def _legends() -> None:
    from ui import components

    components.category_legend("nl")
    components.legend([("#123456", "<b>0</b> – 5")], "&#9632;")


def test_legends_escape_their_text_and_name_themselves_only_when_given_a_label() -> None:
    category, classes = (h.value for h in run(_legends).html)
    assert f'aria-label="{t("map.legend", "nl")}"' in category and category_label("library", "nl") in category
    assert category.count("&#9679;") == len(CATEGORIES)
    assert classes == (
        '<div class="bim-legend"><span style="white-space:nowrap"><span style="color:#123456">&#9632;</span> '
        "&lt;b&gt;0&lt;/b&gt; – 5</span></div>"
    )


def _initiative_list(records: "pd.DataFrame") -> None:  # noqa: UP037 (the script is run from its source alone)
    from ui import components

    components.initiative_list(records, "en", key="list")


def test_the_initiative_list_shows_fifty_at_a_time_escaped(boundary_join: BoundaryJoin) -> None:
    records = sample_records(120, boundary_join).assign(story=None, image_url=None)
    app = run(_initiative_list, records)
    assert app.number_input(key="list").max == 3
    first = app.html[0].value
    assert first.startswith('<ol class="bim-list" start="1">') and first.count("<li>") == 50
    assert "<script>" not in first and "&lt;script&gt;" in first  # the hostile sample names
    assert 'href="javascript' not in first
    app.number_input(key="list").set_value(3).run()
    last = app.html[0].value
    assert last.startswith('<ol class="bim-list" start="101">') and last.count("<li>") == 20
    assert app.caption[0].value == t("map.list_showing", "en", first=101, last=120, n="120")


def test_an_empty_initiative_list_says_so(boundary_join: BoundaryJoin) -> None:
    app = run(_initiative_list, sample_records(1, boundary_join).iloc[:0])
    assert [i.value for i in app.info] == [t("map.list_empty", "en")] and not app.number_input


def _downloads(records: "pd.DataFrame") -> None:  # noqa: UP037
    from ui import components

    components.initiatives_downloads(records, "en", key="all")
    components.download_buttons([components.Download("Notes", lambda: b"x", "notes.txt", "text/plain")])


def test_download_buttons_offer_each_file_side_by_side(boundary_join: BoundaryJoin) -> None:
    app = run(_downloads, sample_records(3, boundary_join))
    buttons = app.get("download_button")
    assert [b.proto.label for b in buttons] == [
        *(t(f"download.{f}", "en") for f in ("geojson", "csv", "gpkg")),
        "Notes",
    ]
    assert len(app.columns) == 4  # three in a row, then one


def _submission_errors(problems: dict[str, str]) -> None:
    from core.errors import SubmissionError
    from ui import components

    components.submission_errors(SubmissionError(problems), "en", "moderate.field_{field}", ("name", "website"))


def test_submission_errors_follow_the_forms_order_and_show_every_field() -> None:
    app = run(_submission_errors, {"story": "too_long", "website": "not_http", "name": "required"})
    assert [e.value for e in app.error] == [
        t("contribute.error_required", "en", field="Name", limit=FORM_LIMITS["name"]),
        t("contribute.error_not_http", "en", field="Website", limit=""),
        t("contribute.error_too_long", "en", field="Story", limit=FORM_LIMITS["story"]),
    ]


def test_the_map_page_lists_what_its_filters_count(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map page composes the components over one snapshot: count, list and downloads agree."""
    config = fill_store(built_settings, sample_records(60, boundary_join), tmp_path)
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    app.switch_page("app_pages/map.py").run()
    app.multiselect(key="map_categories:en").select("library").run()
    shown = int(app.markdown[0].value.split("**")[1])
    assert 0 < shown < 60
    listed = next(h.value for h in app.html if 'class="bim-list"' in h.value)
    assert listed.count("<li>") == shown
