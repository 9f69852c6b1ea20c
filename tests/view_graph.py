"""A small store shaped like `kg build`'s output, for the projection, analysis and view tests.

Two articles: a 2011 workshop (UNODC organised, Kazakhstan's Interior Ministry attended) and a
2015 meeting (OSCE hosted; the Interior Ministry, the Kyrgyz migration service and an NGO whose
name is an XSS payload attended). Names include Cyrillic.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.vocab import ONTOLOGY_GRAPH, REGISTRY_GRAPH, article_iri, entity_iri, graph_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"
KG = "https://kg.invalid/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"

XSS = "<img src=x onerror=alert(1)>"

ENTITIES = [
    ("unodc", "Organization", "United Nations Office on Drugs and Crime", ["UNODC"]),
    ("kz-mvd", "Organization", "Ministry of Internal Affairs of Kazakhstan", ["МВД РК"]),
    ("kg-mvd", "Organization", "Ministry of Internal Affairs of Kyrgyzstan", ["Interior Ministry"]),
    ("kz-police", "Organization", "Kazakh Police", ["Interior Ministry"]),
    (
        "kg-sms",
        "Organization",
        "State Migration Service of Kyrgyzstan",
        ["Государственная миграционная служба"],
    ),
    ("osce-pob", "Organization", "OSCE Programme Office in Bishkek", ["OSCE Centre in Bishkek"]),
    ("evil-ngo", "Organization", XSS, []),
    ("john-doe", "Person", "John Doe", []),
    ("kazakhstan", "Country", "Kazakhstan", []),
    ("bishkek", "City", "Бишкек", ["Bishkek"]),
    ("workshop-2011", "Event", "Regional workshop on trafficking, Almaty 2011", []),
    ("meeting-2015", "Event", "Co-ordination meeting, Bishkek 2015", []),
]

ARTICLES = {
    "a2011": ("UNODC workshop on co-operation", "2011-11-09"),
    "a2015": ("OSCE supports co-operation between Kyrgyz agencies", "2015-03-18"),
}

FACTS = [
    ("a2011", "unodc", "organised", "workshop-2011", "UNODC organised a regional workshop"),
    ("a2011", "kz-mvd", "participatedIn", "workshop-2011", "officers of the Ministry attended"),
    ("a2015", "osce-pob", "hosted", "meeting-2015", "The OSCE Centre in Bishkek hosted a meeting"),
    ("a2015", "kz-mvd", "participatedIn", "meeting-2015", "Kazakh police officers took part"),
    ("a2015", "kg-sms", "participatedIn", "meeting-2015", "the State Migration Service joined"),
    ("a2015", "evil-ngo", "participatedIn", "meeting-2015", 'see <a href="x">' + XSS + "</a>"),
    ("a2015", "meeting-2015", "heldIn", "bishkek", "in Bishkek"),
]

DATES = {"workshop-2011": "2011-11-09", "meeting-2015": "2015-03-18"}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def make_store() -> ox.Store:
    """An in-memory store with one named graph per article plus the registry."""
    store = ox.Store()
    reg = _n(REGISTRY_GRAPH)
    quads = []
    for eid, kind, label, alts in ENTITIES:
        e = _n(entity_iri(eid))
        quads.append(ox.Quad(e, _n(RDF + "type"), _n(KG + kind), reg))
        quads.append(ox.Quad(e, _n(RDFS + "label"), ox.Literal(label), reg))
        quads += [ox.Quad(e, _n(SKOS + "altLabel"), ox.Literal(a), reg) for a in alts]
    quads.append(
        ox.Quad(_n(entity_iri("kz-mvd")), _n(KG + "country"), _n(entity_iri("kazakhstan")), reg)
    )
    for aid, (title, date) in ARTICLES.items():
        art, g = _n(article_iri(aid)), _n(graph_iri(aid))
        quads.append(ox.Quad(art, _n(RDF + "type"), _n(KG + "Article"), g))
        quads.append(ox.Quad(art, _n(DCT + "title"), ox.Literal(title), g))
        quads.append(ox.Quad(art, _n(DCT + "date"), ox.Literal(date, datatype=_n(XSD + "date")), g))
    for i, (aid, s, p, o, quote) in enumerate(FACTS):
        g, art = _n(graph_iri(aid)), _n(article_iri(aid))
        st, ob = _n(entity_iri(s)), _n(entity_iri(o))
        a = _n(f"https://kg.invalid/assertion/{aid}/{i}")
        span, sel = _n(f"{a.value}/span"), _n(f"{a.value}/sel")
        quads += [
            ox.Quad(st, _n(KG + p), ob, g),
            ox.Quad(a, _n(RDF + "type"), _n(KG + "Assertion"), g),
            ox.Quad(a, _n(RDF + "subject"), st, g),
            ox.Quad(a, _n(RDF + "predicate"), _n(KG + p), g),
            ox.Quad(a, _n(RDF + "object"), ob, g),
            ox.Quad(a, _n(KG + "statedIn"), art, g),
            ox.Quad(a, _n(KG + "evidence"), span, g),
            ox.Quad(span, _n(OA + "hasSource"), art, g),
            ox.Quad(span, _n(OA + "hasSelector"), sel, g),
            ox.Quad(sel, _n(OA + "exact"), ox.Literal(quote), g),
        ]
    for eid, date in DATES.items():
        aid = "a2011" if date.startswith("2011") else "a2015"
        quads.append(
            ox.Quad(
                _n(entity_iri(eid)),
                _n(KG + "startDate"),
                ox.Literal(date, datatype=_n(XSD + "date")),
                _n(graph_iri(aid)),
            )
        )
    m, g = _n("https://kg.invalid/post/a2015/0"), _n(graph_iri("a2015"))
    quads += [
        ox.Quad(m, _n(RDF + "type"), _n(KG + "Membership"), g),
        ox.Quad(m, _n(ORG + "member"), _n(entity_iri("john-doe")), g),
        ox.Quad(m, _n(ORG + "organization"), _n(entity_iri("osce-pob")), g),
        ox.Quad(m, _n(KG + "roleTitle"), ox.Literal("Acting Head"), g),
        ox.Quad(m, _n(KG + "statedIn"), _n(article_iri("a2015")), g),
    ]
    quads.append(
        ox.Quad(_n(KG + "Event"), _n(RDFS + "label"), ox.Literal("Event"), _n(ONTOLOGY_GRAPH))
    )
    store.extend(quads)
    return store
