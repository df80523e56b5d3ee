// The clustered initiatives of a map page (ui/maps.py ClusteredInitiatives inlines this module).
//
// Python sends every table as {fields: [name, ...], rows: [[value, ...], ...]}: the field names
// are declared once, in ui/maps.py (POINT_FIELDS, TEXT_FIELDS), and read here by name, so a
// field added, dropped or moved there cannot shift the popups' values. Every text in the rows is
// already HTML-escaped by Python; the labels in `config` are our own, escaped too.
// The functions above `start` are pure (tests/js/clustered_map.test.js runs them in node).

// The fields this code reads; a table without one of them is refused with its name.
export const POINT_FIELDS = ["lat", "lon", "category", "text"];
export const TEXT_FIELDS = ["commune", "name", "address", "website", "description", "story", "picture"];
export const EXTRA_FIELDS = ["id", "thumbnail", "alt", "width", "height"];
const SPACE_OR_ENTER = [" ", "Enter"];

/** The JSON value packed by Python as gzip in base64 (ui/maps.py `_packed`), decoded natively. */
export async function decodePacked(base64) {
    const response = await fetch("data:application/octet-stream;base64," + base64);
    return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
}

/** A {fields, rows} table checked for the `needed` fields, with each field's column. */
export function readTable(data, needed) {
    if (!data || !Array.isArray(data.fields) || !Array.isArray(data.rows)) {
        throw new Error("map table: expected {fields, rows}");
    }
    const column = {};
    data.fields.forEach((name, i) => { column[name] = i; });
    const missing = needed.filter((name) => !(name in column));
    if (missing.length) throw new Error("map table: missing field(s) " + missing.join(", "));
    return {column, rows: data.rows, size: data.rows.length};
}

/** Row `i` of a table read by `readTable` as {field: value}, or null when there is no such row. */
export function rowAt(table, i) {
    const row = Number.isInteger(i) ? table.rows[i] : undefined;
    if (!row) return null;
    const named = {};
    for (const name in table.column) named[name] = row[table.column[name]];
    return named;
}

/** A link opening in a new tab; `url` and `label` are escaped already. */
function link(url, label) {
    return '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + label + "</a>";
}

/** The popup of one initiative: `text` a texts row (rowAt), or null while it cannot be had; `extra`
 *  its extras row (its page's id, its thumbnail), or null before they are fetched; `pageUrl` the
 *  initiative page's address without the id. */
export function popupHtml(text, category, communes, labels, extra = null, pageUrl = "") {
    if (!text) return '<div class="bim-popup">' + category.label + "<br><em>" + labels.unavailable + "</em></div>";
    const parts = [
        "<strong>" + text.name + "</strong>",
        '<span style="color:' + category.colour + '" aria-hidden="true">&#9679;</span> ' + category.label,
    ];
    if (text.commune >= 0 && text.commune < communes.length) parts.push(communes[text.commune]);
    if (text.story) parts.push("<em>" + text.story + "</em>");
    if (text.address) parts.push(text.address);
    if (text.description) parts.push("<em>" + text.description + "</em>");
    if (text.website) parts.push(link(text.website, labels.website));
    if (text.picture) parts.push(link(text.picture, labels.picture));
    if (extra && extra.thumbnail) {
        parts.unshift('<img src="' + extra.thumbnail + '" alt="' + extra.alt + '" width="' + extra.width
            + '" height="' + extra.height + '" loading="lazy" style="max-width:100%;height:auto">');
    }
    if (extra && pageUrl) parts.push(link(pageUrl + encodeURIComponent(extra.id), labels.page));
    return '<div class="bim-popup">' + parts.join("<br>") + "</div>";
}

const ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'"};

/** Text escaped by Python's html.escape back to plain text, for an attribute set as text. */
export function plainText(escaped) {
    return escaped.replace(/&(amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity]);
}

/** A marker's accessible name, as plain text: the initiative's name once the texts are in, and its category. */
export function markerLabel(text, category) {
    const label = text && text.name ? text.name + " – " + category.label : category.label;
    return plainText(label);
}

/** The pixel size of a cluster of `count` initiatives. */
export function clusterSize(count) {
    return count < 10 ? 32 : count < 100 ? 40 : 48;
}

/** Whether a keyboard event activates a button (Enter or Space). */
export function activates(event) {
    return SPACE_OR_ENTER.includes(event.key);
}

