"""The map's JavaScript (ui/js/clustered_map.js) against the tables Python writes, run in node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from core import settings
from i18n import commune_codes, commune_names
from tests.test_app_helpers import HOSTILE_RECORD
from ui import maps

# Reads Python's points and texts as the page does, then prints every popup and the fields the code needs.
READ_AS_THE_PAGE_DOES = """
import {readFileSync} from "node:fs";
import {gunzipSync} from "node:zlib";
import * as code from "%s";
const [packedPoints, textsFile] = process.argv.slice(1);
const points = code.readTable(await code.decodePacked(readFileSync(packedPoints, "ascii")), code.POINT_FIELDS);
const texts = code.readTable(JSON.parse(gunzipSync(readFileSync(textsFile))), code.TEXT_FIELDS);
const category = {label: "Culture", colour: "#000"}, labels = {website: "Web", picture: "Pic", unavailable: "?"};
const popups = [];
for (let i = 0; i < points.size; i++) {
    popups.push(code.popupHtml(code.rowAt(texts, code.rowAt(points, i).text), category, ["A", "B", "C", "D"], labels));
}
console.log(JSON.stringify({popups, fields: [code.POINT_FIELDS, code.TEXT_FIELDS]}));
"""


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if not found:
        pytest.fail("node is missing: the map's code cannot be tested (Debian: apt-get install nodejs)")
    return found


def test_the_map_code_reads_the_tables_python_writes(node: str, tmp_path: Path) -> None:
    other = {**HOSTILE_RECORD, "id": "r2", "name": "Repair café", "website": "https://ok.example/", "nis_code": "x"}
    table = maps.marker_table(pd.DataFrame([HOSTILE_RECORD, other]), commune_codes())
    points_file, texts_file = tmp_path / "points.b64", tmp_path / "texts.json.gz"
    points_file.write_text(maps.packed_points([table.points["r1"], table.points["r2"]]))
    texts_file.write_bytes(table.texts)
    script = READ_AS_THE_PAGE_DOES % maps.CLUSTERED_MAP_JS.as_uri()
    run = subprocess.run(
        [node, "--input-type=module", "-e", script, str(points_file), str(texts_file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.PROJECT_DIR,
    )
    found = json.loads(run.stdout)
    assert found["fields"] == [list(maps.POINT_FIELDS), list(maps.TEXT_FIELDS)]
    hostile, repair = found["popups"]
    assert hostile.startswith('<div class="bim-popup"><strong>&lt;b&gt;x&lt;/b&gt;</strong>')
    assert "<br>D<br>" in hostile  # commune 21004 is the fourth of the list
    assert "<script" not in hostile and "<img" not in hostile and "href" not in hostile
    assert "<strong>Repair café</strong>" in repair and 'href="https://ok.example/"' in repair
    assert "<br>D<br>" not in repair  # an unknown commune is left out


def test_a_map_page_names_itself_in_its_language_and_inlines_the_module(tmp_path: Path) -> None:
    config = settings.Settings(data_dir=tmp_path, source_dir=None, tiles_url="")
    m = maps.base_map(config)
    table = maps.marker_table(pd.DataFrame([HOSTILE_RECORD]), commune_codes())
    maps.add_initiatives(m, table, ["r1"], "nl", commune_names("nl"))
    html = maps.page(m, "Kaart <van> de initiatieven", "nl")
    assert html.startswith('<!DOCTYPE html>\n<html lang="nl">\n')
    assert "<title>Kaart &lt;van&gt; de initiatieven</title>" in html
    assert '<script type="module">' in html and "export function start(map, config)" in html
    assert html.count("<script") == html.count("</script>")


def test_code_that_would_end_the_inline_script_is_refused(tmp_path: Path) -> None:
    code = tmp_path / "map.js"
    code.write_text('const s = "</SCRIPT>";\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"map\.js: '</script' would end the inline script early"):
        maps._module_code(code)
