"""NetworkX projections of the knowledge graph, read from the store with fixed SPARQL SELECTs.

We project explicitly instead of using rdflib_to_networkx, which turns every literal into a
node: here nodes are entities and edges are facts, each carrying what a person needs to judge
it (relation, events, years, the evidence quote with its article title and date).

Projections: ``entities`` (every entity and relation), ``cooperation`` (agent-agent, weighted
by shared events and initiatives), ``ego`` (neighbourhood of one entity) and ``path`` (shortest
chains between two entities, each hop with its evidence). Filters: year range, articles, kinds.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.vocab import BASE, NS, ONTOLOGY_GRAPH, REGISTRY_GRAPH

ID_PREFIX = f"{BASE}id/"
ARTICLE_PREFIX = f"{BASE}article/"
GRAPH_PREFIX = f"{BASE}graph/"

PROJECTIONS = ("entities", "cooperation")
# Relations through which an agent takes part in an activity; two agents sharing an activity
# through any of these co-operated on it.
ACTIVITY_RELATIONS = ("organised", "hosted", "participatedIn", "supported", "funded")
ACTIVITY_KINDS = frozenset(
    {"Event", "EventSeries", "Programme", "ActionPlan", "Campaign", "Platform", "Mechanism"}
)
AGENT_KINDS = frozenset({"Organization", "Person", "Group"})
DEFAULT_COOPERATION_KINDS = frozenset({"Organization"})

_PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX kg: <https://kg.invalid/ns#>
"""

_ENTITIES = (
    _PREFIXES
    + """
SELECT ?e ?kind ?label WHERE {
  ?e a ?kind ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
  FILTER(STRSTARTS(STR(?kind), "https://kg.invalid/ns#"))
}"""
)

_NAMES = (
    _PREFIXES
    + """
SELECT DISTINCT ?e ?name WHERE {
  { ?e skos:altLabel ?name } UNION { ?e kg:nameRecord/kg:name ?name }
  UNION { ?m kg:mentionOf ?e ; kg:name ?name }
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
}"""
)

_ARTICLES = (
    _PREFIXES
    + """
SELECT ?a ?title ?date WHERE {
  ?a a kg:Article .
  OPTIONAL { ?a dcterms:title ?title }
  OPTIONAL { ?a dcterms:date ?date }
}"""
)

_DATES = (
    _PREFIXES
    + """
SELECT ?e ?date WHERE {
  ?e kg:startDate ?date .
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
}"""
)

# Every entity-to-entity triple with the graph it sits in (an article's or the registry).
# No DISTINCT here nor in _EVIDENCE: read_snapshot collects both into sets, and DISTINCT
# cost a third of the evidence query at 10,000 articles.
_LINK_FILTERS = """
  FILTER(isIRI(?o))
  FILTER(STRSTARTS(STR(?s), "https://kg.invalid/id/"))
  FILTER(STRSTARTS(STR(?o), "https://kg.invalid/id/"))
  FILTER(STRSTARTS(STR(?p), "https://kg.invalid/ns#")
         || ?p = <http://www.w3.org/ns/org#subOrganizationOf>)
}"""
# The same triples found through the predicate index: only the object properties the ontology
# graph declares are looked up, instead of filtering every quad of the store (2.2 M at 10,000
# articles; this halves the read). Stores without the ontology graph fall back to _LINKS.
_LINKS_BY_PROPERTY = (
    f"""
SELECT ?g ?s ?p ?o WHERE {{
  {{ SELECT DISTINCT ?p WHERE {{
      GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a <http://www.w3.org/2002/07/owl#ObjectProperty> }} }} }}
  UNION {{ VALUES ?p {{ <http://www.w3.org/ns/org#subOrganizationOf> }} }}
  GRAPH ?g {{ ?s ?p ?o }}"""
    + _LINK_FILTERS
)
_HAS_ONTOLOGY = f"""
ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a <http://www.w3.org/2002/07/owl#ObjectProperty> }} }}"""
_LINKS = (
    """
SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }"""
    + _LINK_FILTERS
)

