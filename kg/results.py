"""Query results as plain data, and their serialisations.

A :class:`Result` is picklable plain data (SPARQL JSON terms), so a worker process can hand it
to the server; every output format is then made from it with pyoxigraph's own serialisers, and
the row cap is applied once, here, so truncation is reported the same way everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.vocab import PREFIXES

Term = dict[str, Any]

# format name -> (media type, pyoxigraph format); results of SELECT/ASK
RESULT_FORMATS: dict[str, tuple[str, ox.QueryResultsFormat | None]] = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
# format name -> (media type, pyoxigraph format); results of CONSTRUCT/DESCRIBE
GRAPH_FORMATS: dict[str, tuple[str, ox.RdfFormat]] = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}


@dataclass
class Result:
    """The answer to one query: solutions, a boolean, or a graph (as N-Triples)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    ntriples: str = ""
    triples: int = 0
    truncated: bool = False  # more rows follow: the row cap or the end of a page
    limit: int | None = None
    offset: int = 0  # rows skipped before this page

    def to_json(self) -> dict[str, Any]:
        """SPARQL 1.1 JSON results; a truncated answer (more rows follow) says so in extra
        top-level keys, with the page's limit and, for a later page, its offset."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        out: dict[str, Any] = {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}
        if self.truncated:
            out["truncated"] = True
            out["limit"] = self.limit
        if self.offset:
            out["offset"] = self.offset
        return out


def result_from_json(data: dict[str, Any], limit: int | None = None) -> Result:
    """A :class:`Result` from SPARQL JSON results (as a remote endpoint returns them)."""
    if "boolean" in data:
        return Result(kind="ask", boolean=bool(data["boolean"]))
    rows = list(data.get("results", {}).get("bindings", []))
    truncated = bool(data.get("truncated"))
    if limit is not None and len(rows) > limit:
        rows, truncated = rows[:limit], True
    elif truncated and limit is None:
        limit = data.get("limit")
    return Result(
        kind="select",
        variables=list(data.get("head", {}).get("vars", [])),
        rows=rows,
        truncated=truncated,
        limit=limit if truncated else None,
        offset=int(data.get("offset") or 0),
    )


def term_json(term: Any) -> Term:
    """A pyoxigraph term as a SPARQL JSON results term."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: Term = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def json_term(data: Term) -> Any:
    """A SPARQL JSON results term back as a pyoxigraph term."""
    kind = data["type"]
    if kind == "uri":
        return ox.NamedNode(data["value"])
    if kind == "bnode":
        return ox.BlankNode(data["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in data:
            return ox.Literal(data["value"], language=data["xml:lang"])
        if "datatype" in data:
            return ox.Literal(data["value"], datatype=ox.NamedNode(data["datatype"]))
        return ox.Literal(data["value"])
    raise ValueError(f"unsupported term type {kind!r}")


def collect(answer: Any, limit: int | None) -> Result:
    """Read a pyoxigraph answer into a :class:`Result`, keeping at most ``limit`` rows."""
    if isinstance(answer, ox.QueryBoolean):
        return Result(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows: list[dict[str, Term]] = []
        truncated = False
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = term_json(value)
            rows.append(row)
        return Result(kind="select", variables=names, rows=rows, truncated=truncated, limit=limit)
    triples = []
    truncated = False
    for triple in answer:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(triple)
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode() if triples else ""
    return Result(
        kind="graph", ntriples=text, triples=len(triples), truncated=truncated, limit=limit
    )


def query_store(
    store: ox.Store,
    text: str,
    substitutions: dict[str, Any] | None = None,
    *,
    limit: int | None,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> Result:
    """Run a query that has already passed kg.safety.check_query; the union graph by default.

    Kept free of the checker's imports so query worker processes start fast.
    """
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if default_graph:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    if substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    return collect(store.query(text, **kwargs), limit)


def graph_triples(result: Result) -> list[ox.Triple]:
    """The triples of a graph result."""
    if not result.ntriples:
        return []
    return list(ox.parse(result.ntriples.encode(), format=ox.RdfFormat.N_TRIPLES))


def serialize(result: Result, fmt: str) -> bytes:
    """``result`` in format ``fmt`` (a key of RESULT_FORMATS or GRAPH_FORMATS)."""
    if result.kind == "graph":
        if fmt not in GRAPH_FORMATS:
            raise ValueError(f"a graph cannot be written as {fmt}; use {', '.join(GRAPH_FORMATS)}")
        prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
        triples = graph_triples(result)
        return ox.serialize(triples, format=GRAPH_FORMATS[fmt][1], prefixes=prefixes) or b""
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"results cannot be written as {fmt}; use {', '.join(RESULT_FORMATS)}")
    if fmt == "json":
        return json.dumps(result.to_json(), ensure_ascii=False, sort_keys=False).encode()
    plain = Result(**{**result.__dict__, "truncated": False, "offset": 0})
    data = json.dumps(plain.to_json()).encode()
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt][1]) or b""


def shorten(iri: str) -> str:
    """A prefixed name for ``iri`` when one of PREFIXES covers it, for tables people read."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local):
            return f"{best}:{local}"
    return f"<{iri}>"


def cell(term: Term | None) -> str:
    """A term as a short human-readable string."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return shorten(term["value"])
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    return str(term["value"])
