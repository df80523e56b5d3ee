// The pure parts of the map's code (ui/js/clustered_map.js): `node --test tests/js/` (make test).
import assert from "node:assert/strict";
import {test} from "node:test";
import {gzipSync} from "node:zlib";

import {
    activates, clusterSize, decodePacked, EXTRA_FIELDS, markerLabel, plainText, popupHtml, readTable, rowAt, TEXT_FIELDS,
} from "../../ui/js/clustered_map.js";

const CATEGORY = {label: "Libraries &amp; reading", colour: "#1b9e77"};
const COMMUNES = ["Anderlecht", "Auderghem"];
const LABELS = {website: "Website", picture: "Picture", unavailable: "Details unavailable: reload the page.", page: "Open"};
const TEXTS = {
    fields: ["commune", "name", "address", "website", "description", "story", "picture"],
    rows: [
        [1, "Repair caf\u00e9", "Rue Haute 1, 1000 Bruxelles", "https://ok.example/", "Tools", "", ""],
        [-1, "&lt;b&gt;x&lt;/b&gt;", "", "", "", "A story", "https://pics.example/1.jpg"],
    ],
};

function packed(value) {
    return gzipSync(Buffer.from(JSON.stringify(value))).toString("base64");
}

test("a packed payload decodes to the JSON Python packed", async () => {
    const value = {fields: ["lat", "lon"], rows: [[50.85, 4.35], [50.8, 4.4]]};
    assert.deepEqual(await decodePacked(packed(value)), value);
});

test("a corrupt payload rejects instead of giving a partial table", async () => {
    const truncated = packed({fields: ["lat"], rows: [[1], [2], [3]]}).slice(0, 20);
    await assert.rejects(decodePacked(truncated));
});

test("rows are looked up by field name, whatever the fields' order", () => {
    const swapped = {fields: ["name", "commune", ...TEXT_FIELDS.slice(2)], rows: [["Potager", 0, "", "", "", "", ""]]};
    assert.equal(rowAt(readTable(swapped, TEXT_FIELDS), 0).name, "Potager");
    assert.equal(rowAt(readTable(swapped, TEXT_FIELDS), 0).commune, 0);
    const texts = readTable(TEXTS, TEXT_FIELDS);
    assert.deepEqual(rowAt(texts, 1), {
        commune: -1, name: "&lt;b&gt;x&lt;/b&gt;", address: "", website: "", description: "", story: "A story",
        picture: "https://pics.example/1.jpg",
    });
});

test("a row that does not exist is null", () => {
    const texts = readTable(TEXTS, TEXT_FIELDS);
    assert.equal(rowAt(texts, 2), null);
    assert.equal(rowAt(texts, -1), null);
    assert.equal(rowAt(texts, undefined), null);
    assert.equal(rowAt(texts, "0"), null);
});

test("a table without a field the map reads is refused, naming the field", () => {
    const withoutStory = {fields: TEXT_FIELDS.filter((f) => f !== "story"), rows: []};
    assert.throws(() => readTable(withoutStory, TEXT_FIELDS), /missing field\(s\) story/);
    assert.throws(() => readTable([[1, "x"]], TEXT_FIELDS), /expected \{fields, rows\}/);
});

test("a popup shows name, category, commune, texts and links in order", () => {
    const html = popupHtml(rowAt(readTable(TEXTS, TEXT_FIELDS), 0), CATEGORY, COMMUNES, LABELS);
    assert.equal(
        html,
        '<div class="bim-popup"><strong>Repair caf\u00e9</strong><br>'
            + '<span style="color:#1b9e77" aria-hidden="true">&#9679;</span> Libraries &amp; reading<br>Auderghem<br>'
            + "Rue Haute 1, 1000 Bruxelles<br><em>Tools</em><br>"
            + '<a href="https://ok.example/" target="_blank" rel="noopener noreferrer">Website</a></div>',
    );
});

test("a popup leaves out what is empty and a commune it does not know", () => {
    const html = popupHtml(rowAt(readTable(TEXTS, TEXT_FIELDS), 1), CATEGORY, COMMUNES, LABELS);
    assert.ok(html.includes("<em>A story</em>"));
    assert.ok(html.includes('href="https://pics.example/1.jpg"'));
    assert.ok(!html.includes("Website"));
    assert.ok(!COMMUNES.some((name) => html.includes(name)));
    const far = popupHtml({...rowAt(readTable(TEXTS, TEXT_FIELDS), 0), commune: 7}, CATEGORY, COMMUNES, LABELS);
    assert.ok(!far.includes("undefined"));
});

test("a popup without its texts says to reload", () => {
    assert.equal(
        popupHtml(null, CATEGORY, COMMUNES, LABELS),
        '<div class="bim-popup">Libraries &amp; reading<br><em>Details unavailable: reload the page.</em></div>',
    );
});

test("a marker's name is plain text: the initiative once its texts are in, and its category", () => {
    const texts = readTable(TEXTS, TEXT_FIELDS);
    assert.equal(markerLabel(null, CATEGORY), "Libraries & reading");
    assert.equal(markerLabel(rowAt(texts, 1), CATEGORY), "<b>x</b> \u2013 Libraries & reading");
    assert.equal(plainText("&amp;lt; &quot;a&quot; &#x27;b&#x27;"), "&lt; \"a\" 'b'");
});

test("clusters grow with their count; Enter and Space activate them", () => {
    assert.deepEqual([1, 9, 10, 99, 100, 10000].map(clusterSize), [32, 32, 40, 40, 48, 48]);
    assert.deepEqual(["Enter", " ", "Tab", "a"].map((key) => activates({key})), [true, true, false, false]);
});

test("a popup with its extras shows the thumbnail first and links to the initiative page", () => {
    const extras = readTable({fields: EXTRA_FIELDS, rows: [["a b/c", "/pictures/x.webp", "A &lt;b&gt;", 320, 240]]},
        EXTRA_FIELDS);
    const html = popupHtml(rowAt(readTable(TEXTS, TEXT_FIELDS), 0), CATEGORY, COMMUNES, LABELS, rowAt(extras, 0),
        "/initiative?lang=en&id=");
    assert.ok(html.startsWith('<div class="bim-popup"><img src="/pictures/x.webp" alt="A &lt;b&gt;" width="320"'));
    assert.ok(html.includes('loading="lazy"'));
    assert.ok(html.includes('<a href="/initiative?lang=en&id=a%20b%2Fc" target="_blank"'));
});

test("a popup without a thumbnail has no img, and none at all before its extras arrive", () => {
    const extras = readTable({fields: EXTRA_FIELDS, rows: [["id1", "", "", 0, 0]]}, EXTRA_FIELDS);
    const text = rowAt(readTable(TEXTS, TEXT_FIELDS), 0);
    const withPage = popupHtml(text, CATEGORY, COMMUNES, LABELS, rowAt(extras, 0), "/initiative?id=");
    assert.ok(!withPage.includes("<img") && withPage.includes("/initiative?id=id1"));
    assert.ok(!popupHtml(text, CATEGORY, COMMUNES, LABELS).includes("/initiative"));
});
