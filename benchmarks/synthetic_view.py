"""A synthetic store shaped like `kg build`'s output, of any size, for the view benchmark.

The mix follows the seeds: about half organisations and groups, a fifth events, the rest
people and places. Each event has an organiser, 3-8 participants picked with preferential
attachment (a few agencies attend most meetings, as in the seeds), a place and a date; every
fact is reified as a kg:Assertion with an evidence quote in an article graph, ten events per
article. Deterministic for a given size and seed.
"""

from __future__ import annotations

import random

import pyoxigraph as ox

from kg.vocab import REGISTRY_GRAPH, article_iri, entity_iri, graph_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
KG = "https://kg.invalid/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

WORDS = [
    "ministry",
    "agency",
    "office",
    "service",
    "border",
    "police",
    "prosecutor",
    "migration",
    "labour",
    "social",
    "protection",
    "victims",
    "trafficking",
    "co-operation",
    "roundtable",
    "workshop",
    "training",
    "referral",
    "national",
    "regional",
    "programme",
    "support",
    "representatives",
    "experts",
    "civil",
    "society",
    "media",
]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def make_synthetic_store(nodes: int, seed: int = 1) -> ox.Store:
    """An in-memory store with about `nodes` entities (organisations, events, people, places)."""
    rng = random.Random(seed)
    n_events = max(1, nodes // 5)
    n_places = max(1, nodes // 10)
    n_people = max(1, nodes // 5)
    n_orgs = max(2, nodes - n_events - n_places - n_people)
    reg = _n(REGISTRY_GRAPH)
    quads: list[ox.Quad] = []

    def entity(eid: str, kind: str, label: str, alt: str | None = None) -> None:
        e = _n(entity_iri(eid))
        quads.append(ox.Quad(e, _n(RDF + "type"), _n(KG + kind), reg))
        quads.append(ox.Quad(e, _n(RDFS + "label"), ox.Literal(label), reg))
        if alt:
            quads.append(ox.Quad(e, _n(SKOS + "altLabel"), ox.Literal(alt), reg))

    def words(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k))

    orgs = [f"org-{i}" for i in range(n_orgs)]
    for i, o in enumerate(orgs):
        entity(o, "Organization", f"{words(3).title()} Agency {i}", f"Агентство {i}")
    people = [f"person-{i}" for i in range(n_people)]
    for i, p in enumerate(people):
        entity(p, "Person", f"Person {i} {words(1).title()}")
    places = [f"place-{i}" for i in range(n_places)]
    for i, p in enumerate(places):
        entity(p, "City", f"City {i}")
    agents = orgs + people
    weights = [1.0] * len(agents)
    fact_no = 0
    for i in range(n_events):
        ev = f"event-{i}"
        year = 2005 + i % 18
        entity(ev, "Event", f"{words(2).title()} meeting {i}, {year}")
        aid = f"synthetic-{i // 10:05d}"
        g, art = _n(graph_iri(aid)), _n(article_iri(aid))
        if i % 10 == 0:
            quads.append(ox.Quad(art, _n(RDF + "type"), _n(KG + "Article"), g))
            quads.append(ox.Quad(art, _n(DCT + "title"), ox.Literal(f"Article {aid}"), g))
            date = ox.Literal(f"{year}-06-01", datatype=_n(XSD + "date"))
            quads.append(ox.Quad(art, _n(DCT + "date"), date, g))
        e = _n(entity_iri(ev))
        date = ox.Literal(f"{year}-{1 + i % 12:02d}-15", datatype=_n(XSD + "date"))
        quads.append(ox.Quad(e, _n(KG + "startDate"), date, g))
        chosen = set()
        for _ in range(rng.randint(4, 9)):
            chosen.add(rng.choices(range(len(agents)), weights=weights)[0])
        facts = [(agents[a], "participatedIn", ev) for a in sorted(chosen)]
        facts[0] = (facts[0][0], "organised", ev)
        facts.append((ev, "heldIn", rng.choice(places)))
        for a in chosen:
            weights[a] += 1.0
        for s, p, o in facts:
            a = _n(f"https://kg.invalid/assertion/{aid}/{fact_no}")
            span, sel = _n(a.value + "/span"), _n(a.value + "/sel")
            st, ob = _n(entity_iri(s)), _n(entity_iri(o))
            quote = f"{words(18)}."
            quads += [
                ox.Quad(st, _n(KG + p), ob, g),
                ox.Quad(a, _n(RDF + "type"), _n(KG + "Assertion"), g),
                ox.Quad(a, _n(RDF + "subject"), st, g),
                ox.Quad(a, _n(RDF + "predicate"), _n(KG + p), g),
                ox.Quad(a, _n(RDF + "object"), ob, g),
                ox.Quad(a, _n(KG + "statedIn"), art, g),
                ox.Quad(a, _n(KG + "evidence"), span, g),
                ox.Quad(span, _n(OA + "hasSelector"), sel, g),
                ox.Quad(sel, _n(OA + "exact"), ox.Literal(quote), g),
            ]
            fact_no += 1
    store = ox.Store()
    store.bulk_extend(quads)
    return store
