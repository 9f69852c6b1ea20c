"""SHACL validation: what pySHACL reports is what ontology/shapes.ttl says.

kg.validate hands pySHACL a rewritten copy of the shapes (property shapes carrying their node
shape's targets) and only the triples the shapes read, because it is faster; these tests break
the seed graphs in many ways and check that the report is exactly the one the shapes as
written give on the whole graph.
"""

from __future__ import annotations

from functools import cache

import pytest
from pyoxigraph import Literal, NamedNode, Quad
from pyshacl import validate
from rdflib import Graph, Namespace

from kg.curation import load_project
from kg.graph import make_graphs
from kg.validate import predicates_read, shacl_report, to_rdflib, validate_graphs
from kg.vocab import SHAPES_PATH
from tests.conftest import ROOT

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"


@cache
def seed_graphs() -> dict[str, list[Quad]]:
    return make_graphs(load_project(ROOT))


def results(report: Graph) -> set[tuple[str, ...]]:
    return {
        tuple(
            str(report.value(r, p))
            for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent)
        )
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    }


def as_written(shapes: Graph, quads: list[Quad]) -> set[tuple[str, ...]]:
    """The violations the shapes as written report on the whole graph."""
    return results(validate(to_rdflib(quads), shacl_graph=shapes, inference="none")[1])


def mutations(quads: list[Quad]):  # type: ignore[no-untyped-def]
    """For each predicate: its triples dropped, a second value added, a value of the wrong kind."""
    for predicate in sorted({q.predicate.value for q in quads}):
        first = next(q for q in quads if q.predicate.value == predicate)
        yield f"drop {predicate}", [q for q in quads if q.predicate.value != predicate]
        extra = (
            Literal("x")
            if isinstance(first.object, Literal)
            else NamedNode(first.object.value + "-2")
        )
        yield (
            f"second {predicate}",
            [*quads, Quad(first.subject, first.predicate, extra, first.graph_name)],
        )
        wrong = (
            NamedNode("https://kg.invalid/id/wrong")
            if isinstance(first.object, Literal)
            else Literal("7", datatype=NamedNode(XSD + "integer"))
        )
        rest = [q for q in quads if q != first]
        yield (
            f"wrong {predicate}",
            [*rest, Quad(first.subject, first.predicate, wrong, first.graph_name)],
        )


def test_the_seed_graphs_conform() -> None:
    assert validate_graphs(seed_graphs()) == []


def test_shapes_that_read_any_triple_turn_the_filter_off() -> None:
    written = Graph().parse(SHAPES_PATH, format="turtle")
    assert predicates_read(written) is not None
    closed = Graph().parse(SHAPES_PATH, format="turtle")
    closed.update(
        "PREFIX sh: <http://www.w3.org/ns/shacl#> "
        "INSERT { ?s sh:closed true } WHERE { ?s a sh:NodeShape }"
    )
    assert predicates_read(closed) is None
    sequence = Graph().parse(SHAPES_PATH, format="turtle")
    sequence.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        [] sh:targetClass <urn:x:C> ;
           sh:property [ sh:path ( <urn:x:p> <urn:x:q> ) ; sh:minCount 1 ] .""",
        format="turtle",
    )
    assert predicates_read(sequence) is None


@pytest.mark.parametrize("graph", ["registry", "001_8c84a62f7aa6b03e"])
def test_rewritten_shapes_report_what_the_written_shapes_report(graph: str) -> None:
    quads = seed_graphs()[graph]
    written = Graph().parse(SHAPES_PATH, format="turtle")
    broken = 0
    for what, mutated in mutations(quads):
        expected = as_written(written, mutated)
        assert results(shacl_report(mutated)[1]) == expected, what
        broken += bool(expected)
    assert broken >= 20  # the mutations do break the shapes, so the comparison means something


def test_a_violation_names_the_graph_the_node_and_the_property() -> None:
    quads = [
        q
        for q in seed_graphs()["registry"]
        if not (q.predicate.value.endswith("iso3166Alpha2") and "kazakhstan" in q.subject.value)
    ]
    messages = validate_graphs({"registry": quads})
    assert len(messages) == 1
    assert messages[0].startswith(
        "SHACL violation in graph registry: https://kg.invalid/id/kazakhstan "
    )
    assert "iso3166Alpha2" in messages[0]
