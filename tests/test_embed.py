"""The embeddable map (/embed), oEmbed, the initiative pages, and the map page's offer of both
embed and feed: over HTTP from the running app, and the page through AppTest."""

from __future__ import annotations

import html
import http.client
import json
import re
from urllib.parse import quote, urlencode, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from core import settings
from tests.web_app import SampleApp, app_fixture, get

app = app_fixture(40)


def test_the_embed_is_a_plain_cacheable_page_in_the_chosen_language(app: SampleApp) -> None:
    answer = get(f"{app.url}/embed?commune=21015&cat=food,library&lang=nl")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/html")
    page = answer.body.decode()
    assert '<html lang="nl">' in page and "<title>Kaart van de initiatieven" in page
    assert "public, max-age=" in answer.headers["cache-control"]
    assert "_stcore" not in page  # no Streamlit session, no Streamlit code
    assert "link" not in answer.headers  # nor the Streamlit pages' preload header
    assert (
        get(f"{app.url}/embed?commune=21015&cat=food,library&lang=nl", {"If-None-Match": answer.headers["etag"]}).status
        == 304
    )
    sources = re.findall(r'<(?:script[^>]* src|link[^>]* href)="([^"]+)"', page)
    assert sources and all(s.startswith("/app/static/") for s in sources)


def test_the_embed_refuses_a_bad_filter_naming_it(app: SampleApp) -> None:
    answer = get(f"{app.url}/embed?commune=1000")
    assert answer.status == 400 and json.loads(answer.body)["invalid-params"][0]["name"] == "commune"


def test_oembed_answers_a_map_url_with_the_embed_iframe(app: SampleApp) -> None:
    target = f"{app.url}/?cat=repair&commune=21015&lang=fr"
    answer = json.loads(get(f"{app.url}/api/v1/oembed?url={quote(target, safe='')}&maxwidth=600").body)
    assert (answer["version"], answer["type"], answer["width"], answer["height"]) == ("1.0", "rich", 600, 560)
    src = html.unescape(re.search(r'src="([^"]+)"', answer["html"]).group(1))
    assert src == f"{app.url}/embed?cat=repair&commune=21015&lang=fr"
    assert get(src).status == 200


def test_oembed_answers_an_initiative_url_with_its_name_and_404_for_others(app: SampleApp) -> None:
    feature = json.loads(get(f"{app.url}/api/v1/initiatives?limit=1").body)["features"][0]
    target = quote(f"{app.url}/initiative/{feature['id']}", safe="")
    answer = json.loads(get(f"{app.url}/api/v1/oembed?url={target}").body)
    assert (answer["type"], answer["title"]) == ("link", feature["properties"]["name"])
    for other in ("https://example.org/", f"{app.url}/coverage", f"{app.url}/initiative/no-such-id"):
        assert get(f"{app.url}/api/v1/oembed?url={quote(other, safe='')}").status == 404


def test_the_short_initiative_address_redirects_for_good_to_the_initiative_page(app: SampleApp) -> None:
    feature = json.loads(get(f"{app.url}/api/v1/initiatives?limit=1").body)["features"][0]
    parts = urlsplit(app.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request("GET", f"/initiative/{quote(feature['id'], safe='')}?lang=nl")
    answer = connection.getresponse()
    assert answer.status == 308
    assert answer.getheader("location") == f"/initiative?{urlencode({'id': feature['id'], 'lang': 'nl'})}"
    connection.close()


def test_oembed_also_answers_the_initiative_page_address(app: SampleApp) -> None:
    feature = json.loads(get(f"{app.url}/api/v1/initiatives?limit=1").body)["features"][0]
    target = quote(f"{app.url}/initiative?{urlencode({'id': feature['id'], 'lang': 'en'})}", safe="")
    answer = json.loads(get(f"{app.url}/api/v1/oembed?url={target}").body)
    assert (answer["type"], answer["title"]) == ("link", feature["properties"]["name"])
    assert get(f"{app.url}/api/v1/oembed?url={quote(app.url + '/initiative?id=nope', safe='')}").status == 404


def test_the_map_page_offers_the_embed_snippet_and_feed_link_of_its_filters(
    app: SampleApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in app.environment.items():
        monkeypatch.setenv(name, value)
    page = AppTest.from_file(str(settings.PROJECT_DIR / "navigation.py"), default_timeout=60)
    page.query_params.update({"lang": "en", "commune": "21015", "cat": "food"})
    page.run()
    assert not page.exception
    snippet = next(c.value for c in page.code if "<iframe" in c.value)
    assert "/embed?cat=food&amp;commune=21015&amp;lang=en" in snippet
    links = [m.value for m in page.markdown if "feeds/initiatives.atom" in m.value]
    assert links and "/feeds/initiatives.atom?cat=food&commune=21015&lang=en" in links[0]
