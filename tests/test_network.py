"""The walking network on hand-built streets whose distances are known (EPSG:31370 metres)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo import network


def lines(*coords: list[tuple[float, float]]) -> np.ndarray:
    return np.array([shapely.LineString(c) for c in coords], dtype=object)


def walk(net: network.WalkNetwork, sources: list[tuple[float, float]], points: list[tuple[float, float]]) -> np.ndarray:
    s = network.snap(net, *np.array(sources, dtype=float).T)
    p = network.snap(net, *np.array(points, dtype=float).T)
    return network.point_distances(net, network.node_distances(net, s), p, s)


def test_streets_sharing_a_position_are_joined_and_a_bridge_crossing_without_one_is_not() -> None:
    plus = network.from_lines(lines([(0, 0), (100, 0), (200, 0)], [(100, -100), (100, 0), (100, 100)]))
    assert plus.component.max() == 0  # one component: the crossing shares the vertex (100, 0)
    bridge = network.from_lines(lines([(0, 0), (200, 0)], [(100, -100), (100, 100)]))
    assert bridge.component.max() == 1  # two components: the lines only cross


def test_line_ends_within_a_metre_are_snapped_together_and_two_metres_apart_are_not() -> None:
    close = network.from_lines(lines([(0, 0), (100, 0)], [(100.6, 0.3), (200, 0)]))
    assert close.component.max() == 0 and close.n_nodes == 3
    apart = network.from_lines(lines([(0, 0), (100, 0)], [(102, 0), (200, 0)]))
    assert apart.component.max() == 1


def test_close_vertices_of_one_line_stay_separate_nodes() -> None:
    net = network.from_lines(lines([(0, 0), (0.5, 0), (1.0, 0), (100, 0)]))
    assert net.n_nodes == 4
    assert net.length_m.sum() == pytest.approx(100.0)


def test_walking_round_a_corner_counts_both_snaps_and_both_legs() -> None:
    net = network.from_lines(lines([(0, 0), (100, 0), (100, 100)]))
    distance = walk(net, [(0, -10)], [(110, 100)])  # 10 m to the street, 100 + 100 along, 10 m off
    assert distance[0] == pytest.approx(220.0)


def test_two_points_on_one_edge_walk_straight_along_it() -> None:
    net = network.from_lines(lines([(0, 0), (1000, 0)]))
    assert walk(net, [(300, 5)], [(400, -5)])[0] == pytest.approx(110.0)


def test_on_a_shared_edge_the_nearest_source_counts_its_offset() -> None:
    net = network.from_lines(lines([(0, 0), (1000, 0)]))
    # the source 10 m along but 100 m off the street is farther than the one 100 m along and on it
    assert walk(net, [(390, 100), (300, 0)], [(400, 0)])[0] == pytest.approx(100.0)
    assert walk(net, [(410, 100), (500, 0)], [(400, 0)])[0] == pytest.approx(100.0)


def test_every_point_gets_its_nearest_source_and_an_island_is_unreachable() -> None:
    net = network.from_lines(lines([(0, 0), (100, 0), (200, 0), (300, 0)], [(0, 500), (300, 500)]))
    distance = walk(net, [(0, 0), (300, 0)], [(100, 0), (250, 0), (150, 500)])
    assert distance[:2] == pytest.approx([100.0, 50.0])
    assert np.isinf(distance[2])


def test_no_source_means_nobody_is_reached() -> None:
    net = network.from_lines(lines([(0, 0), (100, 0)]))
    empty = network.Snap(np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
    assert np.isinf(network.node_distances(net, empty)).all()


def test_parallel_duplicate_segments_keep_one_edge() -> None:
    net = network.from_lines(lines([(0, 0), (100, 0)], [(100, 0), (0, 0)]))
    assert len(net.u) == 1 and net.length_m.sum() == pytest.approx(100.0)


def test_a_source_exactly_on_a_node_reaches_it_at_no_cost() -> None:
    net = network.from_lines(lines([(0, 0), (100, 0), (200, 0)]))
    assert walk(net, [(100, 0)], [(200, 0)])[0] == pytest.approx(100.0)
