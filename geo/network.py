"""The walking network: street lines as a graph, points snapped onto it, distances on foot.

How it is made: every line is cut into its straight segments. A *node* is a vertex position;
vertices of different lines (or the two ends of one line) within `SNAP_M` of each other are one node, so
streets that share a position in OpenStreetMap are joined, while lines that only cross (a bridge
over a road, which shares no vertex with it) stay apart. An edge is a segment between two nodes,
its length the straight distance between them; parallel duplicates keep the shortest.

A point (a resident's address, an initiative) is *snapped* to its nearest edge: the straight
distance to it is counted, then the walk along the edge to either end. The distance from a point
to its nearest initiative is one multi-source Dijkstra (scipy.sparse.csgraph) from a virtual
source joined to the ends of every initiative's edge, plus the two partial edges; two points on
the same edge may also walk straight along it. Every length is a straight piece between the
point, its snap and the nodes, so a walking distance is never shorter than the straight line.

Everything is in EPSG:31370 (metres). The built network is a compressed npz of arrays under
`data/network/` (git-ignored), quick to load.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

SNAP_M = 1.0  # vertices of different lines closer than this are one node
SAME_POSITION_M = 0.01  # closer than this, two vertices are one node even on the same line
EDGE_KEY_M = 1e6  # longer than any edge: (edge, metres along it) sorts as one number


@dataclass(frozen=True)
class Snap:
    """Points snapped to the network: per point its edge, where along it, and how far off it."""

    edge: np.ndarray  # int, index into WalkNetwork.u / v / length
    along_m: np.ndarray  # metres from the edge's node u to the snapped position
    offset_m: np.ndarray  # straight metres from the point to the snapped position

    def take(self, which: np.ndarray) -> Snap:
        """The snaps of some points (a boolean mask or indices)."""
        return Snap(self.edge[which], self.along_m[which], self.offset_m[which])


@dataclass(frozen=True)
class WalkNetwork:
    """Nodes (x, y) and undirected edges (u, v, length_m), with component labels."""

    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    component: np.ndarray  # per node: its connected component, 0 = the largest

    @property
    def n_nodes(self) -> int:
        return len(self.x)

    def segments(self) -> np.ndarray:
        """The edges as shapely line segments, in edge order."""
        starts = np.column_stack([self.x[self.u], self.y[self.u]])
        ends = np.column_stack([self.x[self.v], self.y[self.v]])
        segments: np.ndarray = shapely.linestrings(np.stack([starts, ends], axis=1))
        return segments


def from_lines(lines: np.ndarray, snap_m: float = SNAP_M) -> WalkNetwork:
    """Build the network of shapely (multi)line strings in EPSG:31370.

    Parameters
    ----------
    lines : array of shapely LineString / MultiLineString, metres
    snap_m : vertices of different lines (or a line's two ends) closer than this become one node

    Returns
    -------
    WalkNetwork with its components labelled by size (0 = largest, by node count)
    """
    parts = shapely.get_parts(np.asarray(lines, dtype=object))
    coords, part = shapely.get_coordinates(parts, return_index=True)
    first = np.r_[True, part[1:] != part[:-1]]
    last = np.r_[part[1:] != part[:-1], True]
    node = _cluster(coords, part, first | last, snap_m)
    x = np.bincount(node, weights=coords[:, 0]) / np.bincount(node)
    y = np.bincount(node, weights=coords[:, 1]) / np.bincount(node)

    same_part = ~last[:-1]  # a segment joins vertex i to i + 1 of the same part
    u, v = node[:-1][same_part], node[1:][same_part]
    u, v = np.minimum(u, v), np.maximum(u, v)
    keep = u != v
    u, v = u[keep], v[keep]
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    order = np.lexsort((length, v, u))
    u, v, length = u[order], v[order], length[order]
    unique = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    u, v, length = u[unique], v[unique], length[unique]
    return _with_components(x, y, u, v, length)


def _cluster(coords: np.ndarray, part: np.ndarray, is_end: np.ndarray, snap_m: float) -> np.ndarray:
    """Node number of each vertex: vertices joined where lines meet (see the module docstring)."""
    pairs = cKDTree(coords).query_pairs(snap_m, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    gap = np.hypot(*(coords[i] - coords[j]).T)
    join = (part[i] != part[j]) | (is_end[i] & is_end[j]) | (gap < SAME_POSITION_M)
    n = len(coords)
    links = sparse.coo_matrix((np.ones(join.sum()), (i[join], j[join])), shape=(n, n))
    label: np.ndarray = csgraph.connected_components(links, directed=False)[1]
    return label


def _with_components(x: np.ndarray, y: np.ndarray, u: np.ndarray, v: np.ndarray, length: np.ndarray) -> WalkNetwork:
    """Drop nodes no edge uses, number components by decreasing size."""
    used = np.zeros(len(x), dtype=bool)
    used[u] = used[v] = True
    renumber = np.cumsum(used) - 1
    x, y, u, v = x[used], y[used], renumber[u], renumber[v]
    n = len(x)
    adjacency = sparse.coo_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
    _, label = csgraph.connected_components(adjacency, directed=False)
    sizes = np.bincount(label)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    return WalkNetwork(x, y, u.astype(np.int64), v.astype(np.int64), length, rank[label])


# --- snapping and distances --------------------------------------------------------------------


def snap(
    network: WalkNetwork,
    x: np.ndarray,
    y: np.ndarray,
    edges: np.ndarray | None = None,
    tree: shapely.STRtree | None = None,
) -> Snap:
    """Snap points (EPSG:31370) to their nearest edge.

    Parameters
    ----------
    network : the walking network
    x, y : coordinates in metres (finite)
    edges : the edges a point may snap to (default: all)
    tree : an STRtree of `network.segments()[edges]`, to reuse between calls

    Returns
    -------
    Snap, one entry per point in input order
    """
    edges = np.arange(len(network.u)) if edges is None else edges
    tree = shapely.STRtree(network.segments()[edges]) if tree is None else tree
    points = shapely.points(x, y)
    chosen = np.zeros(len(points), dtype=np.int64)
    offset = np.zeros(len(points))
    if len(points):
        (point_idx, entry), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        chosen[point_idx], offset[point_idx] = entry, distance
    along = shapely.line_locate_point(tree.geometries[chosen], points)
    edge = edges[chosen]
    return Snap(edge, np.clip(along, 0.0, network.length_m[edge]), offset)


def node_distances(network: WalkNetwork, sources: Snap) -> np.ndarray:
    """Walking metres from the nearest source to every node (inf where none is reachable).

    One Dijkstra from a virtual node joined to both ends of every source's edge, with the
    source's offset and partial edge as the weights of those links.
    """
    n = network.n_nodes
    if len(sources.edge) == 0:
        return np.full(n, np.inf)
    base_rows, base_cols = np.concatenate([network.u, network.v]), np.concatenate([network.v, network.u])
    ends = np.concatenate([network.u[sources.edge], network.v[sources.edge]])
    to_end = np.concatenate([sources.along_m, network.length_m[sources.edge] - sources.along_m]) + np.concatenate(
        [sources.offset_m] * 2
    )
    order = np.lexsort((to_end, ends))  # a matrix would sum duplicate links: keep each end's shortest
    ends, to_end = ends[order], to_end[order]
    first = np.r_[True, ends[1:] != ends[:-1]]
    # csgraph reads an explicit 0 as "no edge": a source exactly on a node gets a tiny positive weight.
    weights = np.maximum(to_end[first], np.finfo(float).tiny)
    rows = np.concatenate([base_rows, np.full(first.sum(), n)])
    cols = np.concatenate([base_cols, ends[first]])
    data = np.concatenate([network.length_m, network.length_m, weights])
    graph = sparse.csr_matrix((data, (rows, cols)), shape=(n + 1, n + 1))
    distance: np.ndarray = csgraph.dijkstra(graph, directed=True, indices=n)
    return distance[:n]


def point_distances(network: WalkNetwork, node_m: np.ndarray, points: Snap, sources: Snap) -> np.ndarray:
    """Walking metres from each snapped point to its nearest source, given `node_distances`."""
    length = network.length_m[points.edge]
    via_u = node_m[network.u[points.edge]] + points.along_m
    via_v = node_m[network.v[points.edge]] + length - points.along_m
    walk: np.ndarray = np.minimum(np.minimum(via_u, via_v), _along_same_edge(points, sources)) + points.offset_m
    return walk


def _along_same_edge(points: Snap, sources: Snap) -> np.ndarray:
    """Per point, the walk along its own edge to the nearest source on that edge (inf if none).

    A source at `a` with offset `o` is `|p - a| + o` from a point at `p` on the same edge: for
    sources behind the point that is `p + min(o - a)`, ahead `-p + min(o + a)`, each a running
    minimum over the edge's sources sorted by position.
    """
    result = np.full(len(points.edge), np.inf)
    if len(sources.edge) == 0:
        return result
    order = np.lexsort((sources.along_m, sources.edge))
    edge, along, offset = sources.edge[order], sources.along_m[order], sources.offset_m[order]
    group = np.cumsum(np.r_[True, edge[1:] != edge[:-1]]) - 1
    # Running minima restart at each edge: shift each edge's values above all earlier (behind) or
    # later (ahead) edges' values so that none leaks into its neighbour.
    spread = 4.0 * (np.abs(along).max() + np.abs(offset).max() + 1.0)
    behind = np.minimum.accumulate(offset - along + (group[-1] - group) * spread) - (group[-1] - group) * spread
    ahead = (np.minimum.accumulate((offset + along + group * spread)[::-1]) - group[::-1] * spread)[::-1]
    key = edge * EDGE_KEY_M + along
    point_key = points.edge * EDGE_KEY_M + points.along_m
    before = np.searchsorted(key, point_key, side="right") - 1  # the last source at or behind the point
    after = before + 1
    has_before = (before >= 0) & (edge[np.clip(before, 0, None)] == points.edge)
    has_after = (after < len(edge)) & (edge[np.clip(after, None, len(edge) - 1)] == points.edge)
    result[has_before] = points.along_m[has_before] + behind[before[has_before]]
    from_ahead = -points.along_m[has_after] + ahead[after[has_after]]
    result[has_after] = np.minimum(result[has_after], from_ahead)
    return result
