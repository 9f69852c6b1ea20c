"""Datatype choices ("a date is an xsd:date, an xsd:gYearMonth or an xsd:gYear"), checked
beside pySHACL rather than by it, with the same results.

SHACL Core has no "one of these datatypes" constraint, so ontology/shapes.ttl says it with a
node shape holding an ``sh:or`` of ``sh:datatype`` alternatives, reached with ``sh:node``.
pySHACL evaluates every alternative of an ``sh:or`` (no short cut) and writes a full violation
description for each one that fails, then throws them away: two per date, 40 % of its time on
the synthetic corpus (benchmarks/RESULTS.md). Exactly that pattern is taken out of the shapes
handed to pySHACL and checked here, producing the result pySHACL would have reported
(tests/test_validate.py compares both on ~200 broken graphs against the shapes as written).
Anything that does not fit the pattern exactly stays with pySHACL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import Quad

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
# datatypes that pySHACL's sh:datatype treats specially (plain and language strings, any literal)
SPECIAL = {RDFS + "Literal", RDFS + "Datatype", RDF + "langString",
           "http://www.w3.org/2001/XMLSchema#string"}  # fmt: skip
CHOICE_PREDICATES = {RDF + "type", RDFS + "comment", RDFS + "label", SH + "or"}
# what a targeted property shape may say about its focus nodes for the link to be checked here
TARGET_KINDS = ("targetNode", "targetSubjectsOf", "targetObjectsOf", "target")


@dataclass(frozen=True)
class DatatypeChoice:
    """A property shape's ``sh:node`` link to a shape that only allows some datatypes."""

    property_shape: object  # rdflib node: the result's sh:sourceShape
    node_shape: object  # rdflib node: the shape named in the message
    path: str
    classes: frozenset[str]  # the property shape's sh:targetClass values
    datatypes: frozenset[str]


def _choice_datatypes(shapes, node) -> frozenset[str] | None:  # type: ignore[no-untyped-def]
    """The datatypes a node shape allows when all it says is an sh:or of single sh:datatype
    alternatives; None otherwise."""
    from rdflib import BNode, URIRef

    if {str(p) for p in shapes.predicates(node)} - CHOICE_PREDICATES:
        return None
    lists = list(shapes.objects(node, URIRef(SH + "or")))
    if len(lists) != 1:
        return None
    datatypes = set()
    for member in shapes.items(lists[0]):
        said = list(shapes.predicate_objects(member))
        if not isinstance(member, BNode) or len(said) != 1:
            return None
        (predicate, datatype), *_ = said
        if str(predicate) != SH + "datatype" or not isinstance(datatype, URIRef):
            return None
        datatypes.add(str(datatype))
    if not datatypes or datatypes & SPECIAL:
        return None
    return frozenset(datatypes)


def split_choices(shapes):  # type: ignore[no-untyped-def]
    """A copy of the shapes (already rewritten by kg.validate.shapes_for_pyshacl, so property
    shapes carry their targets) without the sh:node links to datatype-choice shapes, and
    those links as checks for :func:`violations`."""
    from rdflib import Graph, URIRef

    def one(subject, predicate):  # type: ignore[no-untyped-def]
        values = list(shapes.objects(subject, URIRef(SH + predicate)))
        return values[0] if len(values) == 1 else None

    rest = Graph()
    rest += shapes
    choices = []
    for prop, shape in sorted(shapes.subject_objects(URIRef(SH + "node"))):
        datatypes = _choice_datatypes(shapes, shape)
        path = one(prop, "path")
        classes = frozenset(str(c) for c in shapes.objects(prop, URIRef(SH + "targetClass")))
        if (
            datatypes is None
            or not isinstance(path, URIRef)
            or not classes
            or any((prop, URIRef(SH + kind), None) in shapes for kind in TARGET_KINDS)
            or (prop, URIRef(SH + "deactivated"), None) in shapes
            or (shape, URIRef(SH + "deactivated"), None) in shapes
            or (None, None, prop) in shapes  # evaluated through another shape: leave it
        ):
            continue
        rest.remove((prop, URIRef(SH + "node"), shape))
        choices.append(DatatypeChoice(prop, shape, str(path), classes, datatypes))
    return rest, choices


