"""Pictures in headless chromium: a camera JPEG proposed with the form, approved by a moderator, shown
upright on the initiative page and the stories page with no metadata left; hostile files refused;
axe-core on the new pages.

One app server (empty store, a moderator password, the offline geocoder, a 0.2 MB picture limit)
serves the module; the browser and its tab come from tests/test_browser.py.
"""

from __future__ import annotations

import dataclasses
import io
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from email.message import Message

import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from core import settings
from core.auth import hash_password
from ingest import gallery, pictures
from ingest.store import open_store
from tests import axe, test_browser
from tests.app_server import running_app
from tests.pictures import HTML, SERIAL, SVG, bomb_png, camera_jpeg, polyglot, truncated_jpeg
from tests.sample_initiatives import app_environment
from tests.test_browser import ARTIFACTS
from tests.test_moderation_browser import PASSWORD, _approve, _choose_pending, _field, _login, _map_frame
from tests.test_store import make_records

pytestmark = pytest.mark.browser
browser, page = test_browser.browser, test_browser.page
expect.set_options(timeout=test_browser.WAIT_MS)

ALT = "Two neighbours planting tomatoes in raised beds"
CREDIT = "Ana Peeters"
LIMIT_MB = "0.2"
ALL_IMAGES_HAVE_ALT = "() => [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.outerHTML)"
# The top and bottom pixels of the picture as drawn: red on top means it stands upright.
PIXELS = """(alt) => {
    const img = [...document.images].find(i => i.alt === alt);
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const at = (y) => Array.from(context.getImageData(img.naturalWidth / 2, y, 1, 1).data.slice(0, 3));
    return [img.naturalWidth, img.naturalHeight, at(5), at(img.naturalHeight - 5)];
}"""


@pytest.fixture(scope="module")
def app(
    gazetteer_settings: settings.Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, settings.Settings]]:
    folder = tmp_path_factory.mktemp("pictures-store")
    config = dataclasses.replace(gazetteer_settings, database_url=f"sqlite:///{folder / 'initiatives.sqlite'}")
    open_store(config).close()
    environment = {
        **app_environment(config),
        "BIM_MODERATOR_PASSWORD_HASH": hash_password(PASSWORD),
        "BIM_SUBMISSIONS_PER_SESSION": "50",
        "BIM_PICTURE_MAX_MB": LIMIT_MB,
    }
    with running_app(environment, folder / "streamlit.log") as url:
        yield url, config