# Links of some relations only, looked up by predicate: all a co-operation view needs.
_LINKS_OF = (
    """
SELECT ?g ?s ?p ?o WHERE {
  VALUES ?p { %s }
  GRAPH ?g { ?s ?p ?o }"""
    + _LINK_FILTERS
)

_EVIDENCE = (
    _PREFIXES
    + """
SELECT ?s ?p ?o ?art ?quote WHERE {
  %s
  ?a a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:statedIn ?art ;
     kg:evidence/oa:hasSelector/oa:exact ?quote .
  FILTER(isIRI(?o))
}"""
)

_MENTIONS = (
    _PREFIXES
    + """
SELECT DISTINCT ?e ?art ?quote WHERE {
  ?m kg:mentionOf ?e ; kg:statedIn ?art ; kg:evidence/oa:hasSelector/oa:exact ?quote .
}"""
)

_POSTS = (
    _PREFIXES
    + """
SELECT DISTINCT ?m ?person ?org ?role ?reported ?art ?quote WHERE {
  ?m a kg:Membership ; org:member ?person .
  OPTIONAL { ?m org:organization ?org }
  OPTIONAL { ?m kg:roleTitle ?role }
  OPTIONAL { ?m kg:reportedOn ?reported }
  OPTIONAL { ?m kg:statedIn ?art }
  OPTIONAL { ?m kg:evidence/oa:hasSelector/oa:exact ?quote }
}"""
)


class ProjectionError(ValueError):
    """A projection cannot be made as asked (unknown kind, projection or article)."""


@dataclass(frozen=True)
class Filters:
    """Which facts a projection keeps: a year range, some articles, some entity kinds."""

    year_from: int | None = None
    year_to: int | None = None
    articles: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()

    def year_ok(self, year: int | None) -> bool:
        """Undated facts pass only when no year range is asked for."""
        if self.year_from is None and self.year_to is None:
            return True
        if year is None:
            return False
        return (self.year_from is None or year >= self.year_from) and (
            self.year_to is None or year <= self.year_to
        )

    @property
    def narrows_facts(self) -> bool:
        return self.year_from is not None or self.year_to is not None or bool(self.articles)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Fact:
    """One entity-to-entity triple with where it was stated and the quotes supporting it."""

    s: str
    p: str
    o: str
    article: str | None  # article id, or None for the registry
    quotes: tuple[str, ...]


@dataclass
class Snapshot:
    """What the projections need from the store, read once."""

    kinds: dict[str, str]
    labels: dict[str, str]
    names: dict[str, list[str]]
    dates: dict[str, str]
    articles: dict[str, dict[str, str]]
    facts: list[Fact]
    mentions: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    posts: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    relations: frozenset[str] | None = None  # facts of only these relations were read

    def evidence(self, quote: str, article: str | None) -> dict[str, str]:
        """A quote with its article id, title and date, as shown to a reader."""
        info = self.articles.get(article or "", {})
        return {
            "quote": quote,
            "article": article or "",
            "title": info.get("title", ""),
            "date": info.get("date", ""),
        }

    def fact_year(self, fact: Fact) -> int | None:
        """The year of the event the fact is about, else of the article stating it."""
        for end in (fact.o, fact.s):
            if end in self.dates:
                return _year(self.dates[end])
        if fact.article:
            return _year(self.articles.get(fact.article, {}).get("date", ""))
        return None


