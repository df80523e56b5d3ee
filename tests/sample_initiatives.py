"""Synthetic published initiatives placed in the real communes: for the app tests and benchmark.

Names and descriptions are generated; a few records carry hostile text to check escaping.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from core import settings
from core.taxonomy import CATEGORIES
from geo.join import BoundaryJoin
from ingest.store import open_store

# Bounding box of the region (WGS84), a little inside so most points fall in a commune.
LON_RANGE = (4.25, 4.48)
LAT_RANGE = (50.77, 50.91)
HOSTILE = (
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
)


VOCABULARY = (
    "quartier wijk rencontre ontmoeting voisins buren atelier workshop jardin tuin potager moestuin "
    "vélo fiets réparation herstel café soupe soep enfants kinderen jeunes jongeren aînés senioren "
    "musique muziek théâtre theater lecture lezen cuisine koken partage delen compost solidarité "
    "accueil onthaal permanence samedi zaterdag mercredi woensdag soir avond gratuit gratis ouvert "
    "open tous iedereen ensemble samen local lokaal association vereniging bénévoles vrijwilligers"
)


def _description(rng: np.random.Generator) -> str:
    """A sentence of 12 to 30 FR/NL words: text that compresses like real descriptions, not better."""
    return " ".join(rng.choice(VOCABULARY.split(), rng.integers(12, 31))).capitalize() + "."


def sample_records(n: int, join: BoundaryJoin, seed: int = 1) -> pd.DataFrame:
    """`n` published records inside the region, categories cycling through the taxonomy."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(*LON_RANGE, 3 * n)
    lat = rng.uniform(*LAT_RANGE, 3 * n)
    located = join.locate(lon, lat)
    inside = located["in_region"].to_numpy()
    lon, lat, located = lon[inside][:n], lat[inside][:n], located[inside].iloc[:n].reset_index(drop=True)
    keys = list(CATEGORIES)
    index = np.arange(len(lon))
    names = [f"Initiative {i} {keys[i % len(keys)]}" for i in index]
    for i, payload in enumerate(HOSTILE):
        if i < len(names):
            names[i] = f"{names[i]} {payload}"
    return pd.DataFrame(
        {
            "name": names,
            "description": [_description(rng) for _ in index],
            "category": [keys[i % len(keys)] for i in index],
            "street": "Rue de la Loi",
            "housenumber": [str(1 + i % 200) for i in index],
            "postcode": "1000",
            "locality": "Bruxelles",
            "lon": lon,
            "lat": lat,
            "nis_code": located["nis_code"].astype(str),
            "quartier_code": located["quartier_code"].astype(str),
            "sector_code": located["sector_code"].astype(str),
            "geocode_source": "file",
            "geocode_precision": "given",
            "website": ["javascript:alert(1)" if i == 2 else f"https://example.org/{i}" for i in index],
            "contact": "private@example.org",
            "status": "published",
            "source_name": "sample",
            "source_row": index + 1,
            "source_key": [str(i) for i in index],
            "licence": "CC0-1.0",
        }
    )


def fill_store(config: settings.Settings, records: pd.DataFrame, folder: Path) -> settings.Settings:
    """`config` with a new SQLite store in `folder` holding `records`."""
    config = dataclasses.replace(config, database_url=f"sqlite:///{folder / 'initiatives.sqlite'}")
    with open_store(config) as store:
        store.upsert(records)
    return config


def app_environment(config: settings.Settings) -> dict[str, str]:
    """Environment variables that make the app (or the CLI) use `config`'s data and store, without tiles."""
    return {
        "BIM_DATA_DIR": str(config.data_dir),
        "BIM_DATABASE_URL": config.database_url,
        "BIM_TILES_URL": "",
    }
