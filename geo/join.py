"""Which commune, quartier and statistical sector each point lies in: one vectorised join.

Every caller (import, contribution form, statistics, benchmarks) goes through `BoundaryJoin`.
The lookup works in EPSG:31370 (Belgian Lambert 72), metres.

How it is fast: a regular grid covers the region. A cell that no boundary crosses belongs
wholly to one polygon (or to none), so its points are answered by one array lookup. For the
few cells a boundary crosses, each polygon is clipped to the cell once, at build time; a point
there is tested only against those small pieces. No Python loop runs over points.

Points on a boundary: a point exactly on the border shared by two polygons belongs to the one
with the smallest code (NIS code, quartier code, sector code); a point on the outer border of
the region belongs to the polygon whose border it is on. `geopandas.sjoin(predicate="within")`
would give such points no polygon at all; everywhere else the two agree exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import reference
from geo.crs import PROJECTED_CRS, to_projected

OUTSIDE = -1
_MIXED = -2


@dataclass(frozen=True)
class GridIndex:
    """Point-in-polygon lookup over a regular grid of `cell_m`-metre cells.

    `cell_owner[c]` is the polygon that covers cell `c` entirely, `OUTSIDE`, or `_MIXED`
    when a boundary crosses it; the pieces of a mixed cell are
    `piece_geoms[piece_start[c] : piece_start[c] + piece_count[c]]`, sorted by polygon.
    """

    x0: float
    y0: float
    cell_m: float
    nx: int
    ny: int
    cell_owner: np.ndarray
    piece_start: np.ndarray
    piece_count: np.ndarray
    piece_geoms: np.ndarray
    piece_owner: np.ndarray

    @classmethod
    def build(cls, polygons: np.ndarray, cell_m: float = 100.0) -> GridIndex:
        """Index `polygons` (shapely array, projected metres), whose order sets tie-breaking."""
        polygons = np.asarray(polygons, dtype=object)
        xmin, ymin, xmax, ymax = shapely.total_bounds(polygons)
        nx = max(1, int(np.ceil((xmax - xmin) / cell_m)))
        ny = max(1, int(np.ceil((ymax - ymin) / cell_m)))
        gx, gy = (a.ravel() for a in np.meshgrid(np.arange(nx), np.arange(ny)))
        cells = shapely.box(xmin + gx * cell_m, ymin + gy * cell_m, xmin + (gx + 1) * cell_m, ymin + (gy + 1) * cell_m)
        polygon_tree = shapely.STRtree(polygons)

        crossed = np.zeros(len(cells), dtype=bool)
        crossed[shapely.STRtree(cells).query(shapely.boundary(polygons), predicate="intersects")[1]] = True

        owner = np.full(len(cells), OUTSIDE, dtype=np.int32)
        whole = np.flatnonzero(~crossed)
        centres = shapely.points(xmin + (gx[whole] + 0.5) * cell_m, ymin + (gy[whole] + 0.5) * cell_m)
        centre_idx, poly_idx = polygon_tree.query(centres, predicate="within")
        owner[whole[centre_idx]] = poly_idx

        mixed = np.flatnonzero(crossed)
        owner[mixed] = _MIXED
        cell_idx, poly_idx = polygon_tree.query(cells[mixed], predicate="intersects")
        order = np.lexsort((poly_idx, cell_idx))
        cell_idx, poly_idx = cell_idx[order], poly_idx[order]
        pieces = shapely.intersection(polygons[poly_idx], cells[mixed[cell_idx]])
        keep = ~shapely.is_empty(pieces)
        cell_idx, poly_idx, pieces = cell_idx[keep], poly_idx[keep], pieces[keep]

        piece_start = np.zeros(len(cells), dtype=np.int32)
        piece_count = np.zeros(len(cells), dtype=np.int32)
        with_pieces, first, count = np.unique(mixed[cell_idx], return_index=True, return_counts=True)
        piece_start[with_pieces] = first
        piece_count[with_pieces] = count
        return cls(
            x0=float(xmin),
            y0=float(ymin),
            cell_m=cell_m,
            nx=nx,
            ny=ny,
            cell_owner=owner,
            piece_start=piece_start,
            piece_count=piece_count,
            piece_geoms=pieces,
            piece_owner=poly_idx.astype(np.int32),
        )

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the polygon holding each point (x, y in metres), or `OUTSIDE`."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        result = np.full(len(x), OUTSIDE, dtype=np.int32)
        with np.errstate(invalid="ignore"):
            gx = np.floor((x - self.x0) / self.cell_m)
            gy = np.floor((y - self.y0) / self.cell_m)
            on_grid = np.flatnonzero((gx >= 0) & (gx < self.nx) & (gy >= 0) & (gy < self.ny))
        cell = gy[on_grid].astype(np.int64) * self.nx + gx[on_grid].astype(np.int64)
        owner = self.cell_owner[cell]
        result[on_grid] = np.maximum(owner, OUTSIDE)

        is_mixed = owner == _MIXED
        points, cell = on_grid[is_mixed], cell[is_mixed]
        count = self.piece_count[cell]
        point_of_pair = np.repeat(points, count)
        offset = np.arange(len(point_of_pair)) - np.repeat(np.cumsum(count) - count, count)
        piece_of_pair = np.repeat(self.piece_start[cell], count) + offset
        hit = shapely.intersects_xy(self.piece_geoms[piece_of_pair], x[point_of_pair], y[point_of_pair])
        hit_points = point_of_pair[hit]
        hit_owners = self.piece_owner[piece_of_pair[hit]]
        # Pairs are ordered by polygon within each point: the first hit is the smallest code.
        first_points, first = np.unique(hit_points, return_index=True)
        result[first_points] = hit_owners[first]
        return result


@dataclass(frozen=True)
class BoundaryJoin:
    """Communes, quartiers and sectors indexed for point lookups; build with `from_frames`."""

    commune_codes: np.ndarray
    quartier_codes: np.ndarray
    sector_codes: np.ndarray
    communes: GridIndex
    quartiers: GridIndex
    sectors: GridIndex

    @classmethod
    def from_reference(cls, built: reference.Reference) -> BoundaryJoin:
        """Index the built reference layers."""
        return cls.from_frames(built.communes, built.quartiers, built.sectors)

    @classmethod
    def from_frames(
        cls, communes: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame, sectors: gpd.GeoDataFrame
    ) -> BoundaryJoin:
        """Index the three layers (any CRS; keyed by `nis_code`, `quartier_code`, `sector_code`)."""
        layers = {}
        # Cell sizes measured with benchmarks/join.py: smaller cells for the many small polygons.
        for name, frame, key, cell_m in (
            ("communes", communes, "nis_code", 100.0),
            ("quartiers", quartiers, "quartier_code", 50.0),
            ("sectors", sectors, "sector_code", 50.0),
        ):
            frame = frame.to_crs(PROJECTED_CRS).sort_values(key)
            layers[name] = (frame[key].to_numpy(), GridIndex.build(frame.geometry.values, cell_m))
        return cls(
            commune_codes=layers["communes"][0],
            quartier_codes=layers["quartiers"][0],
            sector_codes=layers["sectors"][0],
            communes=layers["communes"][1],
            quartiers=layers["quartiers"][1],
            sectors=layers["sectors"][1],
        )

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        """Place WGS84 points (degrees); see `locate_xy` for the result."""
        return self.locate_xy(*to_projected(lon, lat))

    def locate_xy(self, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
        """Place EPSG:31370 points: one row per point, in input order, none dropped.

        Columns `nis_code`, `quartier_code`, `sector_code` (categoricals, missing where the
        point is in no such polygon) and `in_region` (False for points outside the 19 communes
        or with missing coordinates: flagged, never dropped).
        """
        commune = self.communes.lookup(x, y)
        return pd.DataFrame(
            {
                "nis_code": _codes(self.commune_codes, commune),
                "quartier_code": _codes(self.quartier_codes, self.quartiers.lookup(x, y)),
                "sector_code": _codes(self.sector_codes, self.sectors.lookup(x, y)),
                "in_region": commune != OUTSIDE,
            }
        )

    def commune_of_xy(self, x: np.ndarray, y: np.ndarray) -> pd.Categorical:
        """NIS code of each EPSG:31370 point (missing outside): the commune-only fast path."""
        return _codes(self.commune_codes, self.communes.lookup(x, y))


@functools.cache
def load_join(data_dir: Path) -> BoundaryJoin:
    """The join over the reference data built in `data_dir`, built once per process."""
    return BoundaryJoin.from_reference(reference.load(data_dir))


def _codes(codes: np.ndarray, index: np.ndarray) -> pd.Categorical:
    """Polygon indexes as their codes (`OUTSIDE`, -1, becomes missing): no per-point objects."""
    return pd.Categorical.from_codes(index, categories=codes)