def _year(text: str) -> int | None:
    head = text[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def _local(iri: str, prefix: str) -> str:
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


def _relation(predicate: str) -> str:
    return predicate.rsplit("#", 1)[-1]


def _values(relations: frozenset[str]) -> str:
    """The IRIs of some kg: relations, for a VALUES clause (names checked: no text is pasted)."""
    bad = sorted(r for r in relations if not r.isidentifier())
    if bad:
        raise ProjectionError(f"not a relation name: {', '.join(bad)}")
    return " ".join(f"<{NS}{r}>" for r in sorted(relations))


def read_snapshot(
    store: ox.Store, evidence: bool = True, relations: frozenset[str] | None = None
) -> Snapshot:
    """Read entities, articles, facts, quotes, mentions and posts with a handful of SELECTs.

    evidence=False skips the quotes, mentions and posts (facts carry no quotes): centrality,
    communities and the timeline never show them, and reading them is over half the cost of
    the read on a large store (the quote of every assertion is a five-pattern join).
    relations (kg: names) keeps only facts of those relations, read through the predicate
    index: the co-operation projection needs ACTIVITY_RELATIONS only (a third less to read).
    Such a snapshot says so (Snapshot.relations) and the entities projection refuses it."""

    def rows(query: str) -> Any:
        return store.query(query, use_default_graph_as_union=True)

    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    for r in rows(_ENTITIES):
        eid = _local(r["e"].value, ID_PREFIX)
        kind = _local(r["kind"].value, NS)
        # the most specific class wins when a store also holds inferred superclasses
        if eid not in kinds or kind not in {"Entity", "Agent", "Place", "Initiative", "Instrument"}:
            kinds[eid] = kind
        labels.setdefault(eid, r["label"].value)
    names: dict[str, list[str]] = defaultdict(list)
    for r in rows(_NAMES):
        names[_local(r["e"].value, ID_PREFIX)].append(r["name"].value)
    articles: dict[str, dict[str, str]] = {}
    for r in rows(_ARTICLES):
        articles[_local(r["a"].value, ARTICLE_PREFIX)] = {
            "title": r["title"].value if r["title"] is not None else "",
            "date": r["date"].value if r["date"] is not None else "",
        }
    dates = {_local(r["e"].value, ID_PREFIX): r["date"].value for r in rows(_DATES)}
    quotes: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    only = f"VALUES ?p {{ {_values(relations)} }}" if relations is not None else ""
    for r in rows(_EVIDENCE % only) if evidence else ():
        key = (r["s"].value, r["p"].value, r["o"].value, _local(r["art"].value, ARTICLE_PREFIX))
        quotes[key].add(r["quote"].value)
    facts: set[Fact] = set()
    if relations is not None:
        links = _LINKS_OF % _values(relations)
    else:
        links = _LINKS_BY_PROPERTY if store.query(_HAS_ONTOLOGY) else _LINKS
    for r in store.query(links):
        graph = r["g"].value
        article = None if graph == REGISTRY_GRAPH else _local(graph, GRAPH_PREFIX)
        s, p, o = r["s"].value, r["p"].value, r["o"].value
        found = tuple(sorted(quotes.get((s, p, o, article or ""), ())))
        facts.add(Fact(_local(s, ID_PREFIX), _relation(p), _local(o, ID_PREFIX), article, found))
    snap = Snapshot(
        kinds=kinds,
        labels=labels,
        names={k: sorted(set(v)) for k, v in names.items()},
        dates=dates,
        articles=articles,
        facts=sorted(facts, key=lambda f: (f.s, f.p, f.o, f.article or "")),
        relations=relations,
    )
    if not evidence:
        return snap
    mentions: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows(_MENTIONS):
        art = _local(r["art"].value, ARTICLE_PREFIX)
        mentions[_local(r["e"].value, ID_PREFIX)].append(snap.evidence(r["quote"].value, art))
    snap.mentions = {k: sorted(v, key=_evidence_key) for k, v in mentions.items()}
    posts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows(_POSTS):
        person = _local(r["person"].value, ID_PREFIX)
        org = _local(r["org"].value, ID_PREFIX) if r["org"] is not None else ""
        role = r["role"].value if r["role"] is not None else ""
        art = _local(r["art"].value, ARTICLE_PREFIX) if r["art"] is not None else ""
        post = snap.evidence(r["quote"].value if r["quote"] is not None else "", art)
        post.update(role=role, person=person, organization=org)
        if r["reported"] is not None:
            post["date"] = r["reported"].value
        posts[person].append(post)
        if org:
            posts[org].append(post)
    snap.posts = {
        k: sorted(v, key=lambda p: (p["date"], p["role"], p["person"])) for k, v in posts.items()
    }
    return snap


def _evidence_key(e: dict[str, str]) -> tuple[str, str, str]:
    return (e["date"], e["article"], e["quote"])


def _check_filters(snap: Snapshot, filters: Filters) -> None:
    unknown_kinds = sorted(filters.kinds - set(snap.kinds.values()) - _ALL_KINDS)
    if unknown_kinds:
        raise ProjectionError(
            f"unknown kind {', '.join(unknown_kinds)}; kinds are {', '.join(sorted(_ALL_KINDS))}"
        )
    unknown_articles = sorted(filters.articles - set(snap.articles))
    if unknown_articles:
        raise ProjectionError(f"no article {', '.join(unknown_articles)} in the graph")


_ALL_KINDS = frozenset(
    {
        "Organization", "Person", "Group", "Country", "City", "Region", "Event", "EventSeries",
        "Programme", "ActionPlan", "Campaign", "Platform", "Mechanism", "Law", "Agreement",
        "Document", "Measure",
    }
)  # fmt: skip


def _node_attrs(snap: Snapshot, eid: str) -> dict[str, Any]:
    posts = [_post_text(snap, p, eid) for p in snap.posts.get(eid, [])]
    return {
        "iri": ID_PREFIX + eid,
        "label": snap.labels.get(eid, eid),
        "kind": snap.kinds.get(eid, "Entity"),
        "names": [n for n in snap.names.get(eid, []) if n != snap.labels.get(eid)],
        "posts": posts,
        "date": snap.dates.get(eid, ""),
        "evidence": list(snap.mentions.get(eid, [])),
    }


def _post_text(snap: Snapshot, post: dict[str, str], eid: str) -> str:
    """'Role, Organisation (date)' for a person; 'Person: Role (date)' for an organisation."""
    role = post["role"] or "post"
    when = f" ({post['date']})" if post["date"] else ""
    if eid == post["person"]:
        org = snap.labels.get(post["organization"], "")
        return f"{role}, {org}{when}" if org else f"{role}{when}"
    return f"{snap.labels.get(post['person'], post['person'])}: {role}{when}"


def kept_facts(snap: Snapshot, filters: Filters) -> list[Fact]:
    """Facts passing the year and article filters; registry facts join later between kept nodes."""
    kept = []
    for fact in snap.facts:
        if fact.article is None:
            continue
        if filters.articles and fact.article not in filters.articles:
            continue
        if not filters.year_ok(snap.fact_year(fact)):
            continue
        kept.append(fact)
    return kept


def entities_graph(snap: Snapshot, filters: Filters = NO_FILTERS) -> nx.MultiDiGraph:
    """Every entity and every relation between two entities; one edge per (relation, pair).

    Edge attributes: relation, evidence (quote, article, title, date), articles, years.
    Node attributes: iri, label, kind, names, posts, date, events, years, articles, evidence.
    """
    _check_filters(snap, filters)
    if snap.relations is not None:
        raise ProjectionError("this snapshot holds some relations only; read all for entities")
    kind_ok = (lambda e: snap.kinds.get(e) in filters.kinds) if filters.kinds else (lambda e: True)
    graph = nx.MultiDiGraph(projection="entities")
    facts = [f for f in kept_facts(snap, filters) if kind_ok(f.s) and kind_ok(f.o)]
    if filters.narrows_facts:
        nodes = {f.s for f in facts} | {f.o for f in facts}
    else:
        nodes = {e for e in snap.kinds if kind_ok(e)}
    registry = [f for f in snap.facts if f.article is None and f.s in nodes and f.o in nodes]
    for eid in sorted(nodes):
        graph.add_node(eid, **_node_attrs(snap, eid))
    grouped: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for fact in facts + registry:
        grouped[(fact.s, fact.o, fact.p)].append(fact)
    for (s, o, p), group in sorted(grouped.items()):
        evidence = [
            snap.evidence(q, f.article) for f in group for q in (f.quotes or ("",)) if f.article
        ]
        years = sorted({y for f in group if (y := snap.fact_year(f)) is not None})
        graph.add_edge(
            s,
            o,
            key=p,
            relation=p,
            evidence=sorted(evidence, key=_evidence_key),
            articles=sorted({f.article for f in group if f.article}),
            years=years,
            source="registry" if all(f.article is None for f in group) else "article",
        )
    _annotate_nodes(graph, snap)
    return graph


def _annotate_nodes(graph: nx.Graph, snap: Snapshot) -> None:
    """Add each node's events, years and articles, taken from the edges kept around it."""
    events: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[int]] = defaultdict(set)
    arts: dict[str, set[str]] = defaultdict(set)
    quotes: dict[str, dict[tuple[str, str], dict[str, str]]] = defaultdict(dict)
    for u, v, data in graph.edges(data=True):
        for a, b in ((u, v), (v, u)):
            if snap.kinds.get(b) == "Event":
                events[a].add(b)
            years[a].update(data.get("years", ()))
            arts[a].update(data.get("articles", ()))
            for ev in data.get("evidence", ()):
                quotes[a].setdefault((ev["article"], ev["quote"]), ev)
    for node, attrs in graph.nodes(data=True):
        if node in snap.dates and (y := _year(snap.dates[node])) is not None:
            years[node].add(y)
        attrs["events"] = sorted(snap.labels.get(e, e) for e in events[node])
        attrs["years"] = sorted(years[node])
        attrs["articles"] = sorted(arts[node])
        # the sentences of the facts kept around the node; else where articles name it
        if quotes[node]:
            attrs["evidence"] = sorted(quotes[node].values(), key=_evidence_key)


