"""Contributions and moderation without a browser: form rules, spam, privacy, concurrency, uploads, CLI."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from core.auth import hash_password, verify_password
from core.errors import SubmissionError
from i18n import t
from ingest import contribute, export, pipeline
from ingest.store import open_store
from ingest.store.migrations import CURRENT_VERSION
from tests.sample_initiatives import app_environment

GRAND_PLACE = (4.3525, 50.8467)  # lon, lat: City of Brussels (21004)
SECRET_EMAIL = "only-moderators-7f3a9c@example.org"
PASSWORD = "moderators only, 2026"


def submission(**changes: object) -> contribute.Submission:
    base = contribute.Submission(
        name="Potager de la Grand-Place",
        category="food",
        description="Un potager partagé.",
        address="Grand-Place 1, 1000 Bruxelles",
        website="https://potager.example.org",
        contact=SECRET_EMAIL,
        image_url="https://potager.example.org/photo.jpg",
        story="On y cueille des tomates en plein centre.",
        lon=GRAND_PLACE[0],
        lat=GRAND_PLACE[1],
        geocode_precision="address",
        geocode_score=95.0,
        geocode_source="offline",
        token="form-1",
    )
    return dataclasses.replace(base, **changes)


def test_a_submission_is_stored_pending_in_its_commune_and_not_published(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        record_id = contribute.submit(store, store_settings, submission())
        stored = store.get(record_id)
        assert stored["status"] == "pending"
        assert stored["nis_code"] == "21004"
        assert stored["story"] == "On y cueille des tomates en plein centre."
        assert store.read(status="published").empty
        assert store.audit_trail(record_id)[0]["action"] == "submit"


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        assert contribute.submit(store, store_settings, submission(honeypot="http://spam.example")) is None
        assert store.count() == 0


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"name": "  "}, {"name": "required"}),
        ({"name": "x" * 201}, {"name": "too_long"}),
        ({"description": "x" * 5001}, {"description": "too_long"}),
        ({"story": "x" * 1001}, {"story": "too_long"}),
        ({"website": "javascript:alert(1)"}, {"website": "not_http"}),
        ({"image_url": "data:image/svg+xml,<svg onload=alert(1)>"}, {"image_url": "not_http"}),
        ({"image_url": "javascript:alert(1)"}, {"image_url": "not_http"}),
        ({"contact": ""}, {"contact": "required"}),
        ({"contact": "not an address"}, {"contact": "not_email"}),
        ({"address": "", "lon": None, "lat": None}, {"address": "no_place"}),
        ({"opening_hours": "du lundi au vendredi"}, {"opening_hours": "not_hours"}),
    ],
)
def test_wrong_fields_are_refused_with_their_problem(changes: dict, problems: dict) -> None:
    assert contribute.check(submission(**changes))[1] == problems


def test_a_bare_domain_website_becomes_https_as_in_imports() -> None:
    record, problems = contribute.check(submission(website="www.potager.be"))
    assert not problems
    assert record["website"] == "https://www.potager.be"


def test_a_refused_submission_raises_and_stores_nothing(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store, pytest.raises(SubmissionError) as raised:
        contribute.submit(store, store_settings, submission(website="javascript:alert(1)"))
    assert raised.value.problems == {"website": "not_http"}


def test_a_resent_form_stores_one_record(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        first = contribute.submit(store, store_settings, submission())
        assert contribute.submit(store, store_settings, submission()) == first
        assert store.count() == 1


def test_moderation_edits_are_checked_and_audited(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        record_id = contribute.submit(store, store_settings, submission())
        with pytest.raises(SubmissionError):
            contribute.save_edit(store, record_id, {"website": "javascript:alert(1)"}, "alice")
        contribute.save_edit(store, record_id, {"name": "Potager du centre", "website": "potager.be"}, "alice")
        assert store.get(record_id)["website"] == "https://potager.be"
        last = store.audit_trail(record_id)[-1]
        assert (last["actor"], last["before"]["name"], last["after"]["name"]) == (
            "alice",
            "Potager de la Grand-Place",
            "Potager du centre",
        )


def test_moving_the_point_places_it_in_its_new_commune(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        record_id = contribute.submit(store, store_settings, submission())
        ixelles = (4.3720, 50.8330)
        store.update_fields(
            record_id, contribute.moved_point(store.get(record_id), *ixelles, store_settings), "moderator"
        )
        moved = store.get(record_id)
        assert (moved["nis_code"], moved["geocode_precision"]) == ("21009", "given")
        assert moved["sector_code"].startswith("21009")


def test_likely_duplicates_are_shown_for_pending_records(store_settings: settings.Settings) -> None:
    with open_store(store_settings) as store:
        published = contribute.submit(store, store_settings, submission())
        store.set_status(published, "published", "", "moderator")
        again = contribute.submit(store, store_settings, submission(name="Potager Grand-Place", token="form-2"))
        pending, pairs = contribute.review_queue(store)
        assert list(pending["id"]) == [again]
        assert (pairs["candidate_id"] == again).any() and (pairs["existing_id"] == published).any()


def test_the_contact_email_never_leaves_the_store(store_settings: settings.Settings, tmp_path: Path) -> None:
    with open_store(store_settings) as store:
        record_id = contribute.submit(store, store_settings, submission())
        store.set_status(record_id, "published", "", "moderator")
        assert store.get(record_id)["contact"] == SECRET_EMAIL  # kept, for moderators
        for status in (None, "published"):
            assert SECRET_EMAIL not in store.read(status=status).to_csv()
        assert SECRET_EMAIL not in str(store.audit_trail(record_id))
        records = store.read(status=None)
    for fmt in export.FORMATS:
        out = tmp_path / f"all.{fmt}"
        export.export(records, fmt, out)
        assert SECRET_EMAIL.encode() not in out.read_bytes()


def _submit_in_a_process(database_url: str, data_dir: str, worker: int) -> None:
    config = dataclasses.replace(settings.load(), database_url=database_url, data_dir=Path(data_dir))
    with open_store(config) as store:
        for _ in range(2):  # a double click: the same form twice
            contribute.submit(store, config, submission(name=f"Initiative {worker}", token=f"token-{worker}"))


def test_twenty_simultaneous_submissions_are_each_stored_once(store_settings: settings.Settings) -> None:
    context = multiprocessing.get_context("fork")  # each child opens its own store
    args = (store_settings.database_url, str(store_settings.data_dir))
    processes = [context.Process(target=_submit_in_a_process, args=(*args, w)) for w in range(20)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * 20
    with open_store(store_settings) as store:
        stored = store.read(status=None)
        assert sorted(stored["name"]) == sorted(f"Initiative {w}" for w in range(20))
        assert stored["id"].is_unique
        assert all(len(store.audit_trail(i)) == 1 for i in stored["id"])


def test_an_upload_for_review_holds_good_rows_pending(store_settings: settings.Settings, tmp_path: Path) -> None:
    upload = tmp_path / "upload.csv"
    upload.write_text(
        "nom;lat;lon;site\nBon;50.8467;4.3525;https://bon.example\n;50.85;4.35;\n"
        "Mauvais site;50.84;4.36;javascript:x\n",
        encoding="utf-8",
    )
    report = pipeline.import_file(upload, store_settings, review=True)
    assert (report.new, report.needs_review, report.rejected) == (3, 2, 1)
    assert set(report.rows["status"]) == {"pending", "rejected"}
    with open_store(store_settings) as store:
        assert store.read(status="published").empty


def test_hash_password_reads_stdin_when_piped_and_prints_a_usable_hash() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ingest", "hash-password"],
        input="a long moderator password\n",
        capture_output=True,
        text=True,
        cwd=settings.PROJECT_DIR,
        check=True,
    )
    assert verify_password("a long moderator password", done.stdout.strip())


def _in_a_terminal(answers: list[str]) -> tuple[int, str]:
    """Run `python -m ingest hash-password` on a pseudo-terminal, typing each answer after a prompt."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, as in a real session
        os.chdir(settings.PROJECT_DIR)
        os.execv(sys.executable, [sys.executable, "-m", "ingest", "hash-password"])
    output, pending = b"", list(answers)
    while True:
        ready, _, _ = select.select([terminal], [], [], 30)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"no answer from hash-password; so far: {output!r}")
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if pending and output.endswith(b": "):  # a prompt, waiting on its line
            os.write(terminal, pending.pop(0).encode() + b"\n")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode()


