"""Who brokers between agencies, which groups work together, and in what order things happened.

Works on the projections of kg.project: degree and betweenness centrality (betweenness is
sampled with a fixed seed above a size, and says so), Louvain communities (seeded),
the co-participation matrix, a timeline of events and the shortest chains with evidence.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.project import (
    ACTIVITY_KINDS,
    ACTIVITY_RELATIONS,
    DEFAULT_COOPERATION_KINDS,
    NO_FILTERS,
    Filters,
    Hop,
    Snapshot,
    kept_facts,
)

EXACT_BETWEENNESS_MAX = 3000  # FINDINGS.md: exact betweenness at 2.5k nodes already takes ~2 min
# Exact betweenness runs one shortest-path search per node, each costing about the edge count:
# nodes x edges is the work. 1,170 nodes x 95,901 edges (the 10,000-article co-operation graph)
# took 58 s, about 0.5 us per unit, so this budget is a few seconds on a laptop.
EXACT_WORK_MAX = 10_000_000
SAMPLE_K = 500
MIN_SAMPLE_K = 50  # fewer sources than this rank even the top brokers unreliably
SEED = 7


@dataclass(frozen=True)
class Betweenness:
    """Betweenness per node, and the sample size when it was estimated (None: exact)."""

    scores: dict[str, float]
    sampled_k: int | None


def _undirected(graph: nx.Graph) -> nx.Graph:
    """A simple undirected weighted graph: parallel and opposite edges merge, weights add."""
    if not graph.is_directed() and not graph.is_multigraph():
        return graph
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        w = data.get("weight", 1)
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += w
        else:
            simple.add_edge(u, v, weight=w)
    return simple


def sample_size(
    nodes: int,
    edges: int,
    exact_max: int | None = None,
    work_max: int | None = None,
    k: int | None = None,
) -> int | None:
    """How many sources to sample, or None for the exact answer.

    Exact while the graph has at most exact_max nodes and nodes x edges is within work_max;
    otherwise k sources, by default as many as fit the work budget (at least MIN_SAMPLE_K, at
    most SAMPLE_K): a few thousand nodes with few edges and a thousand nodes with a hundred
    thousand edges both take seconds instead of minutes."""
    exact_max = EXACT_BETWEENNESS_MAX if exact_max is None else exact_max
    work_max = EXACT_WORK_MAX if work_max is None else work_max
    if nodes <= exact_max and nodes * edges <= work_max:
        return None
    if k is None:
        k = min(SAMPLE_K, max(MIN_SAMPLE_K, work_max // max(edges, 1)))
    return k if k < nodes else None  # every node a source: that is the exact answer


def betweenness(
    graph: nx.Graph,
    exact_max: int | None = None,
    k: int | None = None,
    work_max: int | None = None,
) -> Betweenness:
    """Normalised betweenness (unweighted hops); estimated from seeded sample sources when the
    graph is too big for the exact answer (see sample_size), and the result says so."""
    simple = _undirected(graph)
    sample = sample_size(len(simple), simple.number_of_edges(), exact_max, work_max, k)
    if sample is None:
        return Betweenness(nx.betweenness_centrality(simple), None)
    return Betweenness(nx.betweenness_centrality(simple, k=sample, seed=SEED), sample)


def centrality_rows(graph: nx.Graph, between: Betweenness | None = None) -> list[dict[str, Any]]:
    """One row per node: label, kind, neighbours, degree centrality, betweenness; best first."""
    simple = _undirected(graph)
    between = between or betweenness(graph)
    degree = nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    rows = [
        {
            "id": node,
            "label": graph.nodes[node].get("label", node),
            "kind": graph.nodes[node].get("kind", ""),
            "neighbours": simple.degree(node),
            "degree": round(degree[node], 6),
            "betweenness": round(between.scores.get(node, 0.0), 6),
        }
        for node in simple.nodes
    ]
    return sorted(rows, key=lambda r: (-r["betweenness"], -r["neighbours"], r["id"]))


def communities(graph: nx.Graph) -> list[list[str]]:
    """Louvain communities on edge weights (seeded, so reruns agree), largest first.

    Nodes without any edge are left out: a community of one says nothing."""
    simple = _undirected(graph)
    simple = simple.subgraph([n for n in simple if simple.degree(n) > 0])
    if simple.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(simple, weight="weight", seed=SEED)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def coparticipation(snap: Snapshot, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
    """For each pair of agents, the number of activities both took part in; the diagonal is
    each agent's own number of activities. Agents of filters.kinds (default: organisations)."""
    kinds = filters.kinds or DEFAULT_COOPERATION_KINDS
    by_activity: dict[str, set[str]] = defaultdict(set)
    for fact in kept_facts(snap, filters):
        if (
            fact.p in ACTIVITY_RELATIONS
            and snap.kinds.get(fact.s) in kinds
            and snap.kinds.get(fact.o) in ACTIVITY_KINDS
        ):
            by_activity[fact.o].add(fact.s)
    agents = sorted({a for group in by_activity.values() for a in group})
    matrix = {a: dict.fromkeys(agents, 0) for a in agents}
    for group in by_activity.values():
        for a in group:
            for b in group:
                matrix[a][b] += 1
    return matrix


