"""The Python layout: same graph, same picture; linked nodes near, nobody on top of anybody."""

from __future__ import annotations

import math
import statistics

import networkx as nx

from kg.layout import force_layout


def _dist(p, a, b) -> float:
    return math.dist(p[a], p[b])


def test_same_graph_same_positions():
    graph = nx.les_miserables_graph()
    assert force_layout(graph) == force_layout(nx.les_miserables_graph())
    assert force_layout(graph, seed=1) != force_layout(graph, seed=2)


def test_linked_nodes_are_closer_than_others_and_none_overlap():
    graph = nx.les_miserables_graph()
    pos = force_layout(graph)
    linked = statistics.median(_dist(pos, u, v) for u, v in graph.edges)
    nodes = sorted(graph)
    unlinked = statistics.median(
        _dist(pos, a, b)
        for i, a in enumerate(nodes)
        for b in nodes[i + 1 :]
        if not graph.has_edge(a, b)
    )
    assert linked < unlinked / 2
    assert len(set(pos.values())) == len(pos)
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in pos.values())


def test_isolated_nodes_stay_in_the_picture():
    graph = nx.barabasi_albert_graph(300, 2, seed=3)
    graph.add_nodes_from(range(300, 400))  # a hundred entities with no link
    pos = force_layout(graph)
    radius = [math.hypot(*pos[n]) for n in graph]
    core = statistics.median(math.hypot(*pos[n]) for n in range(300))
    assert max(radius) < 6 * core


def test_tiny_graphs():
    assert force_layout(nx.Graph()) == {}
    assert force_layout(nx.Graph([("a", "a")])) == {"a": (0, 0)}
    two = force_layout(nx.Graph([("a", "b")]))
    assert two["a"] != two["b"]


def test_subset_of_nodes():
    graph = nx.path_graph(10)
    pos = force_layout(graph, nodes=[0, 1, 2])
    assert set(pos) == {0, 1, 2}
