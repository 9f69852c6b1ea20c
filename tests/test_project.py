"""Projections carry the nodes, edges and evidence a researcher expects, on the seeds and a
small hand-made store."""

from __future__ import annotations

from pathlib import Path

import pytest
from view_graph import make_store

from kg.project import (
    Filters,
    ProjectionError,
    cooperation_graph,
    ego_graph,
    entities_graph,
    project,
    read_snapshot,
    shortest_chains,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small():
    return read_snapshot(make_store())


@pytest.fixture(scope="module")
def seeds(seed_store):
    return read_snapshot(seed_store)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _article_text(article_id: str) -> str:
    return _squash((ROOT / "seeds" / "articles" / f"{article_id}.txt").read_text("utf-8"))


def test_seed_cooperation_links_unodc_and_kazakh_interior_ministry_through_2011_workshop(seeds):
    graph = cooperation_graph(seeds)
    edge = graph.edges["unodc", "kz-interior-ministry"]
    assert "almaty-workshop-2011" in edge["event_ids"]
    assert edge["years"] == [2011]
    assert edge["weight"] == len(edge["event_ids"])
    assert any("Kazakhstan’s Interior Ministry" in e["quote"] for e in edge["evidence"])
    for ev in edge["evidence"]:
        assert _squash(ev["quote"]) in _article_text(ev["article"])
        assert ev["title"] and ev["date"].startswith("2011")
    # only organisations by default
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"Organization"}


def test_seed_cooperation_year_filter(seeds):
    early = cooperation_graph(seeds, Filters(year_to=2012))
    assert early.has_edge("unodc", "kz-interior-ministry")
    assert all(max(d["years"]) <= 2012 for *_, d in early.edges(data=True))
    late = cooperation_graph(seeds, Filters(year_from=2015))
    assert not late.has_edge("unodc", "kz-interior-ministry")
    assert late.number_of_edges() > 0


def test_seed_path_from_kazakh_interior_ministry_to_kyrgyz_migration_service(seeds):
    graph = entities_graph(seeds)
    chains = shortest_chains(graph, "kz-interior-ministry", "kg-state-migration-service")
    assert chains, "the two agencies are connected in the seed graph"
    for chain in chains:
        assert chain[0].source == "kz-interior-ministry"
        assert chain[-1].target == "kg-state-migration-service"
        for hop in chain:
            assert hop.facts, f"hop {hop.source} -> {hop.target} has no fact"
            for fact in hop.facts:
                assert {fact["subject"], fact["object"]} == {hop.source, hop.target}
                assert fact["evidence"]
                for ev in fact["evidence"]:
                    assert _squash(ev["quote"]) in _article_text(ev["article"])


def test_seed_entities_projection_edges_have_relation_and_evidence(seeds):
    graph = entities_graph(seeds)
    data = graph.get_edge_data("unodc", "almaty-workshop-2011")
    assert "organised" in data
    stated = [d for *_, d in graph.edges(data=True) if d["source"] == "article"]
    assert stated and all(d["evidence"] and d["articles"] for d in stated)
    assert graph.nodes["almaty-workshop-2011"]["kind"] == "Event"


def test_article_filter_keeps_that_article_only(seeds):
    article = "004_3cdedc2bc6c43dd1"
    graph = entities_graph(seeds, Filters(articles=frozenset({article})))
    assert graph.number_of_edges() > 0
    for *_, d in graph.edges(data=True):
        assert d["source"] == "registry" or d["articles"] == [article]
    assert "kg-state-migration-service" not in graph


def test_kind_filter(seeds):
    graph = entities_graph(seeds, Filters(kinds=frozenset({"Organization", "Event"})))
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"Organization", "Event"}


def test_unknown_kind_and_article_are_errors(small):
    with pytest.raises(ProjectionError, match="unknown kind Organisation"):
        entities_graph(small, Filters(kinds=frozenset({"Organisation"})))
    with pytest.raises(ProjectionError, match="no article nope"):
        cooperation_graph(small, Filters(articles=frozenset({"nope"})))
    with pytest.raises(ProjectionError, match="unknown projection"):
        project(small, "orgs")


