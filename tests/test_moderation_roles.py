"""Roles at function level and on the page: an editor of one commune neither sees nor changes another commune's
records (queue, record, audit trail, status, duplicate, edit, move), a region moderator moderates all,
and the audit log names the account."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import settings
from core.auth import hash_password
from core.errors import AccessError
from ingest import accounts, moderation
from ingest.accounts import Account
from ingest.store import Store, open_store
from tests.test_contribute import PASSWORD, app_page

__all__ = ["app_page"]  # the fixture, shared with tests/test_contribute.py

IXELLES, CITY = "21009", "21004"
EDITOR = Account("ixelles.town", IXELLES)
REGION = Account("region.mod")
IXELLES_POINT, GRAND_PLACE = (4.3720, 50.8330), (4.3525, 50.8467)


def _pending(store: Store, name: str, nis_code: str, point: tuple[float, float]) -> str:
    record = {"name": name, "category": "food", "nis_code": nis_code, "lon": point[0], "lat": point[1]}
    return store.add_submission(record)


@pytest.fixture
def two_communes(store_settings: settings.Settings) -> tuple[Store, str, str]:
    store = open_store(store_settings)
    ixelles = _pending(store, "Potager d'Ixelles", IXELLES, IXELLES_POINT)
    city = _pending(store, "Potager de la Grand-Place", CITY, GRAND_PLACE)
    yield store, ixelles, city
    store.close()


def test_an_editor_queue_holds_only_the_commune_and_a_region_moderator_sees_all(two_communes) -> None:
    store, ixelles, city = two_communes
    assert list(moderation.review_queue(store, EDITOR)[0]["id"]) == [ixelles]
    assert sorted(moderation.review_queue(store, REGION)[0]["id"]) == sorted([ixelles, city])


def _actions(store_settings: settings.Settings, other: str) -> dict[str, Callable[[Store, str], object]]:
    return {
        "record": lambda store, rid: moderation.record(store, EDITOR, rid),
        "audit": lambda store, rid: moderation.audit_trail(store, EDITOR, rid),
        "publish": lambda store, rid: moderation.set_status(store, EDITOR, rid, "published", ""),
        "duplicate": lambda store, rid: moderation.mark_duplicate(store, EDITOR, rid, other),
        "edit": lambda store, rid: moderation.save_edit(store, EDITOR, rid, {"name": "Renamed"}),
        "move": lambda store, rid: moderation.move_point(store, EDITOR, rid, *IXELLES_POINT, store_settings),
    }


@pytest.mark.parametrize("action", ["record", "audit", "publish", "duplicate", "edit", "move"])
def test_an_editor_can_do_nothing_to_another_commune_record(
    two_communes, store_settings: settings.Settings, action: str
) -> None:
    store, ixelles, city = two_communes
    before = (store.get(city), store.audit_trail(city), store.revision())
    with pytest.raises(AccessError, match=r"ixelles\.town"):
        _actions(store_settings, ixelles)[action](store, city)
    assert (store.get(city), store.audit_trail(city), store.revision()) == before


def test_an_editor_cannot_move_a_record_out_of_the_commune_nor_call_a_hidden_one_its_original(
    two_communes, store_settings: settings.Settings
) -> None:
    store, ixelles, city = two_communes
    with pytest.raises(AccessError, match="out of commune 21009"):
        moderation.move_point(store, EDITOR, ixelles, *GRAND_PLACE, store_settings)
    with pytest.raises(AccessError, match="cannot see"):
        moderation.mark_duplicate(store, EDITOR, ixelles, city)
    assert store.get(ixelles)["status"] == "pending" and store.get(ixelles)["nis_code"] == IXELLES


def test_the_audit_log_names_the_account_that_acted(two_communes, store_settings: settings.Settings) -> None:
    store, ixelles, city = two_communes
    moderation.save_edit(store, EDITOR, ixelles, {"name": "Potager de Flagey"})
    moderation.move_point(store, EDITOR, ixelles, 4.3710, 50.8320, store_settings)
    moderation.set_status(store, EDITOR, ixelles, "published", "")
    moderation.mark_duplicate(store, REGION, city, ixelles)  # now published: anyone may name it
    assert [(e["actor"], e["action"]) for e in moderation.audit_trail(store, EDITOR, ixelles)] == [
        ("citizen", "submit"),
        ("ixelles.town", "update_fields"),
        ("ixelles.town", "update_fields"),
        ("ixelles.town", "set_status"),
    ]
    assert moderation.audit_trail(store, REGION, city)[-1]["actor"] == "region.mod"
    assert store.get(city)["status_reason"] == f"duplicate of {ixelles}"


def _log_in(page, name: str, password: str):
    page.text_input[0].input(name)
    page.text_input[1].input(password)
    return page.button[0].click().run()


def test_the_page_logs_an_editor_in_with_their_own_password_to_their_commune_only(app_page, monkeypatch) -> None:
    config, open_page = app_page
    monkeypatch.setenv("BIM_MODERATOR_PASSWORD_HASH", hash_password(PASSWORD))  # ignored: accounts exist
    with open_store(config) as store:
        _pending(store, "Potager d'Ixelles", IXELLES, IXELLES_POINT)
        _pending(store, "Potager de la Grand-Place", CITY, GRAND_PLACE)
        accounts.add(store, "ixelles.town", PASSWORD + " ixl", commune=IXELLES)
    page = open_page("app_pages/moderate.py")
    assert not page.warning  # no "no password" warning: an account exists
    assert "Wrong password." in _log_in(page, "ixelles.town", PASSWORD).error[0].value  # the single hash is not it
    page = _log_in(page, "ixelles.town", PASSWORD + " ixl")
    assert page.caption[0].value == r"Logged in: ixelles\.town \(Ixelles\)"  # Markdown-escaped
    assert list(page.dataframe[0].value["name"]) == ["Potager d'Ixelles"]
    assert "Grand-Place" not in " ".join(str(o.value) for o in page.selectbox)
    assert not page.tabs  # no upload: an import may touch any commune
    page.button(key="moderate_approve").click().run()
    with open_store(config) as store:
        published = store.read(status="published")
        assert list(published["name"]) == ["Potager d'Ixelles"]
        assert store.audit_trail(published["id"].iloc[0])[-1]["actor"] == "ixelles.town"