def test_hash_password_asks_twice_in_a_terminal_without_echo() -> None:
    code, output = _in_a_terminal(["a long moderator password", "a long moderator password"])
    assert code == 0
    assert "Moderator password:" in output and "Same password again:" in output
    assert "a long moderator password" not in output  # not echoed
    assert verify_password("a long moderator password", output.strip().splitlines()[-1].strip())


def test_hash_password_refuses_two_different_passwords_in_a_terminal() -> None:
    code, output = _in_a_terminal(["a long moderator password", "another password"])
    assert code != 0
    assert "the two passwords differ" in output
    assert "scrypt" not in output


def test_a_version_1_store_gains_image_story_and_revision_when_opened(tmp_path: Path) -> None:
    config = dataclasses.replace(settings.load(), database_url=f"sqlite:///{tmp_path / 'old.sqlite'}")
    with open_store(config) as store, store.engine.begin() as conn:  # make it look like version 1
        conn.exec_driver_sql("ALTER TABLE initiatives DROP COLUMN image_url")
        conn.exec_driver_sql("ALTER TABLE initiatives DROP COLUMN story")
        for later in ("revision", "accounts", "login_failures", "pictures"):
            conn.exec_driver_sql(f"DROP TABLE {later}")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version > 1")
    with open_store(config) as store:
        assert store.version() == CURRENT_VERSION
        assert {"image_url", "story"} <= set(store.read(status=None).columns)
        assert store.revision() == 0


