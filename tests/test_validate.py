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
from kg.shacl_choices import split_choices
from kg.validate import (
    predicates_read,
    shacl_report,
    shapes_for_pyshacl,
    to_rdflib,
    validate_graphs,
)
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


# dates on nodes the article graph types (an article, a claim, a post held)
DATE_PREDICATES = (
    "http://purl.org/dc/terms/date",
    "https://kg.invalid/ns#claimDate",
    "https://kg.invalid/ns#reportedOn",
)


def date_mutations(quads: list[Quad]):  # type: ignore[no-untyped-def]
    """A date of each kind replaced by values that pass or fail the date shape for different
    reasons, and one on a node typed with a subclass of the target class."""
    values = {
        "integer": Literal("7", datatype=NamedNode(XSD + "integer")),
        "ill-typed date": Literal("2020-02-30", datatype=NamedNode(XSD + "date")),
        "year": Literal("2020", datatype=NamedNode(XSD + "gYear")),
        "year and month": Literal("2020-05", datatype=NamedNode(XSD + "gYearMonth")),
        "plain string": Literal("2020-05-01"),
        "language string": Literal("2020", language="en"),
        "iri": NamedNode("https://kg.invalid/id/wrong"),
    }
    for predicate in DATE_PREDICATES:
        first = next(q for q in quads if q.predicate.value == predicate)
        rest = [q for q in quads if q != first]
        for name, value in values.items():
            yield (
                f"{name} as {predicate}",
                [*rest, Quad(first.subject, first.predicate, value, first.graph_name)],
            )
    # events are typed in the registry graph: give one a type here, through a subclass
    event = next(q for q in quads if q.predicate.value == "https://kg.invalid/ns#startDate")
    typed = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sub = NamedNode("https://kg.invalid/ns#Workshop")
    retyped = [
        q for q in quads if not (q.subject == event.subject and q.predicate == typed) and q != event
    ]
    yield (
        "bad date on an instance of a subclass",
        [
            *retyped,
            Quad(event.subject, typed, sub, event.graph_name),
            Quad(
                sub,
                NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                NamedNode("https://kg.invalid/ns#Event"),
                event.graph_name,
            ),
            Quad(event.subject, event.predicate, Literal("soon"), event.graph_name),
        ],
    )


def test_dates_checked_beside_pyshacl_report_what_the_written_shapes_report() -> None:
    quads = seed_graphs()["001_8c84a62f7aa6b03e"]
    written = Graph().parse(SHAPES_PATH, format="turtle")
    outcomes = []
    for what, mutated in date_mutations(quads):
        expected = as_written(written, mutated)
        assert results(shacl_report(mutated)[1]) == expected, what
        outcomes.append(bool(expected))
    assert outcomes.count(True) == 16 and outcomes.count(False) == 6  # both kinds are exercised


def test_only_pure_datatype_choices_are_taken_from_pyshacl() -> None:
    flat = shapes_for_pyshacl(Graph().parse(SHAPES_PATH, format="turtle"))
    rest, choices = split_choices(flat)
    assert {c.path.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for c in choices} >= {"date", "claimDate"}
    assert all(str(c.node_shape).endswith("#DateValue") for c in choices)
    assert not list(rest.subject_objects(SH.node))  # every link to DateValue was taken out
    # an alternative that says more than a datatype leaves the shape with pySHACL
    flat.parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://kg.invalid/shapes#DateValue> sh:or
            ( [ sh:datatype xsd:date ; sh:minInclusive "2000-01-01"^^xsd:date ] ) .""",
        format="turtle",
    )
    rest, choices = split_choices(flat)
    assert choices == []
    assert len(list(rest.subject_objects(SH.node))) >= 9


def test_a_violation_in_a_batch_is_reported_for_its_own_graph_only() -> None:
    graphs = dict(seed_graphs())
    article = "003_7c9961044a6bb7bb"
    graphs[article] = [q for q in graphs[article] if not q.predicate.value.endswith("#statedIn")]
    messages = validate_graphs(graphs)
    assert len(graphs) > 2 and messages
    assert all(m.startswith(f"SHACL violation in graph {article}: ") for m in messages)
    assert any("statedIn" in m for m in messages)
