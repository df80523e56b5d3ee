"""The map beyond the app: the read-only GeoJSON API, Atom feeds and the embeddable map (routes in app.py)."""
