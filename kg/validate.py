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

from kg.shacl_choices import RDF, RDFS, SH, add_results, split_choices, violations
from kg.vocab import SHAPES_PATH

BATCH = 50  # graphs per pySHACL call: the set-up of a call is ~3 ms (12 % at 10)
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
    read = {RDF + "type", RDFS + "subClassOf"}
    for p in ("path", "targetSubjectsOf", "targetObjectsOf", "equals", "disjoint"):
        for value in shapes.objects(None, sh[p]):
            if not isinstance(value, URIRef):
                return None
            read.add(str(value))
    for p in ("lessThan", "lessThanOrEquals"):
        read |= {str(v) for v in shapes.objects(None, sh[p])}
    return frozenset(read)


@cache
def _split():  # type: ignore[no-untyped-def]
    """The shapes handed to pySHACL, and the datatype choices checked beside it."""
    from rdflib import Graph

    return split_choices(shapes_for_pyshacl(Graph().parse(SHAPES_PATH, format="turtle")))


def _shapes():  # type: ignore[no-untyped-def]
    return _split()[0]


@cache
def _read() -> frozenset[str] | None:
    return predicates_read(_shapes())


def _terms():  # type: ignore[no-untyped-def]
    """A converter from pyoxigraph terms to rdflib ones (xsd:string literals as plain ones, as
    parsers make them), remembering the IRIs it has made."""
    from rdflib import Literal, URIRef

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

    return term


def to_rdflib(quads: Iterable[Quad]):  # type: ignore[no-untyped-def]
    """An rdflib Graph (the usual Memory store) of the quads' triples."""
    from rdflib import Graph

    term = _terms()
    graph = Graph()
    graph.addN((term(q.subject), term(q.predicate), term(q.object), graph) for q in quads)
    return graph


@cache
def _one_graph_store() -> type:
    """rdflib's SimpleMemory (the same three indexes as its Memory store, without the per-triple
    bookkeeping of contexts, which was half the cost of handing an article to pySHACL), made
    acceptable to pySHACL for one data graph: pySHACL wraps the graph in a Dataset, which asks
    for a context- and graph-aware store, and calls len() once per shape, so the triples are
    kept in a set rather than counted through the indexes. Every triple belongs to the one
    graph, so ignoring the context in triples() answers what a context-aware store would."""
    from rdflib.plugins.stores.memory import SimpleMemory

    class OneGraphStore(SimpleMemory):
        context_aware = True
        graph_aware = True

        def __init__(self) -> None:
            super().__init__()
            self.held: set[tuple[object, object, object]] = set()

        def add(self, triple, context, quoted=False):  # type: ignore[no-untyped-def]
            if triple not in self.held:
                self.held.add(triple)
                super().add(triple, context, quoted)

        def remove(self, triple_pattern, context=None):  # type: ignore[no-untyped-def]
            raise NotImplementedError("the data graph handed to pySHACL is never changed")

        def __len__(self, context=None) -> int:  # type: ignore[no-untyped-def]
            return len(self.held)

    return OneGraphStore


def data_graph(quads: Iterable[Quad]):  # type: ignore[no-untyped-def]
    """The quads' triples as the rdflib Graph the build hands to pySHACL (see _one_graph_store);
    the same triples as :func:`to_rdflib`, 2.4x cheaper to make."""
    from rdflib import Graph

    term = _terms()
    store = _one_graph_store()()
    graph = Graph(store=store)
    add = store.add
    for q in quads:
        add((term(q.subject), term(q.predicate), term(q.object)), graph)
    return graph


def shacl_report(quads: Iterable[Quad]):  # type: ignore[no-untyped-def]
    """pySHACL's (conforms, report graph) for the quads, run as the build runs it: the rewritten
    shapes, only the triples they read, and the datatype choices checked beside pySHACL
    (kg.shacl_choices) with their results in the same report."""
    from pyshacl import validate

    read = _read()
    quads = [q for q in quads if read is None or q.predicate.value in read]
    conforms, report, _ = validate(
        data_graph(quads), shacl_graph=_shapes(), inference="none", advanced=False
    )
    found = violations(_split()[1], quads, _terms())
    if found:
        add_results(report, found)
    return conforms and not found, report


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
    what its graphs would report one by one, with less per-call overhead); a batch that does
    not conform is validated again graph by graph, so each message names its graph."""
    names = sorted(graphs)
    messages = []
    for i in range(0, len(names), BATCH):
        batch = names[i : i + BATCH]
        if len(batch) > 1 and shacl_report(q for name in batch for q in graphs[name])[0]:
            continue  # the whole batch conforms
        for name in batch:
            messages += validate_quads(f"graph {name}", graphs[name])
    return messages