@pytest.fixture
def app_page(built_settings: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """AppTest of one page of the app, over an empty store, in English; `open(path)` runs it."""
    config = dataclasses.replace(built_settings, database_url=f"sqlite:///{tmp_path / 'initiatives.sqlite'}")
    for name, value in app_environment(config).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BIM_MODERATOR_PASSWORD_HASH", raising=False)

    def open_page(path: str) -> AppTest:
        app = AppTest.from_file(str(settings.PROJECT_DIR / "navigation.py"), default_timeout=60)
        app.query_params["lang"] = "en"
        app.run()
        return app.switch_page(path).run()

    return config, open_page


def test_without_a_password_hash_the_moderation_page_says_how_to_set_one(app_page) -> None:
    _, open_page = app_page
    page = open_page("app_pages/moderate.py")
    assert not page.exception
    assert "No moderator password is configured" in page.warning[0].value
    assert "python -m ingest hash-password" in page.code[0].value
    assert not page.text_input and not page.tabs


@pytest.mark.usefixtures("app_page")  # an empty store, no hash in the environment
def test_the_password_hash_may_come_from_streamlit_secrets() -> None:
    app = AppTest.from_file(str(settings.PROJECT_DIR / "navigation.py"), default_timeout=60)
    app.secrets["moderator_password_hash"] = hash_password(PASSWORD)
    app.query_params["lang"] = "en"
    app.run()
    page = app.switch_page("app_pages/moderate.py").run()
    assert not page.warning
    page.text_input[0].input("bob")
    page.text_input[1].input(PASSWORD)
    page.button[0].click().run()
    assert "Logged in: bob" in page.caption[0].value
    tabs = ("queue", "pictures", "upload", "edits", "events", "reports", "claims", "history")
    assert [tab.label for tab in page.tabs] == [t(f"moderate.{name}_tab", "en") for name in tabs]


def test_logins_lock_after_five_failures_even_with_the_right_password(app_page, monkeypatch) -> None:
    _, open_page = app_page
    monkeypatch.setenv("BIM_MODERATOR_PASSWORD_HASH", hash_password(PASSWORD))
    page = open_page("app_pages/moderate.py")
    for attempt in [*["wrong password!"] * 5, PASSWORD]:
        page.text_input[1].input(attempt)
        page.button[0].click().run()
    assert "Too many attempts" in page.error[0].value
    assert not page.tabs


def test_the_page_limits_submissions_per_session_and_drops_honeypot_spam(app_page, monkeypatch) -> None:
    config, open_page = app_page
    monkeypatch.setenv("BIM_SUBMISSIONS_PER_SESSION", "1")
    page = open_page("app_pages/contribute.py")
    page.text_input(key="contribute_address").input("Rue de la Loi 16, 1000 Bruxelles").run()
    fields = {w.label: w for w in page.text_input}
    fields["Name of the initiative"].input("Spam")
    fields["Your e-mail"].input("bot@example.org")
    fields["Leave this field empty"].input("https://spam.example")
    page.button[0].click().run()
    assert "Thank you!" in page.success[0].value  # looks accepted...
    with open_store(config) as store:
        assert store.count() == 0  # ...but nothing was stored
    assert not page.button  # no "propose another": the one submission of this session is used


def test_moderators_reject_with_a_reason_mark_duplicates_and_edit_from_the_page(app_page, monkeypatch) -> None:
    config, open_page = app_page
    monkeypatch.setenv("BIM_MODERATOR_PASSWORD_HASH", hash_password(PASSWORD))
    with open_store(config) as store:
        first = contribute.submit(store, config, submission())
        second = contribute.submit(store, config, submission(name="Potager Grand-Place", token="form-2"))
        third = contribute.submit(store, config, submission(name="Atelier vélo", lon=4.40, lat=50.82, token="form-3"))
    page = open_page("app_pages/moderate.py")
    page.text_input[0].input("carla")
    page.text_input[1].input(PASSWORD)
    page.button[0].click().run()

    page.selectbox(key="moderate_chosen").select(first).run()
    reject = next(b for b in page.button if b.label == "Reject")
    reject.click().run()
    assert "Give a reason to reject." in [e.value for e in page.error]
    next(w for w in page.text_input if w.label == "Reason for rejecting").input("Not an initiative")
    next(b for b in page.button if b.label == "Reject").click().run()
    assert page.success[0].value.startswith("Rejected:")

    page.selectbox(key="moderate_chosen").select(second).run()
    next(w for w in page.text_input if w.label == "or the id of another record").input(first)
    next(b for b in page.button if b.label == "Mark duplicate").click().run()
    assert page.success[0].value.startswith("Marked duplicate:")
    with open_store(config) as store:
        assert (store.get(first)["status"], store.get(first)["status_reason"]) == ("rejected", "Not an initiative")
        assert (store.get(second)["status"], store.get(second)["status_reason"]) == (
            "duplicate",
            f"duplicate of {first}",
        )
        assert {entry["actor"] for entry in store.audit_trail(second)[1:]} == {"carla"}

    page.selectbox(key="moderate_chosen").select(third).run()
    next(w for w in page.text_input if w.label == "Website").input("javascript:alert(1)")
    next(b for b in page.button if b.label == "Save").click().run()
    assert "Website: give a full link starting with https:// or http://." in [e.value for e in page.error]
    next(w for w in page.text_input if w.label == "Website").input("atelier.example.org")
    next(b for b in page.button if b.label == "Save").click().run()
    assert page.success[0].value.startswith("Saved:")
    with open_store(config) as store:
        assert store.get(third)["website"] == "https://atelier.example.org"
        assert store.audit_trail(third)[-1]["before"] == {"website": "https://potager.example.org"}
