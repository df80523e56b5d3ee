"""Each part of the moderation page (ui/moderation.py) run alone with AppTest, over a real store."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from core.auth import hash_password
from i18n import t
from ingest import contribute
from ingest.accounts import Account
from ingest.store import open_store
from tests.sample_initiatives import app_environment
from tests.test_contribute import PASSWORD, submission
from ui import moderation

PASSWORD_HASH = hash_password(PASSWORD)
DORA = Account("dora")
IXELLES = (4.3720, 50.8330)  # lon, lat


@pytest.fixture
def config(built_settings: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> settings.Settings:
    """Settings of an empty SQLite store, in the environment the app reads, with a moderator password."""
    config = dataclasses.replace(built_settings, database_url=f"sqlite:///{tmp_path / 'initiatives.sqlite'}")
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BIM_MODERATOR_PASSWORD_HASH", PASSWORD_HASH)
    return config


def run(script: Callable[..., None], *args: object, moderator: Account | None = None) -> AppTest:
    """`script(*args)` as an app in English (as navigation.py leaves the language), logged in as `moderator`."""
    app = AppTest.from_function(script, args=args, default_timeout=60)
    app.session_state["lang"] = "en"
    if moderator is not None:
        app.session_state[moderation.MODERATOR_KEY] = moderator
    return app.run()


def submitted(config: settings.Settings, *names: str) -> list[str]:
    """Ids of pending submissions named `names`, all at the Grand-Place."""
    with open_store(config) as store:
        return [contribute.submit(store, config, submission(name=n, token=f"form-{n}")) for n in names]


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def text_input(app: AppTest, label: str):
    return next(w for w in app.text_input if w.label == label)


def flash(app: AppTest) -> str | None:
    """What the last action said it did (shown by account_bar on the next run)."""
    return app.session_state.get(moderation.FLASH_KEY)


def _login() -> None:
    import streamlit as st

    from ui import data, moderation, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    st.text(f"moderator: {moderation.login(ctx, store, moderation.password_hash(ctx, store)).name}")


def test_without_a_password_hash_the_page_says_how_to_set_one_and_stops(config, monkeypatch) -> None:
    monkeypatch.delenv("BIM_MODERATOR_PASSWORD_HASH")
    app = run(_login)
    assert not app.exception
    assert app.warning[0].value == t("moderate.no_password", "en")
    assert "python -m ingest hash-password" in app.code[0].value
    assert not app.text_input and not app.text


def test_a_wrong_password_is_refused_and_nothing_after_the_login_runs(config) -> None:
    app = run(_login)
    app.text_input[0].input("carla")
    app.text_input[1].input("not the password")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["Wrong password."]
    assert moderation.MODERATOR_KEY not in app.session_state
    assert not app.text


def test_the_right_password_logs_in_under_the_given_name_and_the_form_goes(config) -> None:
    app = run(_login)
    app.text_input[0].input("  carla ")
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    assert app.text[0].value == "moderator: carla"
    assert not app.text_input  # the rerun after the login draws no form
    assert not app.run().text_input


def test_a_login_without_a_name_is_called_moderator(config) -> None:
    app = run(_login)
    app.text_input[1].input(PASSWORD)
    app.button[0].click().run()
    assert app.session_state[moderation.MODERATOR_KEY] == Account("moderator")


def _account_bar() -> None:
    from ingest.accounts import Account
    from ui import moderation, page

    moderation.account_bar(page.context(), Account("dora"))


def test_the_account_bar_shows_who_and_the_last_action_once_then_logs_out(config) -> None:
    app = AppTest.from_function(_account_bar, default_timeout=60)
    app.session_state["lang"] = "en"
    app.session_state[moderation.MODERATOR_KEY] = DORA
    app.session_state[moderation.REPORT_KEY] = "a report"
    app.session_state[moderation.FLASH_KEY] = "Approved: Potager"
    app.run()
    assert app.caption[0].value == "Logged in: dora"
    assert [s.value for s in app.success] == ["Approved: Potager"]
    assert not app.run().success  # said once
    button(app, "Log out").click().run()
    assert moderation.MODERATOR_KEY not in app.session_state and moderation.REPORT_KEY not in app.session_state


def _queue() -> None:
    import streamlit as st

    from ingest.accounts import Account
    from ui import data, moderation, page

    ctx = page.context()
    chosen = moderation.queue(ctx, data.store(ctx.config.database_url), Account("dora"))
    if chosen is not None:
        record, similar = chosen
        st.text(f"{record['name']} · {len(similar)} similar")


def test_an_empty_queue_says_so_and_chooses_nothing(config) -> None:
    app = run(_queue, moderator=DORA)
    assert [i.value for i in app.info] == [t("moderate.queue_empty", "en")]
    assert not app.text and not app.selectbox


def test_the_queue_lists_the_pending_records_and_returns_the_chosen_one_with_its_duplicates(config) -> None:
    first, second = submitted(config, "Potager de la Grand-Place", "Atelier vélo")
    with open_store(config) as store:
        store.set_status(first, "published", "", "dora")
    third = submitted(config, "Potager Grand-Place")[0]  # like the published one, at the same place
    app = run(_queue, moderator=DORA)
    table = app.dataframe[0].value
    assert sorted(table["name"]) == ["Atelier vélo", "Potager Grand-Place"]
    assert dict(zip(table["name"], table["duplicates"], strict=True))["Potager Grand-Place"] >= 1
    assert set(table["commune"]) == {"City of Brussels"}
    app.selectbox(key="moderate_chosen").select(third).run()
    name, similar = app.text[0].value.split(" · ")
    assert name == "Potager Grand-Place" and similar != "0 similar"
    app.selectbox(key="moderate_chosen").select(second).run()
    assert app.text[0].value.startswith("Atelier vélo · ")


def _record_facts(record_id: str) -> None:
    from ui import data, moderation, page

    ctx = page.context()
    moderation.record_facts(ctx, data.store(ctx.config.database_url).get(record_id))


def test_record_facts_escape_every_text_and_link_only_http(config) -> None:
    record_id = submitted(config, "Potager")[0]
    with open_store(config) as store:
        store.update_fields(
            record_id, {"name": '<script>alert("x")</script>', "image_url": "javascript:alert(1)"}, "dora"
        )
    app = run(_record_facts, record_id, moderator=DORA)
    html = app.html[0].value
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html and "<script>" not in html
    assert 'href="https://potager.example.org"' in html and "javascript:" not in html
    assert "On y cueille des tomates" in html  # the story


def _similar(record_id: str) -> None:
    from ingest import contribute
    from ui import data, moderation, page

    ctx = page.context()
    _, pairs = contribute.review_queue(data.store(ctx.config.database_url))
    moderation.similar_records(ctx, pairs[pairs["candidate_id"] == record_id])


def test_similar_records_name_each_likely_duplicate_or_say_there_is_none(config) -> None:
    alone = submitted(config, "Atelier vélo")[0]
    assert run(_similar, alone).caption[0].value == t("moderate.no_duplicates", "en")
    again = submitted(config, "Atelier velo")[0]
    html = run(_similar, again).html[0].value
    assert "<li>Atelier vélo · " in html


def _actions(record_id: str) -> None:
    """The three actions side by side, as review() draws them."""
    import streamlit as st

    from ingest import contribute
    from ingest.accounts import Account
    from ui import data, moderation, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    record = store.get(record_id)
    _, pairs = contribute.review_queue(store)
    left, middle, right = st.columns(3)
    moderation.approve(ctx, left, store, record, Account("dora"))
    moderation.reject(ctx, middle, store, record, Account("dora"))
    moderation.mark_duplicate(ctx, right, store, record, pairs[pairs["candidate_id"] == record_id], Account("dora"))


def test_approving_publishes_the_record_in_the_moderators_name(config) -> None:
    record_id = submitted(config, "Potager")[0]
    app = run(_actions, record_id, moderator=DORA)
    button(app, "Approve").click().run()
    assert flash(app) == "Approved: Potager"
    with open_store(config) as store:
        assert store.get(record_id)["status"] == "published"
        assert store.audit_trail(record_id)[-1]["actor"] == "dora"


def test_rejecting_needs_a_reason_and_keeps_it(config) -> None:
    record_id = submitted(config, "Potager")[0]
    app = run(_actions, record_id, moderator=DORA)
    button(app, "Reject").click().run()
    assert [e.value for e in app.error] == ["Give a reason to reject."]
    with open_store(config) as store:
        assert store.get(record_id)["status"] == "pending"
    text_input(app, "Reason for rejecting").input("  Not an initiative ")
    button(app, "Reject").click().run()
    assert flash(app) == "Rejected: Potager"
    with open_store(config) as store:
        assert (store.get(record_id)["status"], store.get(record_id)["status_reason"]) == (
            "rejected",
            "Not an initiative",
        )


def test_a_duplicate_is_marked_of_a_likely_record_or_a_typed_id_never_of_itself(config) -> None:
    first, second = submitted(config, "Potager de la Grand-Place", "Potager Grand-Place")
    app = run(_actions, second, moderator=DORA)
    for typed in (second, "no-such-id"):
        text_input(app, "or the id of another record").input(typed)
        button(app, "Mark duplicate").click().run()
        assert [e.value for e in app.error] == ["Choose another existing record."]
    text_input(app, "or the id of another record").input("")
    app.selectbox[0].select(first)  # the likely duplicate, from the list
    button(app, "Mark duplicate").click().run()
    assert flash(app) == r"Marked duplicate: Potager Grand\-Place"  # Markdown: the name shows as typed
    with open_store(config) as store:
        assert store.get(second)["status_reason"] == f"duplicate of {first}"
        assert store.get(first)["status"] == "pending"


def _edit(record_id: str) -> None:
    from ingest.accounts import Account
    from ui import data, moderation, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    moderation.edit(ctx, store, store.get(record_id), Account("dora"))


def test_an_edit_is_checked_like_a_submission_and_only_changes_are_saved(config) -> None:
    record_id = submitted(config, "Potager")[0]
    app = run(_edit, record_id, moderator=DORA)
    text_input(app, "Website").input("javascript:alert(1)")
    text_input(app, "Name").input("")
    button(app, "Save").click().run()
    assert [e.value for e in app.error] == [  # in the form's order
        t("contribute.error_required", "en", field="Name", limit=contribute.FORM_LIMITS["name"]),
        t("contribute.error_not_http", "en", field="Website", limit=""),
    ]
    text_input(app, "Name").input("Potager du centre")
    text_input(app, "Website").input("potager.be")
    button(app, "Save").click().run()
    assert flash(app) == "Saved: Potager du centre"
    with open_store(config) as store:
        assert store.get(record_id)["website"] == "https://potager.be"
        last = store.audit_trail(record_id)[-1]
        assert last["actor"] == "dora"
        assert last["before"] == {"name": "Potager", "website": "https://potager.example.org"}


def _move(record_id: str, moved: bool) -> None:
    import streamlit as st

    from ingest.accounts import Account
    from ui import data, moderation, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    record = store.get(record_id)
    moderation.move(ctx, store, record, Account("dora"))
    if moved and not st.session_state.get("moved"):  # the click the map would send, once
        st.session_state["moved"] = True
        moderation.move_to(ctx, store, record, (4.3720, 50.8330), Account("dora"))


def test_the_point_is_shown_on_a_map_and_a_click_moves_it_into_its_new_commune(config) -> None:
    record_id = submitted(config, "Potager")[0]
    app = run(_move, record_id, False, moderator=DORA)
    assert app.caption[0].value == t("moderate.move_help", "en")
    assert len(app.get("component_instance")) == 1  # the pin map (st_folium)
    with open_store(config) as store:
        assert len(store.audit_trail(record_id)) == 1  # drawing it changed nothing
    app = run(_move, record_id, True, moderator=DORA)
    assert flash(app) == "Point moved: Potager"
    with open_store(config) as store:
        moved = store.get(record_id)
    assert (moved["lon"], moved["lat"]) == IXELLES
    assert (moved["nis_code"], moved["geocode_precision"]) == ("21009", "given")


def _audit_log(record_id: str) -> None:
    from ingest.accounts import Account
    from ui import data, moderation, page

    ctx = page.context()
    store = data.store(ctx.config.database_url)
    moderation.audit_log(ctx, store, store.get(record_id), Account("dora"))


def test_the_audit_log_lists_every_action_on_the_record(config) -> None:
    record_id = submitted(config, "Potager")[0]
    with open_store(config) as store:
        store.set_status(record_id, "rejected", "spam", "erin")
    trail = run(_audit_log, record_id, moderator=DORA).dataframe[0].value
    assert list(trail["action"]) == ["submit", "set_status"]
    assert trail["actor"].iloc[-1] == "erin"


def _upload() -> None:
    from ui import moderation, page

    moderation.upload(page.context())


UPLOAD = (
    "nom;lat;lon;site\nBon;50.8467;4.3525;https://bon.example\n;50.85;4.35;\nMauvais site;50.84;4.36;javascript:x\n"
)


def test_an_uploaded_file_is_imported_for_review_and_reported(config) -> None:
    app = run(_upload, moderator=DORA)
    assert not app.button  # no import before a file
    app.file_uploader[0].set_value(("upload.csv", UPLOAD.encode(), "text/csv")).run()
    button(app, "Import").click().run()
    assert not app.error
    assert app.markdown[1].value == r"Import report of upload\.csv: 3 rows"
    counts = {m.label: m.value for m in app.metric}
    assert (counts["New"], counts["Needs review"], counts["Rejected"]) == ("3", "2", "1")
    assert len(app.dataframe[0].value) == 3
    assert app.get("download_button")
    with open_store(config) as store:
        assert store.count() == 3 and store.read(status="published").empty


def test_a_file_refused_whole_says_why_and_leaves_no_report(config) -> None:
    app = run(_upload, moderator=DORA)
    app.file_uploader[0].set_value(("binary.csv", bytes(range(256)) * 8, "text/csv")).run()
    button(app, "Import").click().run()
    assert "binary.csv" in app.error[0].value
    assert moderation.REPORT_KEY not in app.session_state and not app.metric
    with open_store(config) as store:
        assert store.count() == 0
