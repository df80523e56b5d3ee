"""The reference boundaries: build them from official data, validate them, load them.

The 19 communes are derived by dissolving the Statbel statistical sectors on their NIS code,
so sectors nest exactly in communes. Quartiers (Monitoring des Quartiers) come from UrbIS and
do not nest. Everything is written in EPSG:4326 (RFC 7946 GeoJSON); areas are computed in
EPSG:31370.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import ReferenceDataError, ReferenceNotBuiltError
from core.settings import PROJECT_DIR, Settings
from geo import sources, walking
from geo.crs import PROJECTED_CRS

COMMUNE_TABLE = PROJECT_DIR / "data" / "boroughs" / "communes.csv"
REGION_AREA_KM2 = 162.4
REGION_AREA_TOLERANCE_KM2 = 0.5
MAX_OVERLAP_OR_GAP_M2 = 100.0
LAYERS = ("communes", "quartiers", "sectors")
METADATA_FILE = "build.json"


@dataclass(frozen=True)
class Reference:
    """The three boundary layers (EPSG:4326) and what the build recorded about them."""

    communes: gpd.GeoDataFrame
    quartiers: gpd.GeoDataFrame
    sectors: gpd.GeoDataFrame
    metadata: dict


def commune_names() -> pd.DataFrame:
    """The committed fact table: NIS code and FR/NL/EN names of the 19 communes."""
    return pd.read_csv(COMMUNE_TABLE, dtype=str)


# --- reading the sources -------------------------------------------------------------------


def read_sectors(path: Path, nis_codes: list[str]) -> gpd.GeoDataFrame:
    """Statbel sectors of the given communes, in EPSG:31370 (whole-country files are filtered)."""
    frame = _read_vector(path)
    frame.columns = [c if c == "geometry" else c.lower() for c in frame.columns]
    frame = frame.rename(columns={"cd_refnis": "cd_munty_refnis"})  # older Statbel releases
    _require_columns(path, frame, ["cd_sector", "cd_munty_refnis", "tx_sector_descr_fr", "tx_sector_descr_nl"])
    frame = frame[frame["cd_munty_refnis"].astype(str).isin(nis_codes)]
    return gpd.GeoDataFrame(
        {
            "sector_code": frame["cd_sector"].astype(str),
            "name_fr": frame["tx_sector_descr_fr"],
            "name_nl": frame["tx_sector_descr_nl"],
            "nis_code": frame["cd_munty_refnis"].astype(str),
        },
        geometry=frame.geometry.to_crs(PROJECTED_CRS),
    ).reset_index(drop=True)


def read_quartiers(path: Path) -> gpd.GeoDataFrame:
    """UrbIS Monitoring des Quartiers districts, in EPSG:31370."""
    frame = _read_vector(path)
    _require_columns(path, frame, ["MDRC", "NAME_FRE", "NAME_DUT"])
    return gpd.GeoDataFrame(
        {"quartier_code": frame["MDRC"].astype(int), "name_fr": frame["NAME_FRE"], "name_nl": frame["NAME_DUT"]},
        geometry=frame.geometry.to_crs(PROJECTED_CRS),
    )


def read_sector_population(path: Path) -> pd.DataFrame:
    """Population by sector: columns year, sector_code, nis_code, population.

    Reads the source folder's CSV or Statbel's official zip (pipe-separated, upper-case
    columns, year in the file name).
    """
    table = _read_table(path)
    table.columns = [c.lower() for c in table.columns]
    table = table.rename(columns={"cd_sector": "sector_code", "total": "population", "cd_refnis": "nis_code"})
    _require_columns(path, table, ["sector_code", "population"])
    if "year" not in table:
        table["year"] = _year_in_name(path)
    if "nis_code" not in table:
        table["nis_code"] = table["sector_code"].str[:5]
    table["population"] = _integers(path, table["population"], "population")
    table["year"] = _integers(path, table["year"], "year")
    return table[["year", "sector_code", "nis_code", "population"]]


def read_commune_population(path: Path) -> pd.DataFrame:
    """Population by commune and year: columns year, nis_code, population."""
    table = _read_table(path)
    _require_columns(path, table, ["year", "nis_code", "total"])
    return pd.DataFrame(
        {
            "year": _integers(path, table["year"], "year"),
            "nis_code": table["nis_code"].astype(str),
            "population": _integers(path, table["total"], "total"),
        }
    )


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)  # a .zip is read through GDAL's /vsizip/
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise ReferenceDataError(f"{path}: not a readable vector file ({exc}). Replace it with a good copy.") from exc
    if frame.crs is None:
        raise ReferenceDataError(f"{path}: no coordinate reference system. Replace it with a good copy.")
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise ReferenceDataError(
            f"{path}: {int((frame.geometry.isna() | frame.geometry.is_empty).sum())} "
            "features have no geometry. Replace it with a good copy."
        )
    return frame


def _read_table(path: Path) -> pd.DataFrame:
    """A CSV, or the single CSV/TXT inside a zip; the delimiter (| ; , tab) is taken from the header."""
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                members = [n for n in archive.namelist() if n.lower().endswith((".txt", ".csv"))]
                if len(members) != 1:
                    raise ReferenceDataError(f"{path}: expected one .txt/.csv table inside, found {members}")
                text = archive.read(members[0]).decode("utf-8-sig")
        else:
            text = path.read_text(encoding="utf-8-sig")
        header = text.split("\n", 1)[0]
        delimiter = max("|;,\t", key=header.count)
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str)
    except (OSError, ValueError, zipfile.BadZipFile, pd.errors.ParserError) as exc:
        raise ReferenceDataError(f"{path}: not a readable table ({exc}). Replace it with a good copy.") from exc


def _require_columns(path: Path, frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"{path}: missing column(s) {missing}; found {list(frame.columns)}.")


def _integers(path: Path, values: pd.Series, column: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # +1 for the header, +1 for 1-based rows
        raise ReferenceDataError(
            f"{path}: row {row}, column '{column}': {values.iloc[row - 2]!r} is not a whole number."
        )
    return numbers.astype(np.int64)


def _year_in_name(path: Path) -> int:
    match = re.search(r"(19|20)\d\d", path.name)
    if not match:
        raise ReferenceDataError(f"{path}: no 'year' column and no year in the file name.")
    return int(match.group(0))


# --- assembling and validating -----------------------------------------------------------------


def assemble(
    sectors: gpd.GeoDataFrame,
    quartiers: gpd.GeoDataFrame,
    sector_population: pd.DataFrame,
    commune_population: pd.DataFrame,
) -> Reference:
    """Derive the communes from the sectors and attach areas and populations (all EPSG:31370)."""
    sector_year = int(sector_population["year"].max())
    located = sector_population[sector_population["year"] == sector_year].set_index("sector_code")["population"]
    sectors = sectors.assign(area_km2=sectors.area / 1e6, population=sectors["sector_code"].map(located))
    sectors["population_year"] = sector_year

    latest_year = int(commune_population["year"].max())
    latest = commune_population[commune_population["year"] == latest_year].set_index("nis_code")["population"]
    names = commune_names().set_index("nis_code")
    communes = sectors[["nis_code", "geometry"]].dissolve("nis_code").join(names, how="left").reset_index()
    communes["area_km2"] = communes.area / 1e6
    communes["population"] = communes["nis_code"].map(latest)
    communes["population_year"] = latest_year

    quartiers = quartiers.assign(area_km2=quartiers.area / 1e6)
    return Reference(
        communes=communes[
            ["nis_code", "name_fr", "name_nl", "name_en", "area_km2", "population", "population_year", "geometry"]
        ],
        quartiers=quartiers.sort_values("quartier_code").reset_index(drop=True),
        sectors=sectors.sort_values("sector_code").reset_index(drop=True),
        metadata={"sector_population_year": sector_year, "commune_population_year": latest_year},
    )


def validate(reference: Reference, sector_population: pd.DataFrame, commune_population: pd.DataFrame) -> list[str]:
    """Every problem that makes the reference data unfit to use (empty when it is sound)."""
    problems: list[str] = []
    communes, sectors, quartiers = reference.communes, reference.sectors, reference.quartiers
    expected = set(commune_names()["nis_code"])
    found = set(communes["nis_code"])
    if found != expected:
        problems.append(
            f"communes: expected the 19 NIS codes 21001..21019; missing {sorted(expected - found)}, "
            f"unexpected {sorted(found - expected)}"
        )
    for name, frame, key in (
        ("communes", communes, "nis_code"),
        ("sectors", sectors, "sector_code"),
        ("quartiers", quartiers, "quartier_code"),
    ):
        invalid = frame.loc[~frame.is_valid, key].tolist()
        if invalid:
            problems.append(f"{name}: invalid geometries for {invalid[:10]}")
        duplicated = frame.loc[frame[key].duplicated(), key].tolist()
        if duplicated:
            problems.append(f"{name}: duplicated codes {duplicated[:10]}")
    if problems:
        return problems

    region = shapely.union_all(communes.geometry.values)
    area_km2 = region.area / 1e6
    if abs(area_km2 - REGION_AREA_KM2) > REGION_AREA_TOLERANCE_KM2:
        problems.append(
            f"communes: the region's area is {area_km2:.3f} km², expected {REGION_AREA_KM2} ± "
            f"{REGION_AREA_TOLERANCE_KM2} km²"
        )
    problems += _overlaps("communes", communes, "nis_code")
    holes = [shapely.Polygon(ring) for part in getattr(region, "geoms", [region]) for ring in part.interiors]
    big_holes = [h.area for h in holes if h.area > MAX_OVERLAP_OR_GAP_M2]
    if big_holes:
        problems.append(
            f"communes: {len(big_holes)} gap(s) between communes larger than "
            f"{MAX_OVERLAP_OR_GAP_M2:.0f} m² (largest {max(big_holes):.0f} m²)"
        )
    quartier_area_km2 = shapely.union_all(quartiers.geometry.values).area / 1e6
    if abs(quartier_area_km2 - area_km2) > REGION_AREA_TOLERANCE_KM2:
        problems.append(f"quartiers: they cover {quartier_area_km2:.3f} km², the communes {area_km2:.3f} km²")
    problems += _population_problems(sectors, sector_population, commune_population)
    return problems


def _overlaps(name: str, frame: gpd.GeoDataFrame, key: str) -> list[str]:
    geoms = frame.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    areas = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    codes = frame[key].to_numpy()
    return [
        f"{name}: {codes[a]} and {codes[b]} overlap by {area:.0f} m² (more than {MAX_OVERLAP_OR_GAP_M2:.0f} m²)"
        for a, b, area in zip(left, right, areas, strict=True)
        if area > MAX_OVERLAP_OR_GAP_M2
    ]


def _population_problems(
    sectors: gpd.GeoDataFrame, sector_population: pd.DataFrame, commune_population: pd.DataFrame
) -> list[str]:
    """Each sector must have a population, and the sectors (with the residents Statbel could not
    place in a sector) must sum to each commune's total of the same year."""
    year = int(sector_population["year"].max())
    rows = sector_population[sector_population["year"] == year]
    problems = []
    without = sectors.loc[sectors["population"].isna(), "sector_code"].tolist()
    if without:
        problems.append(f"sector population {year}: no figure for {len(without)} sector(s), e.g. {without[:5]}")
    totals = commune_population[commune_population["year"] == year].set_index("nis_code")["population"]
    if totals.empty:
        return [*problems, f"commune population: no totals for {year}, the year of the sector population"]
    sums = rows[rows["nis_code"].isin(sectors["nis_code"])].groupby("nis_code")["population"].sum()
    for nis_code in sorted(set(sectors["nis_code"])):
        total, summed = totals.get(nis_code), sums.get(nis_code, 0)
        if total != summed:
            problems.append(
                f"population {year}: the sectors of {nis_code} sum to {summed}, the commune total is {total}"
            )
    return problems