def cooperation_graph(snap: Snapshot, filters: Filters = NO_FILTERS) -> nx.Graph:
    """Agents linked when they organised, hosted, attended, supported or funded the same activity.

    Kinds default to Organization. Edge weight is the number of shared activities; each edge
    lists the activities, their years, the relations and the evidence of both sides.
    """
    _check_filters(snap, filters)
    kinds = filters.kinds or DEFAULT_COOPERATION_KINDS
    involved: dict[str, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
    for fact in kept_facts(snap, filters):
        if (
            fact.p in ACTIVITY_RELATIONS
            and snap.kinds.get(fact.s) in kinds
            and snap.kinds.get(fact.o) in ACTIVITY_KINDS
        ):
            involved[fact.o][fact.s].append(fact)
    graph = nx.Graph(projection="cooperation")
    if not filters.narrows_facts:
        for eid in sorted(e for e, k in snap.kinds.items() if k in kinds):
            graph.add_node(eid)
    pairs: dict[tuple[str, str], dict[str, list[Fact]]] = defaultdict(dict)
    for activity, agents in involved.items():
        for agent in agents:
            graph.add_node(agent)
        for a, b in itertools.combinations(sorted(agents), 2):
            pairs[(a, b)][activity] = agents[a] + agents[b]
    for node in list(graph.nodes):
        graph.nodes[node].update(_node_attrs(snap, node))
    # a hub's fact sits on every edge of that activity: its year and statement are made once
    used = {id(f): f for agents in involved.values() for fs in agents.values() for f in fs}
    year_of = {k: snap.fact_year(f) for k, f in used.items()}
    label = snap.labels.get
    statement_of = {k: f"{label(f.s, f.s)} {f.p} {label(f.o, f.o)}" for k, f in used.items()}
    for (a, b), shared in sorted(pairs.items()):
        acts = sorted(shared, key=lambda x: (snap.dates.get(x, ""), x))
        facts = [f for act in acts for f in shared[act]]
        years = sorted({y for f in facts if (y := year_of[id(f)]) is not None})
        graph.add_edge(
            a,
            b,
            relation="co-operated",
            weight=len(acts),
            events=[snap.labels.get(x, x) for x in acts],
            event_ids=acts,
            relations=sorted({statement_of[id(f)] for f in facts}),
            years=years,
            articles=sorted({f.article for f in facts if f.article}),
            evidence=_unique_evidence(snap, facts),
        )
    _annotate_nodes(graph, snap)
    for node, attrs in graph.nodes(data=True):
        attrs["events"] = sorted(
            {e for _, _, d in graph.edges(node, data=True) for e in d["events"]}
        )
    return graph


def _unique_evidence(snap: Snapshot, facts: list[Fact]) -> list[dict[str, str]]:
    """Each (article, quote) once, in date order: both sides of a pair often cite one sentence."""
    found = {(f.article, q): snap.evidence(q, f.article) for f in facts for q in f.quotes}
    return sorted(found.values(), key=_evidence_key)


def project(
    store_or_snap: ox.Store | Snapshot, projection: str, filters: Filters = NO_FILTERS
) -> nx.Graph:
    """The named projection ('entities' or 'cooperation') under the filters."""
    snap = store_or_snap if isinstance(store_or_snap, Snapshot) else read_snapshot(store_or_snap)
    if projection == "entities":
        return entities_graph(snap, filters)
    if projection == "cooperation":
        return cooperation_graph(snap, filters)
    raise ProjectionError(f"unknown projection '{projection}'; choose {' or '.join(PROJECTIONS)}")


def ego_graph(graph: nx.Graph, focus: str, depth: int = 1) -> nx.Graph:
    """The focus entity and everything within `depth` hops of it, ignoring edge direction."""
    if focus not in graph:
        raise ProjectionError(f"'{focus}' is not in this projection (filters may have left it out)")
    if depth < 0:
        raise ProjectionError("depth must be 0 or more")
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    near = nx.single_source_shortest_path_length(undirected, focus, cutoff=depth)
    sub = graph.subgraph(sorted(near)).copy()
    sub.graph.update(graph.graph, focus=focus, depth=depth)
    return sub


@dataclass(frozen=True)
class Hop:
    """One step of a chain: the facts linking two neighbouring entities, with their quotes."""

    source: str
    target: str
    facts: tuple[dict[str, Any], ...]


def shortest_chains(
    graph: nx.MultiDiGraph, source: str, target: str, limit: int = 5, evidenced_only: bool = True
) -> list[list[Hop]]:
    """Up to `limit` shortest chains from source to target in the entities projection.

    With evidenced_only (the default) only facts an article states are walked, so every hop
    can cite its sentence; registry links (a ministry's country) are left out.
    """
    for end in (source, target):
        if end not in graph:
            raise ProjectionError(
                f"'{end}' is not in this projection (filters may have left it out)"
            )
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        if evidenced_only and not data["evidence"]:
            continue
        simple.add_edge(u, v)
    try:
        paths = list(itertools.islice(nx.all_shortest_paths(simple, source, target), 10_000))
    except nx.NetworkXNoPath:
        return []
    chains = []
    for path in sorted(paths)[:limit]:
        hops = []
        for a, b in itertools.pairwise(path):
            facts = []
            for u, v in ((a, b), (b, a)):
                for _key, data in sorted(graph.get_edge_data(u, v, default={}).items()):
                    if evidenced_only and not data["evidence"]:
                        continue
                    facts.append(
                        {
                            "subject": u,
                            "relation": data["relation"],
                            "object": v,
                            "evidence": data["evidence"],
                        }
                    )
            hops.append(Hop(a, b, tuple(facts)))
        chains.append(hops)
    return chains


def chains_graph(graph: nx.MultiDiGraph, chains: list[list[Hop]]) -> nx.MultiDiGraph:
    """The entities and facts along the chains only, to draw or export them."""
    sub = nx.MultiDiGraph(projection="path")
    for chain in chains:
        for hop in chain:
            for end in (hop.source, hop.target):
                sub.add_node(end, **graph.nodes[end])
            for fact in hop.facts:
                u, v, key = fact["subject"], fact["object"], fact["relation"]
                sub.add_edge(u, v, key=key, **graph.edges[u, v, key])
    return sub