def fetch(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body of a GET, as a visitor without a session gets it."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def counts(config: settings.Settings) -> tuple[int, int]:
    with open_store(config) as store, store.engine.connect() as conn:
        pictures_stored = conn.execute(sa.select(sa.func.count()).select_from(store.tables.pictures)).scalar_one()
        return store.count(), int(pictures_stored)


def attach_picture(page: Page, name: str, data: bytes, mime: str = "image/jpeg") -> None:
    """Choose a file in the contribute form's picture field, with its alt text, credit and the right to share."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    expect(page.get_by_role("button", name=f"Remove {name}")).to_be_visible()  # uploaded
    _field(page, "What the picture shows (for people who cannot see it)").fill(ALT)
    _field(page, "Who took the picture").fill(CREDIT)
    page.get_by_text("I have the right to share this picture under this licence.").click()


def propose(page: Page, url: str, name: str, picture: tuple[str, bytes]) -> None:
    page.goto(f"{url}/contribute?lang=en")
    address = _field(page, "Address")
    address.fill("Rue de la Loi 16, 1000 Bruxelles")
    address.press("Enter")
    expect(page.get_by_text("Address found").first).to_be_visible()
    _map_frame(page).locator("path.leaflet-interactive").first.wait_for(state="attached")
    _field(page, "Name of the initiative").fill(name)
    _field(page, "Your story").fill("Tomatoes on the roof of a car park, for everyone.")
    _field(page, "Your e-mail").fill("gardener@example.org")
    attach_picture(page, *picture)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you! Your proposal has been received.")).to_be_visible()


def only_picture(config: settings.Settings, name: str) -> tuple[str, gallery.Picture]:
    with open_store(config) as store:
        record_id = str(store.read(status=None).set_index("name").loc[name, "id"])
        [picture] = gallery.of_initiative(store, record_id, gallery.PICTURE_STATUSES)
    return record_id, picture


def test_a_proposed_picture_is_approved_then_shown_upright_with_no_metadata(page: Page, app: tuple) -> None:
    url, config = app
    name = f"Roof garden {uuid.uuid4().hex[:6]}"
    source = camera_jpeg(160, 80)  # stored sideways, EXIF orientation 6, GPS, camera serial
    propose(page, url, name, ("IMG_0042.jpg", source))
    record_id, picture = only_picture(config, name)
    assert picture.status == "pending"
    status, _, _ = fetch(url + picture.url)
    assert status == 404  # a visitor cannot fetch a pending picture by its URL
    assert fetch(url + picture.thumb_url)[0] == 404

    _login(page, url)
    _choose_pending(page, name)
    expect(page.get_by_role("img", name=ALT)).to_be_visible()  # pending: inline, for moderators only
    page.get_by_role("button", name="Publish the picture").click()
    expect(page.get_by_text(f"Picture published ({name}).")).to_be_visible()
    _approve(page, name)

    page.goto(f"{url}/initiative?id={record_id}&lang=en")
    expect(page.locator("h1").filter(has_text=name)).to_be_visible()
    image = page.get_by_role("img", name=ALT)
    expect(image).to_be_visible()
    page.wait_for_function("(alt) => [...document.images].some(i => i.alt === alt && i.complete)", arg=ALT)
    width, height, top, bottom = page.evaluate(PIXELS, ALT)
    assert (width, height) == (80, 160)  # upright
    assert top[0] > 180 and top[2] < 90 and bottom[2] > 180 and bottom[0] < 90
    expect(page.get_by_text(f"Picture: {CREDIT} · CC BY 4.0")).to_be_visible()
    expect(page.get_by_text("Tomatoes on the roof of a car park, for everyone.")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "initiative-page.png", full_page=True)

    status, headers, body = fetch(url + picture.url)
    assert status == 200 and headers["Content-Type"] == "image/webp"
    assert headers["X-Content-Type-Options"] == "nosniff" and "immutable" in headers["Cache-Control"]
    served = Image.open(io.BytesIO(body))
    assert served.format == "WEBP" and not served.getexif() and not {"exif", "xmp", "icc_profile"} & set(served.info)
    assert b"EXIF" not in body and b"XMP " not in body and SERIAL.encode() not in body

    page.goto(f"{url}/stories?lang=en")
    story = page.locator("li.bim-story").filter(has_text=name)
    expect(story.get_by_role("link", name=name)).to_have_attribute("href", f"/initiative?id={record_id}&lang=en")
    expect(story.get_by_role("img", name=ALT)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "stories-page.png", full_page=True)


@pytest.fixture(scope="module")
def shown_id(app: tuple) -> str:
    """A published initiative with a story, opening hours and a published picture, stored directly."""
    _, config = app
    with open_store(config) as store:
        told = make_records(1, source="axe").assign(story="A story to read.", opening_hours="Mo-Fr 09:00-17:00; PH off")
        [record_id] = store.upsert(told).ids
        caption = pictures.Caption(ALT, CREDIT)
        gallery.attach(store, config, record_id, (camera_jpeg(), "a.jpg"), caption, status="published", actor="t")
    return record_id


@pytest.mark.parametrize("path", ["/initiative", "/stories"])
def test_the_initiative_and_stories_pages_pass_axe_and_every_image_has_alt(
    page: Page, app: tuple, shown_id: str, path: str
) -> None:
    url, _ = app
    page.goto(f"{url}{path}?lang=en&id={shown_id}")
    expect(page.get_by_role("img", name=ALT).first).to_be_visible()
    if path == "/initiative":
        expect(page.locator("table.bim-hours th[scope=row]")).to_have_count(7)  # the week of opening hours
    page.wait_for_load_state("networkidle")
    ours = [v for v in axe.violations(page) if not v.upstream]
    assert not ours, "\n".join(map(str, ours))
    assert [found for frame in page.frames for found in frame.evaluate(ALL_IMAGES_HAVE_ALT)] == []


def noise_png(side: int) -> bytes:
    """A PNG of random pixels: it does not compress, so its size in bytes is about 3 × side²."""
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(1).integers(0, 255, (side, side, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("huge.png", bomb_png(), "huge.png: the image has too many pixels"),
        ("cut.jpg", truncated_jpeg(), "cut.jpg: the file is incomplete or damaged"),
        ("drawing.svg", SVG, "drawing.svg: this is not a JPEG, PNG or WebP picture"),
        ("photo.jpg", HTML, "photo.jpg: this is not a JPEG, PNG or WebP picture"),
        ("big.png", noise_png(300), f"big.png: the file is over {LIMIT_MB} MB"),
    ],
)
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_stored(
    page: Page, app: tuple, name: str, data: bytes, message: str
) -> None:
    url, config = app
    before = counts(config)
    page.goto(f"{url}/contribute?lang=en")
    _field(page, "Name of the initiative").fill(f"Hostile {name}")
    attach_picture(page, name, data)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_text("Nothing was stored.")).to_be_visible()
    assert counts(config) == before


def test_a_jpeg_html_polyglot_is_stored_re_encoded_and_served_only_as_an_image(page: Page, app: tuple) -> None:
    url, config = app
    name = f"Polyglot {uuid.uuid4().hex[:6]}"
    propose(page, url, name, ("poly.jpg", polyglot()))
    record_id, picture = only_picture(config, name)
    with open_store(config) as store:
        stored = gallery.moderator_file(store, picture.display_digest)
        gallery.set_status(store, picture.id, "published", "test")
        store.set_status(record_id, "published", "", "test")
    assert stored is not None and stored[8:12] == b"WEBP" and b"<html" not in stored.lower()
    status, headers, body = fetch(url + picture.url)
    assert status == 200 and headers["Content-Type"] == "image/webp"
    assert headers["X-Content-Type-Options"] == "nosniff" and body == stored
    page.goto(url + picture.url)
    assert page.evaluate("() => document.contentType") == "image/webp"
    assert page.evaluate("() => document.scripts.length") == 0