# --- building, writing, loading ------------------------------------------------------------------


def _required(paths: dict[str, Path | None], key: str) -> Path:
    """The file of a source every build needs (only derived sources may have none)."""
    path = paths.get(key)
    if path is None:
        raise ReferenceDataError(f"the source {key!r} has no file and no download URL: see data/boroughs/sources.toml")
    return path


def build(settings: Settings) -> Reference:
    """Read the sources, assemble, validate and write the reference data under `settings.data_dir`.

    With a source folder, also builds the walking network and the residents' points
    (`geo.walking`, under `data/network/`). Raises ReferenceDataError naming the file and the
    problem; the previously built files are then left untouched (everything is checked before
    anything is written, and new files are written aside and moved into place).
    """
    nis_codes = commune_names()["nis_code"].tolist()
    with tempfile.TemporaryDirectory(prefix="downloads-", dir=_ensure(settings.data_dir)) as download_dir:
        paths = sources.fetch(settings, Path(download_dir))
        sectors = read_sectors(_required(paths, "statbel_sectors"), nis_codes)
        quartiers = read_quartiers(_required(paths, "urbis_quartiers"))
        sector_population = read_sector_population(_required(paths, "statbel_sector_population"))
    sector_population = sector_population[sector_population["nis_code"].isin(nis_codes)]
    commune_path = paths.get("statbel_commune_population")
    commune_population = (
        read_commune_population(commune_path)
        if commune_path is not None
        else sector_population.groupby(["year", "nis_code"], as_index=False)["population"].sum()
    )
    reference = assemble(sectors, quartiers, sector_population, commune_population)
    problems = validate(reference, sector_population, commune_population)
    if problems:
        origin = settings.source_dir or "the official downloads"
        raise ReferenceDataError(f"reference data from {origin} failed validation:\n- " + "\n- ".join(problems))
    walk = walking.build(settings.source_dir, reference.sectors, reference.quartiers) if settings.source_dir else None
    reference.metadata.update(
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source=str(settings.source_dir) if settings.source_dir else "download",
        counts={name: len(getattr(reference, name)) for name in LAYERS},
        region_area_km2=round(float(reference.communes["area_km2"].sum()), 3),
        attribution=sources.attribution_lines(),
    )
    if walk is not None:
        reference.metadata["counts"].update(network_nodes=walk.metadata["nodes"], residents_points=len(walk.points))
        walking.write(walk, settings.data_dir)
    _write(reference, settings.boroughs_dir)
    return load(settings.data_dir)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(reference: Reference, target: Path) -> None:
    """Write all layers aside, then move them into place (metadata last, as the commit mark)."""
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    try:
        for name in LAYERS:
            layer = getattr(reference, name).to_crs("EPSG:4326")
            layer.to_file(staging / f"{name}.geojson", driver="GeoJSON", layer_options={"RFC7946": "YES"})
        (staging / METADATA_FILE).write_text(json.dumps(reference.metadata, indent=2, ensure_ascii=False))
        for name in [f"{layer}.geojson" for layer in LAYERS] + [METADATA_FILE]:
            (staging / name).replace(target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load(data_dir: Path) -> Reference:
    """The built reference data (EPSG:4326); raises ReferenceNotBuiltError if it is not there."""
    folder = data_dir / "boroughs"
    paths = {name: folder / f"{name}.geojson" for name in LAYERS}
    if not (folder / METADATA_FILE).is_file() or not all(p.is_file() for p in paths.values()):
        raise ReferenceNotBuiltError(
            f"no reference data in {folder}: build it with `python -m ingest reference` (or `make run`)."
        )
    layers = {name: gpd.read_file(path) for name, path in paths.items()}
    layers["communes"]["nis_code"] = layers["communes"]["nis_code"].astype(str)
    return Reference(**layers, metadata=json.loads((folder / METADATA_FILE).read_text()))
