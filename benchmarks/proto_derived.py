"""Prototype, not part of the build: derived triples that would make three aggregating named
queries fast, computed into a scratch COPY of a built store, and the rewritten queries timed.

    cp -r build/store /tmp/scratch-store
    python benchmarks/proto_derived.py --store /tmp/scratch-store [--runs 3]

Writes into graph <https://kg.invalid/graph/derived> of the copy (never point it at a real
store): ``?entity kg:firstSeen "date"`` (MIN of STR(dcterms:date) over the articles mentioning
it), ``?entity kg:articleCount n`` and ``?assertion kg:singleSource true`` (its subject,
predicate and object are stated by one article). Then times first-seen (year=2015),
multi-article-organisations (first page) and single-source-facts (entity=osce, first page)
written against them. Figures are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from kg.remote_bind import bind_values
from kg.results import PREFIXES
from kg.vocab import entity_iri

KG = "https://kg.invalid/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DERIVED = ox.NamedNode("https://kg.invalid/graph/derived")
OPTIONS = {"prefixes": PREFIXES, "use_default_graph_as_union": True}

FIRST_SEEN = """
SELECT ?year ?entity ?label ?kind ?firstDate ?article WHERE {
  ?entity kg:firstSeen ?firstDate . FILTER(xsd:integer(SUBSTR(?firstDate, 1, 4)) = ?year)
  ?article schema:mentions ?entity ; dcterms:date ?d . FILTER(STR(?d) = ?firstDate)
  ?entity rdfs:label ?label ; a ?kind . FILTER(STRSTARTS(STR(?kind), STR(kg:)))
} ORDER BY ?kind ?label ?article ?entity"""
MULTI_ARTICLE = """
SELECT ?min ?org ?orgLabel ?articles ?firstYear WHERE {
  ?org kg:articleCount ?articles ; a kg:Organization ; rdfs:label ?orgLabel ; kg:firstSeen ?f .
  FILTER(?articles >= ?min) BIND(xsd:integer(SUBSTR(?f, 1, 4)) AS ?firstYear)
} ORDER BY DESC(?articles) ?orgLabel ?org LIMIT 101"""
SINGLE_SOURCE = """
SELECT ?entity ?subject ?subjectLabel ?relation ?object ?objectLabel ?quote ?article WHERE {
  { ?a rdf:subject ?entity ; kg:singleSource true . }
  UNION { ?a rdf:object ?entity ; kg:singleSource true . }
  ?a rdf:subject ?subject ; rdf:predicate ?p ; rdf:object ?object ;
     kg:statedIn ?article ; kg:evidence ?ev . ?ev oa:hasSelector ?sel . ?sel oa:exact ?quote .
  ?p rdfs:label ?relation . ?subject rdfs:label ?subjectLabel .
  OPTIONAL { ?object rdfs:label ?objectLabel }
} ORDER BY ?subjectLabel ?relation STR(?object) ?subject ?object ?article ?quote LIMIT 101"""


def derive(store: ox.Store) -> None:
    quads = []
    t0 = time.perf_counter()
    for r in store.query(
        """SELECT ?e (MIN(STR(?d)) AS ?first) (COUNT(DISTINCT ?art) AS ?n) WHERE {
             ?art a kg:Article ; schema:mentions ?e . OPTIONAL { ?art dcterms:date ?d } }
           GROUP BY ?e""",
        **OPTIONS,
    ):
        if r["first"] is not None:
            quads.append(ox.Quad(r["e"], ox.NamedNode(KG + "firstSeen"), r["first"], DERIVED))
        quads.append(ox.Quad(r["e"], ox.NamedNode(KG + "articleCount"), r["n"], DERIVED))
    print(f"firstSeen, articleCount: {len(quads)} triples in {time.perf_counter() - t0:.1f} s")
    t0, before = time.perf_counter(), len(quads)
    true = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    for r in store.query(
        """SELECT ?a WHERE {
             { SELECT ?s ?p ?o WHERE { ?x rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                          kg:statedIn ?st }
               GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?st) = 1) }
             ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; a kg:Assertion }""",
        **OPTIONS,
    ):
        quads.append(ox.Quad(r["a"], ox.NamedNode(KG + "singleSource"), true, DERIVED))
    print(f"singleSource: {len(quads) - before} triples in {time.perf_counter() - t0:.1f} s")
    store.extend(quads)
    store.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a scratch copy")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    store = ox.Store(str(args.store))
    if not any(store.quads_for_pattern(None, None, None, DERIVED)):
        derive(store)
    year = ox.Literal("2015", datatype=ox.NamedNode(XSD + "integer"))
    two = ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))
    cases = [
        ("first-seen year=2015", FIRST_SEEN, {"year": year}),
        ("multi-article-organisations, page", MULTI_ARTICLE, {"min": two}),
        ("single-source-facts entity=osce, page", SINGLE_SOURCE, {"entity": entity_iri("osce")}),
    ]
    for name, text, bindings in cases:
        bound = bind_values(text, {k: ox.NamedNode(v) if isinstance(v, str) else v
                                   for k, v in bindings.items()})  # fmt: skip
        times, rows = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            rows = sum(1 for _ in store.query(bound, **OPTIONS))
            times.append(time.perf_counter() - t0)
        print(f"{name}: {statistics.median(times) * 1000:.0f} ms, {rows} rows")


if __name__ == "__main__":
    main()
