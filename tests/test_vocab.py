"""The Python namespace and the Turtle ontology declare the same terms, each documented."""

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.vocab import KG, NS, ONTOLOGY_PATH


def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def test_python_namespace_matches_turtle() -> None:
    graph = ontology()
    in_turtle = {
        str(s)[len(NS) :]
        for s in graph.subjects()
        if isinstance(s, URIRef) and str(s).startswith(NS)
    }
    assert in_turtle == set(KG.__annotations__)


def test_every_class_and_property_has_label_and_comment() -> None:
    graph = ontology()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = [s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(NS)]
    assert len(terms) > 60
    undocumented = [
        str(t) for t in terms if not graph.value(t, RDFS.label) or not graph.value(t, RDFS.comment)
    ]
    assert undocumented == []


def test_every_kg_class_is_aligned_or_under_one_that_is() -> None:
    graph = ontology()
    classes = [s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(NS)]

    def aligned(cls: URIRef, seen: frozenset = frozenset()) -> bool:
        parents = set(graph.objects(cls, RDFS.subClassOf))
        if any(not str(p).startswith(NS) for p in parents):
            return True
        return any(aligned(p, seen | {cls}) for p in parents if p not in seen)

    internal = {KG.Entity, KG.Initiative, KG.Instrument, KG.Measure, KG.Mention, KG.NameRecord}
    unaligned = [str(c) for c in classes if c not in internal and not aligned(c)]
    assert unaligned == []


def test_unknown_term_is_an_error() -> None:
    import pytest

    with pytest.raises(AttributeError):
        _ = KG.hostd
