"""kg.safety refuses what must never run, before any engine sees it, and lets queries through."""

from __future__ import annotations

import pytest

from kg.safety import QuerySyntaxError, UnsafeQuery, check_graph_iri, check_query

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x.test/> { ?s ?p ?o } } } }",
    "ASK { FILTER EXISTS { SERVICE <http://x.test/> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <http://x.test/> { ?a ?p ?o } } }",
    "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <http://x.test/> { ?a ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x.test/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://x.test/> { ?s ?p ?o } }",
    # SPARQL expands \\u escapes before parsing: the keyword can be spelled with them
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE e:x { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_service_is_refused_wherever_it_hides(text: str) -> None:
    with pytest.raises(UnsafeQuery, match="SERVICE is not allowed"):
        check_query(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "BASE <https://kg.invalid/graph/> SELECT * FROM <../../../etc> WHERE { ?s ?p ?o }",
        "ASK FROM <https://kg.invalid.evil.test/graph/x> { ?s ?p ?o }",
    ],
)
def test_remote_and_file_datasets_are_refused(text: str) -> None:
    with pytest.raises(UnsafeQuery, match="is not allowed"):
        check_query(text)


def test_local_named_graphs_may_be_used_as_dataset() -> None:
    text = "SELECT * FROM <https://kg.invalid/graph/registry> WHERE { ?s ?p ?o }"
    assert check_query(text).form == "select"
    assert check_graph_iri("https://kg.invalid/graph/registry")
    with pytest.raises(UnsafeQuery):
        check_graph_iri("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a.test/s> <http://a.test/p> <http://a.test/o> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <https://kg.invalid/graph/registry>",
        "PREFIX x: <http://a.test/> DELETE { ?s ?p ?o } INSERT { ?s x:p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_as_read_only(text: str) -> None:
    with pytest.raises(UnsafeQuery, match="read-only"):
        check_query(text)


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError) as err:
        check_query("SELECT * WHERE {\n  ?s ?p }")
    assert "line 2" in str(err.value)
    assert "column" in str(err.value)


def test_words_inside_strings_and_comments_are_not_keywords() -> None:
    text = (
        "SELECT * WHERE { ?s ?p ?o # SERVICE <http://x.test/> { }\n"
        ' FILTER(?o != "SERVICE <http://x.test/> { ?a ?b ?c }") }'
    )
    assert check_query(text).form == "select"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "select"),
        ("ASK { ?s ?p ?o }", "ask"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct"),
        ("DESCRIBE <https://kg.invalid/id/osce>", "describe"),
        ("ASK { { SELECT ?s WHERE { ?s ?p ?o } } }", "ask"),
    ],
)
def test_query_form_is_the_outermost(text: str, form: str) -> None:
    assert check_query(text).form == form


def test_oversized_query_is_refused() -> None:
    with pytest.raises(UnsafeQuery, match="longer than"):
        check_query("SELECT * WHERE { ?s ?p ?o }" + " " * 200_000)
