"""What the curation checker needs from ontology/kg.ttl: kinds, relations, domains and ranges.

Reading the Turtle (rather than a Python table) keeps one source of truth: add a relation to the
ontology with ``kg:curationRelation true`` and curation files may use it at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.vocab import KG, NS, ONTOLOGY_PATH

# How a literal-valued relation's object is written in YAML, by its rdfs:range.
LITERAL_RANGES = {
    KG.DateValue: "date",
    XSD.string: "text",
    XSD.integer: "integer",
    XSD.duration: "duration",
}


@dataclass(frozen=True)
class Relation:
    """A property curation files may name as ``p:``."""

    name: str
    iri: str
    domain: str | None  # kind (local class name) the subject must be, or None for any
    range: str | None  # kind the object must be, for relations between entities
    literal: str | None  # "date", "text", "integer" or "duration" for literal-valued relations


@dataclass(frozen=True)
class Ontology:
    """Kinds with their superclasses, and the curation relations."""

    superkinds: dict[str, frozenset[str]]  # kind -> itself and every kg superclass
    relations: dict[str, Relation]
    labels: dict[str, str]  # local name -> rdfs:label, for messages

    @cached_property  # asked once per entity checked
    def entity_kinds(self) -> list[str]:
        """Kinds a registry entry may have: the most specific classes under kg:Entity."""
        parents = {p for k, sup in self.superkinds.items() for p in sup if p != k}
        return sorted(
            k for k, sup in self.superkinds.items() if "Entity" in sup and k not in parents
        )

    def is_a(self, kind: str, required: str | None) -> bool:
        return required is None or required in self.superkinds.get(kind, frozenset())


def _local(term: object) -> str | None:
    text = str(term)
    return text[len(NS) :] if isinstance(term, URIRef) and text.startswith(NS) else None


@cache
def load_ontology(path: Path = ONTOLOGY_PATH) -> Ontology:
    graph = Graph().parse(path, format="turtle")
    parents: dict[str, set[str]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        name = _local(cls)
        if name:
            parents[name] = {p for p in map(_local, graph.objects(cls, RDFS.subClassOf)) if p}

    def closure(kind: str) -> frozenset[str]:
        seen, todo = {kind}, [kind]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return frozenset(seen)

    relations = {}
    for prop in graph.subjects(KG.curationRelation, Literal(True)):
        name = _local(prop)
        if not name:
            continue
        domain = _local(graph.value(prop, RDFS.domain))
        rng = graph.value(prop, RDFS.range)
        literal = LITERAL_RANGES.get(rng) if rng is not None else None
        is_literal = (prop, RDF.type, OWL.DatatypeProperty) in graph
        relations[name] = Relation(
            name=name,
            iri=str(prop),
            domain=None if domain == "Entity" else domain,
            range=None if is_literal or _local(rng) == "Entity" else _local(rng),
            literal=literal if is_literal else None,
        )
    labels = {n: str(graph.value(URIRef(NS + n), RDFS.label)) for n in parents}
    labels.update({n: str(graph.value(URIRef(r.iri), RDFS.label)) for n, r in relations.items()})
    return Ontology({k: closure(k) for k in parents}, relations, labels)
