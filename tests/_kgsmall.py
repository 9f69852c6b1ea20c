"""A small hand-made graph in the build's shape, for cases the seeds do not contain
(an ambiguous name, a three-event chain, markup in article text)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

KG = "https://kg.invalid/ns#"
ID = "https://kg.invalid/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
ARTICLE = "https://kg.invalid/article/a1"
GRAPH = ox.NamedNode("https://kg.invalid/graph/a1")
REGISTRY = ox.NamedNode("https://kg.invalid/graph/registry")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def small_store(path: Path) -> Path:
    """Write the small graph to a persistent store at ``path``; returns ``path``."""
    store = ox.Store(str(path))
    quads: list[ox.Quad] = []

    def reg(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(n(s), n(p), o, REGISTRY))

    def entity(eid: str, kind: str, label: str, *alt: str) -> None:
        reg(ID + eid, RDF + "type", n(KG + kind))
        reg(ID + eid, RDFS + "label", ox.Literal(label))
        for a in alt:
            reg(ID + eid, SKOS + "altLabel", ox.Literal(a))
        quads.append(ox.Quad(n(ARTICLE), n(SCHEMA + "mentions"), n(ID + eid), GRAPH))

    entity("kz-interior", "Organization", "Interior Ministry of Kazakhstan", "Interior Ministry")
    entity("kg-interior", "Organization", "Interior Ministry of Kyrgyzstan", "Interior Ministry")
    entity("org-a", "Organization", "Alpha Agency")
    entity("org-b", "Organization", "Beta Bureau")
    entity("org-c", "Organization", "Gamma Council")
    entity("org-d", "Organization", "Delta Department " + XSS)
    for e in ("ev1", "ev2", "ev3"):
        entity(e, "Event", f"Meeting {e}")
    text = "Alpha and Beta met (ev1); Beta and Gamma met (ev2); Gamma and Delta met (ev3). " + XSS
    quads += [
        ox.Quad(n(ARTICLE), n(RDF + "type"), n(KG + "Article"), GRAPH),
        ox.Quad(n(ARTICLE), n(DCT + "title"), ox.Literal("A small test article " + XSS), GRAPH),
        ox.Quad(
            n(ARTICLE),
            n(DCT + "date"),
            ox.Literal("2015-03-18", datatype=n("http://www.w3.org/2001/XMLSchema#date")),
            GRAPH,
        ),
        ox.Quad(
            n(KG + "participatedIn"), n(RDFS + "label"), ox.Literal("participated in"), REGISTRY
        ),
    ]
    facts = [
        ("org-a", "ev1"),
        ("org-b", "ev1"),
        ("org-b", "ev2"),
        ("org-c", "ev2"),
        ("org-c", "ev3"),
        ("org-d", "ev3"),
    ]
    for i, (s, o) in enumerate(facts):
        s_iri, o_iri = ID + s, ID + o
        quads.append(ox.Quad(n(s_iri), n(KG + "participatedIn"), n(o_iri), GRAPH))
        fact = f"https://kg.invalid/fact/a1/{i}"
        span, sel = fact + "/span", fact + "/sel"
        quads += [
            ox.Quad(n(fact), n(RDF + "type"), n(KG + "Assertion"), GRAPH),
            ox.Quad(n(fact), n(RDF + "subject"), n(s_iri), GRAPH),
            ox.Quad(n(fact), n(RDF + "predicate"), n(KG + "participatedIn"), GRAPH),
            ox.Quad(n(fact), n(RDF + "object"), n(o_iri), GRAPH),
            ox.Quad(n(fact), n(KG + "statedIn"), n(ARTICLE), GRAPH),
            ox.Quad(n(fact), n(KG + "evidence"), n(span), GRAPH),
            ox.Quad(n(span), n(OA + "hasSelector"), n(sel), GRAPH),
            ox.Quad(n(sel), n(OA + "exact"), ox.Literal(text), GRAPH),
        ]
    store.bulk_extend(quads)
    store.flush()
    del store
    return path
