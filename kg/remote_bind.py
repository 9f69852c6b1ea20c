"""Parameters for stores reached over HTTP: RDF terms written into the query, never user text.

A remote store has no prepared queries, so a bound parameter has to travel in the query text.
It goes in only as a term serialised by pyoxigraph (which escapes literals and refuses bad IRIs):

1. a ``VALUES`` block opening the WHERE group binds every parameter (so projections, GROUP BY
   and ORDER BY see it), and
2. inside the WHERE group each occurrence of the variable is replaced by the term, as the
   embedded store's ``substitutions=`` does (SEP-0007). Without this step Oxigraph's server
   joined the VALUES block after evaluating a three-way UNION and a query that takes 70 ms
   embedded ran past any budget. If the substituted text would not parse (the variable is
   BIND's target, a sub-select's projection…), only the VALUES block is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pyoxigraph as ox

_VAR = re.compile(r"[?$]([A-Za-z0-9_]+)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")


class BindError(ValueError):
    """A parameter cannot be bound (bad term, bad name, no WHERE group)."""


def bind_values(query_text: str, bindings: dict[str, object]) -> str:
    """The query with every binding written in as an RDF term (see the module docstring)."""
    if not bindings:
        return query_text
    terms: dict[str, str] = {}
    kinds: list[tuple[str, str]] = []
    for name, term in sorted(bindings.items()):
        if not _NAME.fullmatch(name):
            raise BindError(f"not a SPARQL variable name: {name!r}")
        node = as_oxigraph_term(term)
        terms[name] = str(node)
        kinds.append((name, "iri" if isinstance(node, ox.NamedNode) else "literal"))
    start, end = _where_group(query_text)
    names = " ".join("?" + n for n in terms)
    block = f" VALUES ({names}) {{ ({' '.join(terms.values())}) }} "
    head, body, tail = query_text[: start + 1], query_text[start + 1 : end], query_text[end:]
    if _substitution_parses(query_text, tuple(kinds)):
        body = _substitute(body, terms)
    return head + block + body + tail


def as_oxigraph_term(term: object) -> ox.NamedNode | ox.Literal:
    """A pyoxigraph term for a pyoxigraph or rdflib IRI or literal (blank nodes are refused)."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term
    from rdflib.term import Literal as RLiteral
    from rdflib.term import URIRef

    try:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, RLiteral):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype:
                return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
            return ox.Literal(str(term))
    except ValueError as err:
        raise BindError(f"not a valid RDF term: {err}") from None
    raise BindError(f"a parameter must be an IRI or a literal, not {type(term).__name__}")


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Offsets and kinds ("{", "}", "var") of the significant tokens, skipping comments,
    strings and IRIs."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c == "<":
            match = _IRI.match(text, i)
            if match:
                i = match.end()
                continue
        if c in "{}":
            yield i, c
        elif c in "?$":
            match = _VAR.match(text, i)
            if match:
                yield i, "var"
                i = match.end()
                continue
        i += 1


def _where_group(text: str) -> tuple[int, int]:
    """Offsets of the braces opening and closing the query's WHERE group."""
    groups: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for at, kind in _tokens(text):
        if kind == "{":
            if depth == 0:
                opened = at
            depth += 1
        elif kind == "}":
            depth -= 1
            if depth == 0:
                groups.append((opened, at))
    if not groups:
        raise BindError("the query has no WHERE group to bind parameters in")
    head = text[: groups[0][0]].upper()
    if re.search(r"\bCONSTRUCT\b", head) and not re.search(r"\bWHERE\b", head):
        if len(groups) < 2:
            raise BindError("cannot bind parameters in a CONSTRUCT WHERE short form")
        return groups[1]
    return groups[0]


def _substitute(body: str, terms: dict[str, str]) -> str:
    out, last = [], 0
    for at, kind in _tokens(body):
        if kind != "var":
            continue
        match = _VAR.match(body, at)
        assert match is not None
        if match.group(1) in terms:
            out.append(body[last:at])
            out.append(terms[match.group(1)])
            last = match.end()
    out.append(body[last:])
    return "".join(out)


@lru_cache(maxsize=256)
def _substitution_parses(text: str, kinds: tuple[tuple[str, str], ...]) -> bool:
    """Whether substituting terms of these kinds leaves valid SPARQL (placeholders stand in:
    validity depends on where the variables are, not on the values)."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    placeholders = {n: "<urn:kg:p>" if k == "iri" else '"p"' for n, k in kinds}
    start, end = _where_group(text)
    candidate = text[: start + 1] + _substitute(text[start + 1 : end], placeholders) + text[end:]
    try:
        parseQuery(candidate)
    except (ParseException, ValueError, TypeError):
        return False
    return True
