"""SHACL validation of every named graph with pySHACL; a violation fails the build.

The shapes are local to a graph (ontology/shapes.ttl), so graphs can be validated in batches
and, for a large corpus, in kg.pipeline's worker processes. The quads are handed to rdflib as
terms, not re-parsed from text: parsing was a quarter of the validation time.

pySHACL evaluates a node shape's property shapes once per focus node, building every
constraint afresh each time; the same property shape given the node shape's targets is, by
the SHACL definition of conformance, the same check, and pySHACL then evaluates it once for
all focus nodes. ``shapes_for_pyshacl`` makes that rewrite (2.6x faster at 10,000 articles,
benchmarks/RESULTS.md); ontology/shapes.ttl stays in the usual nested style.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph
from pyoxigraph import Quad

from kg.vocab import SHAPES_PATH

BATCH = 10  # graphs per pySHACL call
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def shapes_for_pyshacl(shapes):  # type: ignore[no-untyped-def]
    """A copy of the shapes graph in which each property shape of a targeted node shape carries
    that node shape's targets itself (the node shape keeps its own node-level constraints).

    Only node shapes that nothing refers to are rewritten: a shape reached through sh:node,
    sh:or and the like is evaluated per value node by design and stays as it is.
    """
    from rdflib import Graph, Namespace, URIRef

    sh = Namespace(SH)
    flat = Graph()
    flat += shapes
    referred = set(shapes.objects())  # via sh:node, an sh:or list, ...
    for node_shape in set(shapes.subjects(URIRef(RDF + "type"), sh.NodeShape)):
        targets = [
            (p, o) for t in TARGETS for p, o in shapes.predicate_objects(node_shape) if p == sh[t]
        ]
        if not targets or node_shape in referred or (node_shape, sh.deactivated, None) in shapes:
            continue
        for prop in list(shapes.objects(node_shape, sh.property)):
            flat.remove((node_shape, sh.property, prop))
            flat.add((prop, URIRef(RDF + "type"), sh.PropertyShape))
            for p, o in targets:
                flat.add((prop, p, o))
    return flat


def predicates_read(shapes) -> frozenset[str] | None:  # type: ignore[no-untyped-def]
    """The predicates whose triples can change what the shapes report, or None when that
    cannot be told (a path that is not one IRI, closed shapes, SPARQL-based constraints).

    A shape reads a node's rdf:type (targets, sh:class, with rdfs:subClassOf) and the values
    of its paths; handing pySHACL only those triples gives the same report, faster.
    """
    from rdflib import Namespace, URIRef

    sh = Namespace(SH)
    if any((None, sh[p], None) in shapes for p in ("closed", "sparql", "target", "rule", "js")):
        return None
    read = {RDF + "type", "http://www.w3.org/2000/01/rdf-schema#subClassOf"}
    for p in ("path", "targetSubjectsOf", "targetObjectsOf", "equals", "disjoint"):
        for value in shapes.objects(None, sh[p]):
            if not isinstance(value, URIRef):
                return None
            read.add(str(value))
    for p in ("lessThan", "lessThanOrEquals"):
        read |= {str(v) for v in shapes.objects(None, sh[p])}
    return frozenset(read)


@cache
def _shapes():  # type: ignore[no-untyped-def]
    from rdflib import Graph

    return shapes_for_pyshacl(Graph().parse(SHAPES_PATH, format="turtle"))


@cache
def _read() -> frozenset[str] | None:
    return predicates_read(_shapes())


def to_rdflib(quads: Iterable[Quad]):  # type: ignore[no-untyped-def]
    """An rdflib Graph of the quads' triples (xsd:string literals as plain ones, as parsers
    make them)."""
    from rdflib import Graph, Literal, URIRef

    iris: dict[str, URIRef] = {}

    def term(node):  # type: ignore[no-untyped-def]
        if isinstance(node, pyoxigraph.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=term(node.datatype))

    graph = Graph()
    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    return graph


def shacl_report(quads: Iterable[Quad]):  # type: ignore[no-untyped-def]
    """pySHACL's (conforms, report graph) for the quads, run as the build runs it: the rewritten
    shapes, and only the triples they read."""
    from pyshacl import validate

    read = _read()
    if read is not None:
        quads = (q for q in quads if q.predicate.value in read)
    conforms, report, _ = validate(
        to_rdflib(quads), shacl_graph=_shapes(), inference="none", advanced=False
    )
    return conforms, report


def validate_quads(label: str, quads: Iterable[Quad]) -> list[str]:
    """Messages for every SHACL violation among the quads (empty when they conform)."""
    from rdflib import Namespace

    sh = Namespace(SH)
    conforms, report = shacl_report(quads)
    if conforms:
        return []
    messages = []
    for result in report.subjects(sh.resultSeverity, sh.Violation):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        where = f"{focus}" + (f" {path}" if path is not None else "")
        messages.append(f"SHACL violation in {label}: {where}: {message}")
    return sorted(messages)


def validate_graphs(graphs: dict[str, Sequence[Quad]]) -> list[str]:
    """Validate named graphs, BATCH at a time (the shapes are local, so a batch reports exactly
    what its graphs would report one by one, with less per-call overhead)."""
    names = sorted(graphs)
    messages = []
    for i in range(0, len(names), BATCH):
        batch = names[i : i + BATCH]
        label = "graph " + (", ".join(batch) if len(batch) < 3 else f"{batch[0]} .. {batch[-1]}")
        messages += validate_quads(label, (q for name in batch for q in graphs[name]))
    return messages