def test_small_entities_graph_nodes_and_attributes(small):
    graph = entities_graph(small)
    assert graph.number_of_nodes() == 12
    kz = graph.nodes["kz-mvd"]
    assert kz["names"] == ["МВД РК"]
    assert kz["years"] == [2011, 2015]
    assert kz["events"] == [
        "Co-ordination meeting, Bishkek 2015",
        "Regional workshop on trafficking, Almaty 2011",
    ]
    assert graph.nodes["john-doe"]["posts"] == [
        "Acting Head, OSCE Programme Office in Bishkek (2015-03-18)"
    ]
    assert graph.nodes["osce-pob"]["posts"] == ["John Doe: Acting Head (2015-03-18)"]
    registry = graph.get_edge_data("kz-mvd", "kazakhstan")["country"]
    assert registry["source"] == "registry" and registry["evidence"] == []


def test_registry_links_are_not_walked_unless_asked(small):
    graph = entities_graph(small)
    assert shortest_chains(graph, "kazakhstan", "kg-sms") == []
    chains = shortest_chains(graph, "kazakhstan", "kg-sms", evidenced_only=False)
    assert [h.target for h in chains[0]] == ["kz-mvd", "meeting-2015", "kg-sms"]


def test_ego_graph_depths(small):
    graph = entities_graph(small)
    one = ego_graph(graph, "unodc", 1)
    assert set(one) == {"unodc", "workshop-2011"}
    two = ego_graph(graph, "unodc", 2)
    assert set(two) == {"unodc", "workshop-2011", "kz-mvd"}
    with pytest.raises(ProjectionError):
        ego_graph(graph, "nobody", 1)


def test_year_filter_drops_undated_nodes_and_later_facts(small):
    graph = entities_graph(small, Filters(year_from=2011, year_to=2011))
    assert set(graph) == {"unodc", "kz-mvd", "workshop-2011"}


def test_projection_is_deterministic(small):
    a, b = cooperation_graph(small), cooperation_graph(read_snapshot(make_store()))
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_chains_graph_holds_only_the_chain(seeds):
    from kg.project import chains_graph

    graph = entities_graph(seeds)
    chains = shortest_chains(graph, "kz-interior-ministry", "kg-state-migration-service")
    sub = chains_graph(graph, chains)
    on_chains = {n for chain in chains for hop in chain for n in (hop.source, hop.target)}
    assert set(sub) == on_chains
    assert sub.number_of_edges() == sum(len(h.facts) for c in chains for h in c)
    assert all(d["evidence"] for *_, d in sub.edges(data=True))


def test_snapshot_without_the_ontology_graph_has_the_same_facts(small):
    # links are read through the ontology's object properties; a store without the ontology
    # graph falls back to scanning every quad, with the same answer
    import pyoxigraph as ox

    from kg.vocab import ONTOLOGY_GRAPH

    full = make_store()
    bare = ox.Store()
    bare.extend(q for q in full if q.graph_name != ox.NamedNode(ONTOLOGY_GRAPH))
    assert read_snapshot(bare).facts == small.facts
    assert len(small.facts) > 5


def test_snapshot_without_evidence_has_the_facts_but_no_quotes(small):
    bare = read_snapshot(make_store(), evidence=False)
    assert [(f.s, f.p, f.o, f.article) for f in bare.facts] == [
        (f.s, f.p, f.o, f.article) for f in small.facts
    ]
    assert all(f.quotes == () for f in bare.facts) and any(f.quotes for f in small.facts)
    assert bare.mentions == {} and bare.posts == {}
    assert cooperation_graph(bare).edges == cooperation_graph(small).edges


def test_snapshot_of_activity_relations_gives_the_same_cooperation_graph(seed_store, seeds):
    # `kg view` reads only the relations the co-operation graph is made of
    from kg.project import ACTIVITY_RELATIONS

    some = read_snapshot(seed_store, relations=frozenset(ACTIVITY_RELATIONS))
    assert {f.p for f in some.facts} <= set(ACTIVITY_RELATIONS) < {f.p for f in seeds.facts}
    for filters in (Filters(), Filters(year_from=2015)):
        full, part = cooperation_graph(seeds, filters), cooperation_graph(some, filters)
        assert list(part.nodes(data=True)) == list(full.nodes(data=True))
        assert list(part.edges(data=True)) == list(full.edges(data=True))
    assert full.number_of_edges() > 0
    with pytest.raises(ProjectionError, match="some relations only"):
        entities_graph(some)
