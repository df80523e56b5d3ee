"""AppTest checks of the initiative page and the stories page: what they show, and what they never reveal."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from geo.join import BoundaryJoin
from i18n import t
from ingest import gallery, owners, pictures, reports
from ingest.store import open_store
from tests.pictures import plain
from tests.sample_initiatives import app_environment, fill_store, sample_records

APP = settings.PROJECT_DIR / "navigation.py"
STORIES = 23  # three pages of ten
OUTSIDE_PICTURE = "https://photos.example.org/garden.jpg"
HOURS = 'Mo-Su 09:00-17:00 "<b>ring twice</b>"'
ODD_HOURS = "most afternoons <i>"


@pytest.fixture(scope="module")
def app_settings(
    built_settings: settings.Settings, boundary_join: BoundaryJoin, tmp_path_factory: pytest.TempPathFactory
) -> settings.Settings:
    records = sample_records(60, boundary_join)
    records["story"] = [f"Story number {i} <b>bold</b>" if i < STORIES else None for i in range(len(records))]
    records["image_url"] = [OUTSIDE_PICTURE if i == 0 else None for i in range(len(records))]
    records["opening_hours"] = [HOURS if i == 0 else ODD_HOURS if i == 1 else None for i in range(len(records))]
    secret = records.iloc[[0]].assign(name="Secret pending place", source_key="pending-1", status="pending")
    config = fill_store(built_settings, pd.concat([records, secret], ignore_index=True), tmp_path_factory.mktemp("s"))
    with open_store(config) as store:
        first = store.read().set_index("source_key").loc["0", "id"]
        for size, status in (((40, 30), "published"), ((50, 30), "pending")):
            caption = pictures.Caption(f"Picture {size[0]} of the garden", "Ana Peeters", "CC-BY-SA-4.0")
            gallery.attach(store, config, first, (plain(size=size), "a.jpg"), caption, status=status, actor="t")
    return config


@pytest.fixture
def open_page(app_settings: settings.Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    for name, value in app_environment(app_settings).items():
        monkeypatch.setenv(name, value)

    def open_(path: str, lang: str = "en", **params: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.query_params["lang"] = lang
        app.run()
        app.switch_page(path)
        for key, value in params.items():
            app.query_params[key] = value
        return app.run()

    return open_


def record_id(config: settings.Settings, key: str) -> str:
    with open_store(config) as store:
        return str(store.read(status=None).set_index("source_key").loc[key, "id"])


def html_of(app: AppTest) -> str:
    return "".join(element.proto.body for element in app.get("html"))


def test_the_initiative_page_shows_the_initiative_its_story_and_its_published_pictures(
    open_page: Callable[..., AppTest], app_settings: settings.Settings
) -> None:
    app = open_page("app_pages/initiative.py", id=record_id(app_settings, "0"))
    assert not app.exception
    assert app.title[0].value.startswith("Initiative 0")
    body = html_of(app)
    assert "Story number 0 &lt;b&gt;bold&lt;/b&gt;" in body
    assert 'alt="Picture 40 of the garden"' in body and "Ana Peeters" in body and "CC BY-SA 4.0" in body
    assert "Picture 50" not in body  # pending
    assert f'href="{OUTSIDE_PICTURE}"' in body and f'src="{OUTSIDE_PICTURE}"' not in body
    assert "/initiative?id=" in body  # the nearest initiatives link to their pages
    assert any("/initiative?id=" in code.value for code in app.code)


def test_the_initiative_page_shows_a_week_of_opening_hours_or_the_source_text_as_given(
    open_page: Callable[..., AppTest], app_settings: settings.Settings
) -> None:
    app = open_page("app_pages/initiative.py", lang="nl", id=record_id(app_settings, "0"))
    assert t("initiative.hours", "nl") in [header.value for header in app.header]
    body = html_of(app)
    table = body[body.index('<table class="bim-hours">') :]
    assert table.count('<th scope="row">') == 7
    assert table.count("09:00–17:00 (&lt;b&gt;ring twice&lt;/b&gt;)") == 7  # every day, the comment escaped
    assert "maandag" in table and "zondag" in table  # day names in Dutch
    odd = html_of(open_page("app_pages/initiative.py", lang="nl", id=record_id(app_settings, "1")))
    assert t("initiative.hours_as_given", "nl", text="most afternoons &lt;i&gt;") in odd
    assert '<table class="bim-hours">' not in odd


@pytest.mark.parametrize("key", ["pending-1", None])
def test_an_unknown_or_unpublished_id_gets_not_found_and_reveals_nothing(
    open_page: Callable[..., AppTest], app_settings: settings.Settings, key: str | None
) -> None:
    app = open_page("app_pages/initiative.py", "fr", id=record_id(app_settings, key) if key else "no-such-id")
    assert not app.exception
    assert app.title[0].value == "Initiative introuvable"
    assert "Secret" not in str(app) and "Story number" not in html_of(app)


def test_the_proposer_s_edit_link_opens_their_pending_proposal_and_any_other_link_gets_not_found(
    open_page: Callable[..., AppTest], app_settings: settings.Settings
) -> None:
    pending, published = record_id(app_settings, "pending-1"), record_id(app_settings, "1")
    with open_store(app_settings) as store:
        token, other = owners.issue(store, pending, "citizen"), owners.issue(store, published, "citizen")
    app = open_page("app_pages/initiative.py", id=pending, edit=token)
    assert not app.exception
    assert app.title[0].value == "Secret pending place" and app.info[0].value == t("owner.pending", "en")
    name = next(field for field in app.text_input if field.label == t("moderate.field_name", "en"))
    assert name.value == "Secret pending place"
    name.input("Secret pending garden")
    app.button[0].click().run()
    assert [s.value for s in app.success] == [t("owner.saved", "en")]
    with open_store(app_settings) as store:
        assert store.get(pending)["name"] == "Secret pending garden" and store.get(pending)["status"] == "pending"
    for token_given in ("not-a-token", other):  # a wrong token, and another initiative's live one
        app = open_page("app_pages/initiative.py", id=pending, edit=token_given)
        assert app.title[0].value == t("initiative.not_found_title", "en")
        assert "Secret" not in str(app) and not app.text_input


def test_the_stories_page_lists_the_stories_ten_at_a_time_with_their_pictures(
    open_page: Callable[..., AppTest],
) -> None:
    app = open_page("app_pages/stories.py")
    assert not app.exception
    body = html_of(app)
    assert body.count('<li class="bim-story">') == 10
    assert any(f"{STORIES} stories, 1 to 10 shown" in text.value for text in app.markdown)
    assert body.count("<img ") == 1 and 'alt="Picture 40 of the garden"' in body
    app.selectbox(key="stories_page:en").select("3").run()
    assert html_of(app).count('<li class="bim-story">') == STORIES - 20
    assert app.query_params["page"] == "3"


def test_the_stories_page_filters_by_category_and_keeps_it_in_the_url(open_page: Callable[..., AppTest]) -> None:
    app = open_page("app_pages/stories.py", cat="library")
    body = html_of(app)
    shown = body.count('<li class="bim-story">')
    assert 0 < shown < 10 and all("library" in item for item in body.split('<li class="bim-story">')[1:])


def test_the_map_page_list_links_each_initiative_to_its_page(
    open_page: Callable[..., AppTest], app_settings: settings.Settings
) -> None:
    app = open_page("app_pages/map.py")
    assert not app.exception
    listed = next(element.proto.body for element in app.get("html") if 'class="bim-list"' in element.proto.body)
    assert f'href="/initiative?id={record_id(app_settings, "0")}&amp;lang=en"' in listed


def test_a_report_sent_from_the_initiative_page_reaches_the_moderators_queue(
    open_page: Callable[..., AppTest], app_settings: settings.Settings
) -> None:
    target = record_id(app_settings, "3")
    page = open_page("app_pages/initiative.py", id=target)
    next(a for a in page.text_area if a.label == t("report.reason", "en")).input("Closed since June.")
    next(b for b in page.button if b.label == t("report.send", "en")).click().run()
    assert not page.exception
    assert [s.value for s in page.success] == [t("report.filed", "en")]
    with open_store(app_settings) as store:
        assert target in {entry.record_id for entry in reports.open_reports(store)}