/** The layer on Leaflet map `map` (Leaflet and Supercluster loaded): see ClusteredInitiatives. */
export function start(map, config) {
    const shown = L.layerGroup().addTo(map);
    const index = new Supercluster({radius: 60, minZoom: map.getMinZoom(), maxZoom: map.getMaxZoom()});
    const categories = config.categories;
    let points = readTable({fields: POINT_FIELDS, rows: []}, POINT_FIELDS);
    let texts; // undefined until fetched, null if they could not be
    let extras, extrasReady; // fetched when a popup first opens: pictures cost the page nothing
    let drawn = {};
    const icons = categories.map((category) => L.divIcon({
        className: "bim-marker", iconSize: [14, 14],
        html: '<span style="background:' + category.colour + '"></span>',
    }));
    const point = (i) => rowAt(points, i);
    const textOf = (i) => (texts ? rowAt(texts, point(i).text) : null);
    const extraOf = (i) => (extras ? rowAt(extras, point(i).text) : null);
    const popupOf = (i) => popupHtml(texts === undefined ? null : textOf(i), categories[point(i).category],
        config.communes, config.labels, extraOf(i), config.pageUrl);
    // Resolves once the popup texts and the extras are in (or could not be had).
    function details() {
        extrasReady = extrasReady || fetch(config.extrasUrl).then((response) => {
            if (!response.ok) throw new Error("popup extras: HTTP " + response.status);
            return response.json();
        }).then((data) => { extras = readTable(data, EXTRA_FIELDS); }, () => { extras = null; });
        return Promise.all([ready, extrasReady]);
    }

    // A marker's name: its title (shown on hover) and its aria-label, which a cluster needs
    // beside its visible count; Leaflet makes the element again each time the marker is added.
    function named(marker, name) {
        const element = marker.getElement();
        if (element) { element.title = name; element.setAttribute("aria-label", name); }
    }
    function label(marker, i) {
        named(marker, markerLabel(textOf(i), categories[point(i).category]));
    }
    function pointMarker(i, latlng) {
        const marker = L.marker(latlng, {icon: icons[point(i).category]});
        marker.on("add", () => label(marker, i));
        marker.bindPopup(() => {
            if (texts !== undefined && extras !== undefined) return popupOf(i);
            details().then(() => marker.setPopupContent(popupOf(i)));
            return texts !== undefined ? popupOf(i) : "…";
        }, {maxWidth: 320});
        marker.on("keypress", (e) => { // Leaflet opens a popup on Enter itself
            if (e.originalEvent.key === " ") { e.originalEvent.preventDefault(); marker.openPopup(); }
        });
        return marker;
    }
    function clusterMarker(id, count, latlng) {
        const size = clusterSize(count);
        const icon = L.divIcon({className: "bim-cluster", iconSize: [size, size], html: "<div>" + count + "</div>"});
        const marker = L.marker(latlng, {icon: icon});
        marker.on("add", () => named(marker, config.labels.cluster.replace("{n}", count)));
        function open(byKeyboard) {
            const zoom = index.getClusterExpansionZoom(id);
            if (zoom <= map.getMaxZoom()) {
                map.setView(latlng, zoom);
                if (byKeyboard) map.getContainer().focus(); // the cluster is gone: Tab goes on to what it held
                return;
            }
            details().then(() => {
                const here = index.getLeaves(id, Infinity).map((leaf) => popupOf(leaf.properties.i));
                marker.bindPopup(here.join("<hr>"), {maxWidth: 320, maxHeight: 320}).openPopup();
            });
        }
        marker.on("click", () => open(false));
        marker.on("keypress", (e) => { // once a popup is bound (one place), Leaflet opens it on Enter
            if (!activates(e.originalEvent)) return;
            e.originalEvent.preventDefault();
            if (!marker.getPopup()) open(true);
            else if (e.originalEvent.key === " ") marker.openPopup();
        });
        return marker;
    }
    function draw() {
        const view = map.getBounds().pad(0.2), next = {};
        const bbox = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()];
        index.getClusters(bbox, map.getZoom()).forEach((feature) => {
            const p = feature.properties, lonlat = feature.geometry.coordinates, latlng = [lonlat[1], lonlat[0]];
            const key = p.cluster ? "c" + p.cluster_id : "p" + p.i;
            next[key] = drawn[key] || (p.cluster ? clusterMarker(p.cluster_id, p.point_count, latlng)
                : pointMarker(p.i, latlng));
        });
        Object.keys(drawn).forEach((key) => { if (!next[key]) shown.removeLayer(drawn[key]); });
        Object.keys(next).forEach((key) => { if (!drawn[key]) shown.addLayer(next[key]); });
        drawn = next;
    }
    function relabel() {
        Object.keys(drawn).forEach((key) => { if (key[0] === "p") label(drawn[key], Number(key.slice(1))); });
    }
    const ready = decodePacked(config.points).then((data) => {
        points = readTable(data, POINT_FIELDS);
        const features = [];
        for (let i = 0; i < points.size; i++) {
            const where = point(i);
            const geometry = {type: "Point", coordinates: [where.lon, where.lat]};
            features.push({type: "Feature", properties: {i: i}, geometry: geometry});
        }
        index.load(features);
        draw();
        map.on("moveend", draw);
        return fetch(config.textsUrl).then((response) => {
            if (!response.ok) throw new Error("popup texts: HTTP " + response.status);
            return response.json();
        }).then((data) => readTable(data, TEXT_FIELDS));
    }).then((table) => { texts = table; }, () => { texts = null; }).then(relabel);
    return {ready: ready, popupHtml: popupOf, size: () => points.size};
}