def matrix_csv(matrix: dict[str, dict[str, int]], labels: dict[str, str]) -> str:
    """The matrix as CSV: id, label, then one column per agent id (same order as the rows)."""
    ids = list(matrix)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "label", *ids])
    for a in ids:
        writer.writerow([a, labels.get(a, a), *(matrix[a][b] for b in ids)])
    return buf.getvalue()


def timeline(snap: Snapshot, filters: Filters = NO_FILTERS) -> list[dict[str, Any]]:
    """Events in date order with where they were held, who organised, hosted or took part.

    An event without its own date takes its article's date, marked `date_from: article`."""
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    arts: dict[str, set[str]] = defaultdict(set)
    for fact in kept_facts(snap, filters):
        for event, other, role in ((fact.o, fact.s, fact.p), (fact.s, fact.o, fact.p)):
            if snap.kinds.get(event) == "Event" and event != other:
                if event == fact.o and fact.p in ACTIVITY_RELATIONS:
                    roles[event][fact.p].add(snap.labels.get(other, other))
                elif event == fact.s and role == "heldIn":
                    roles[event]["heldIn"].add(snap.labels.get(other, other))
                arts[event].add(fact.article or "")
    rows = []
    for event in arts:
        own = snap.dates.get(event, "")
        dates = sorted(snap.articles.get(a, {}).get("date", "") for a in arts[event])
        date = own or next((d for d in dates if d), "")
        rows.append(
            {
                "date": date,
                "date_from": "event" if own else ("article" if date else ""),
                "id": event,
                "label": snap.labels.get(event, event),
                "held_in": sorted(roles[event]["heldIn"]),
                "organised": sorted(roles[event]["organised"] | roles[event]["hosted"]),
                "participants": sorted(roles[event]["participatedIn"]),
                "supported": sorted(roles[event]["supported"] | roles[event]["funded"]),
                "articles": sorted(a for a in arts[event] if a),
            }
        )
    return sorted(rows, key=lambda r: (r["date"] or "9999", r["id"]))


def chains_as_data(graph: nx.Graph, chains: list[list[Hop]]) -> list[list[dict[str, Any]]]:
    """Chains with labels, ready for JSON or printing."""

    def label(node: str) -> str:
        return graph.nodes[node].get("label", node)

    return [
        [
            {
                "from": hop.source,
                "from_label": label(hop.source),
                "to": hop.target,
                "to_label": label(hop.target),
                "facts": [
                    {
                        "statement": f"{label(f['subject'])} {f['relation']} {label(f['object'])}",
                        **f,
                    }
                    for f in hop.facts
                ],
            }
            for hop in chain
        ]
        for chain in chains
    ]
