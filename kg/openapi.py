"""An OpenAPI 3.1 description of the HTTP API, generated from the named query library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kg import __version__
from kg.queries import NamedQuery

_SCHEMAS = {
    "entity": {"type": "string", "description": "an entity id, name or alias"},
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "year": {"type": "integer", "minimum": 1000, "maximum": 9999},
    "date": {"type": "string", "format": "date"},
}
_RESULTS = {
    media: {"schema": {"type": "string" if "json" not in media else "object"}}
    for media in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    )
}
_ERRORS = {
    "400": {"description": "bad parameter or malformed query; the body says which"},
    "403": {"description": "refused: updates, SERVICE or non-local datasets"},
    "406": {"description": "no acceptable result format"},
    "413": {"description": "request body too large"},
    "503": {"description": "the query was stopped at its time budget"},
}


def _paging(q: NamedQuery) -> list[dict[str, Any]]:
    """The page parameters every named query takes (kg.queries.run_named)."""
    default = f"default {q.page}" if q.page else "default: the whole answer"
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"rows in the page, or 'all' (up to the server's row cap; {default}); "
            "a page with more rows after it has truncated: true (X-KG-Truncated)",
            "schema": {"oneOf": [{"type": "integer", "minimum": 1}, {"const": "all"}]},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "rows to skip: the next page starts at offset + the rows returned",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
    ]


def _query_path(q: NamedQuery) -> dict[str, Any]:
    return {
        "get": {
            "operationId": q.name,
            "summary": q.title,
            "description": f"{q.description}\n\nQuestion: {q.question}".strip(),
            "parameters": [
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.help,
                    "schema": {
                        **_SCHEMAS[p.type],
                        **({"default": p.default} if p.default is not None else {}),
                    },
                    **({"example": p.example} if p.example is not None else {}),
                }
                for p in q.params
            ]
            + _paging(q),
            "responses": {
                "200": {"description": "SPARQL results (content negotiated)", "content": _RESULTS},
                **_ERRORS,
            },
        }
    }


def describe(library: Mapping[str, NamedQuery]) -> dict[str, Any]:
    """The OpenAPI document."""
    paths: dict[str, Any] = {
        "/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The named query library with titles, questions and parameters",
                "responses": {"200": {"description": "the library as JSON"}},
            }
        },
        "/sparql": {
            "get": {
                "operationId": "sparqlGet",
                "summary": "SPARQL 1.1 Protocol query (read-only)",
                "parameters": [
                    {
                        "name": "query",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {"name": "default-graph-uri", "in": "query", "schema": {"type": "string"}},
                    {"name": "named-graph-uri", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "results or graph"}, **_ERRORS},
            },
            "post": {
                "operationId": "sparqlPost",
                "summary": "SPARQL 1.1 Protocol query by POST (form or application/sparql-query)",
                "requestBody": {
                    "content": {
                        "application/sparql-query": {"schema": {"type": "string"}},
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"query": {"type": "string"}},
                                "required": ["query"],
                            }
                        },
                    }
                },
                "responses": {"200": {"description": "results or graph"}, **_ERRORS},
            },
        },
        "/entity/{id}": {
            "get": {
                "operationId": "entity",
                "summary": "An entity as HTML, Turtle, N-Triples or JSON-LD (content negotiation)",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "the entity"},
                    "404": {"description": "unknown id"},
                },
            }
        },
        "/health": {
            "get": {"operationId": "health", "responses": {"200": {"description": "status"}}}
        },
    }
    for q in library.values():
        paths[f"/queries/{q.name}"] = _query_path(q)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kg query service",
            "version": __version__,
            "description": "Named SPARQL queries and a read-only SPARQL 1.1 endpoint over a "
            "curated knowledge graph; every fact carries its evidence quote and article.",
        },
        "paths": paths,
    }