def _superclasses(quads: Sequence[Quad]) -> dict[str, set[str]]:
    """Each class the data graph's rdfs:subClassOf triples mention, with every class above it
    (SHACL's sh:targetClass reads rdf:type/rdfs:subClassOf* in the data graph)."""
    above: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == RDFS + "subClassOf":
            above[q.subject.value].add(q.object.value)
    closed = {}
    for start in above:
        seen, todo = {start}, [start]
        while todo:
            for parent in above.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closed[start] = seen
    return closed


def _conforms(value, datatypes: frozenset[str]) -> bool:  # type: ignore[no-untyped-def]
    """Whether an rdflib term passes one of the sh:datatype alternatives, as pySHACL's
    DatatypeConstraintComponent decides it (the datatype matches and the literal is well formed)."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent
    from rdflib import Literal

    if not isinstance(value, Literal) or value.datatype is None:
        return False
    if str(value.datatype) not in datatypes or value.ill_typed is True:
        return False
    # pySHACL's own test of the value's Python type (a static check on the component class)
    return bool(DatatypeConstraintComponent._assert_actual_datatype(None, value, value.datatype))


def violations(choices: Iterable[DatatypeChoice], quads: Sequence[Quad], term):  # type: ignore[no-untyped-def]
    """(choice, focus node, value) for every value that fits none of its datatypes, in quad
    order; ``term`` converts pyoxigraph terms to the rdflib ones pySHACL sees."""
    on_path: dict[str, list[DatatypeChoice]] = defaultdict(list)
    for choice in choices:
        on_path[choice.path].append(choice)
    types: dict[str, set[str]] = defaultdict(set)
    values = []
    for q in quads:
        predicate = q.predicate.value
        if predicate == RDF + "type":
            types[q.subject.value].add(q.object.value)
        if predicate in on_path:
            values.append(q)
    if not values:
        return []
    above = _superclasses(quads)
    found = []
    for q in values:
        classes = set(types.get(q.subject.value, ()))
        for t in list(classes):
            classes |= above.get(t, set())
        for choice in on_path[q.predicate.value]:
            if classes & choice.classes:
                value = term(q.object)
                if not _conforms(value, choice.datatypes):
                    found.append((choice, term(q.subject), value))
    return found


def add_results(report, found) -> None:  # type: ignore[no-untyped-def]
    """Write the violations into pySHACL's report graph as it writes a failed sh:node (a
    result on the focus node, with the sh:or's own result on the value as its sh:detail) and
    mark the report as not conforming."""
    from rdflib import BNode, Literal, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    short = report.namespace_manager.normalizeUri
    (top,) = report.subjects(URIRef(RDF + "type"), sh("ValidationReport"))
    report.set((top, sh("conforms"), Literal(False)))
    for choice, focus, value in found:
        allowed = " , ".join(
            f"[ sh:datatype {short(URIRef(d))} ]" for d in sorted(choice.datatypes)
        )
        result, detail = BNode(), BNode()
        report.add((top, sh("result"), result))
        for node, said in (
            (
                result,
                [
                    (sh("focusNode"), focus),
                    (sh("resultPath"), URIRef(choice.path)),
                    (sh("sourceShape"), choice.property_shape),
                    (sh("sourceConstraintComponent"), sh("NodeConstraintComponent")),
                    (sh("detail"), detail),
                    (
                        sh("resultMessage"),
                        Literal(
                            f"Value does not conform to Shape {short(choice.node_shape)}. "
                            "See details for more information."
                        ),
                    ),
                ],
            ),
            (
                detail,
                [
                    (sh("focusNode"), value),
                    (sh("sourceShape"), choice.node_shape),
                    (sh("sourceConstraintComponent"), sh("OrConstraintComponent")),
                    (
                        sh("resultMessage"),
                        Literal(
                            f"Node {value.n3()} must conform to one or more shapes in {allowed}"
                        ),
                    ),
                ],
            ),
        ):
            report.add((node, URIRef(RDF + "type"), sh("ValidationResult")))
            report.add((node, sh("resultSeverity"), sh("Violation")))
            report.add((node, sh("value"), value))
            for predicate, obj in said:
                report.add((node, predicate, obj))
