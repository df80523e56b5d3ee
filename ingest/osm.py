"""OpenStreetMap community places (the demo data) as initiative records.

No special mapping is needed: the generic header mapping reads the OSM tags (`name`, `name:fr`,
`name:nl`, `addr:*`, `website`/`contact:website`, and `community_centre` / `social_facility` /
`amenity` / `office` / `club` as the category, most specific first). This module only adds the
source name and the licence that must travel with the data.
"""

from __future__ import annotations

from pathlib import Path

from ingest.readers import read_table
from ingest.validate import Validated, validate

LICENCE = "ODbL 1.0 – © OpenStreetMap contributors"
SOURCE_NAME = "osm_community_places"
FILE_NAME = "initiatives/brussels_osm_community_places.geojson"  # under the source folder (BIM_SOURCE_DIR)


def read_osm_places(path: Path, source_name: str = SOURCE_NAME) -> Validated:
    """Read and validate the OSM community-places GeoJSON; every feature becomes one record."""
    return validate(read_table(path), source_name, LICENCE)
