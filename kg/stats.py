"""Counts over the built store, for `kg stats`."""

from __future__ import annotations

import pyoxigraph

from kg.vocab import NS

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
  FILTER (?g != <https://kg.invalid/graph/ontology>)
}
GROUP BY ?class ORDER BY ?class
"""

ARTICLE_COUNTS = """
PREFIX kg: <https://kg.invalid/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?id ?date ?facts ?posts ?quotes ?claims ?entities WHERE {
  ?article a kg:Article ; dcterms:identifier ?id .
  OPTIONAL { ?article dcterms:date ?date }
  { SELECT ?article (COUNT(?x) AS ?facts) WHERE {
      ?article a kg:Article . OPTIONAL { ?x kg:statedIn ?article ; a kg:Assertion } }
    GROUP BY ?article }
  { SELECT ?article (COUNT(?x) AS ?posts) WHERE {
      ?article a kg:Article . OPTIONAL { ?x kg:statedIn ?article ; a kg:Membership } }
    GROUP BY ?article }
  { SELECT ?article (COUNT(?x) AS ?quotes) WHERE {
      ?article a kg:Article . OPTIONAL { ?x kg:statedIn ?article ; a kg:Quotation } }
    GROUP BY ?article }
  { SELECT ?article (COUNT(?x) AS ?claims) WHERE {
      ?article a kg:Article . OPTIONAL { ?x kg:statedIn ?article ; a kg:Claim } }
    GROUP BY ?article }
  { SELECT ?article (COUNT(?x) AS ?entities) WHERE {
      ?article a kg:Article . OPTIONAL { ?article schema:mentions ?x } }
    GROUP BY ?article }
}
ORDER BY ?id
"""


def _short(iri: str) -> str:
    return "kg:" + iri[len(NS) :] if iri.startswith(NS) else iri


def class_counts(store: pyoxigraph.Store) -> list[tuple[str, int]]:
    rows = store.query(CLASS_COUNTS)
    return [(_short(row["class"].value), int(row["n"].value)) for row in rows]


def article_counts(store: pyoxigraph.Store) -> list[dict[str, str | int]]:
    rows = store.query(ARTICLE_COUNTS, use_default_graph_as_union=True)
    result = []
    for row in rows:
        item: dict[str, str | int] = {"article": row["id"].value}
        item["date"] = row["date"].value if row["date"] is not None else "unknown"
        for key in ("facts", "posts", "quotes", "claims", "entities"):
            item[key] = int(row[key].value)
        result.append(item)
    return result
