"""Refuse unsafe SPARQL before any engine sees it.

pyoxigraph executes ``SERVICE`` itself through its native HTTP client, and rdflib fetches
``FROM <http://…>`` or reads ``FROM <file:…>`` (FINDINGS.md), so an audit hook cannot stop them.
The query is therefore parsed on its own (rdflib's SPARQL grammar, which also expands ``\\u``
escapes first) and the parse tree is inspected: updates, SERVICE anywhere (sub-selects,
EXISTS, OPTIONAL) and dataset clauses naming anything but this graph's own named graphs are
refused. A query the checker cannot parse is refused too, never passed through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.vocab import BASE

LOCAL_GRAPH_PREFIX = BASE + "graph/"
MAX_QUERY_CHARS = 100_000


class UnsafeQuery(ValueError):
    """The query is well-formed but asks for something this service never does."""

    status = 403


class QuerySyntaxError(ValueError):
    """The query does not parse; the message carries the line and column."""

    status = 400


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the check, and its form (select, ask, construct, describe)."""

    text: str
    form: str


_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}


def _walk(node: Any):
    """Every CompValue in a pyparsing/rdflib parse tree."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or hasattr(item, "asList"):
            stack.extend(list(item))


def _syntax_message(text: str, err: ParseException) -> str:
    line = err.lineno
    col = err.col
    source = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    found = f" near {source[col - 1 : col + 19]!r}" if source else ""
    return f"SPARQL syntax error at line {line}, column {col}{found}"


# The page kg.queries.paged_text appends: whole numbers only, so the query before it decides.
_PAGE_TAIL = re.compile(r"\n(?:LIMIT \d{1,10}\n)?(?:OFFSET \d{1,10}\n)?\Z")
# A query that finds its page in a sub-select marks the place with this comment line;
# paged_text writes the page in front of it ("LIMIT 101 OFFSET 200 # PAGE").
PAGE_MARK = "# PAGE"
_PAGE_LINE = re.compile(r"(?m)^([ \t]*)(?:LIMIT \d{1,10} )?(?:OFFSET \d{1,10} )?# PAGE[ \t]*$")
# A query that numbers its rows itself is given the page's bounds instead, as the variables
# ?pageStart and ?pageEnd, on every line marked so (kg.queries.paged_text; docs/queries.md,
# "Pages by row number"): "VALUES (?pageStart ?pageEnd) { (200 301) } # PAGE RANGE".
RANGE_MARK = "# PAGE RANGE"
PAGE_BOUNDS = ("pageStart", "pageEnd")
_RANGE_LINE = re.compile(
    r"(?m)^([ \t]*)(?:VALUES \(\?pageStart \?pageEnd\) \{ \(\d{1,19} \d{1,19}\) \} )?"
    r"# PAGE RANGE[ \t]*$"
)


def check_query(text: str) -> CheckedQuery:
    """Parse ``text`` and refuse updates, SERVICE and non-local dataset clauses.

    Raises :class:`QuerySyntaxError` or :class:`UnsafeQuery` with a message for the user. A
    page tail (``LIMIT n`` / ``OFFSET k`` lines) or a page written at a ``# PAGE`` or
    ``# PAGE RANGE`` mark is set aside, so every page of a named query reuses the cached
    check of the query itself (a parse takes 10-90 ms).
    """
    if len(text) > MAX_QUERY_CHARS:
        return _check(text)
    # the page in a marked sub-select is set aside the same way: only whole numbers differ
    unpaged = _PAGE_LINE.sub(r"\1" + PAGE_MARK, text)
    unpaged = _RANGE_LINE.sub(r"\1" + RANGE_MARK, unpaged)
    tail = _PAGE_TAIL.search(unpaged)
    if tail and tail.group(0).strip():
        unpaged = unpaged[: tail.start()]
    if unpaged != text:
        return CheckedQuery(text=text, form=_check(unpaged).form)
    return _check(text)


@lru_cache(maxsize=512)
def _check(text: str) -> CheckedQuery:
    if len(text) > MAX_QUERY_CHARS:
        raise UnsafeQuery(f"query is longer than {MAX_QUERY_CHARS} characters")
    try:
        tree = parseQuery(text)
    except ParseException as err:
        if _is_update(text):
            raise UnsafeQuery(
                "updates (INSERT, DELETE, LOAD, CLEAR…) are not accepted: the graph is read-only"
            ) from None
        raise QuerySyntaxError(_syntax_message(text, err)) from None
    except Exception as err:  # rdflib raises plain Exceptions for some bad input
        raise QuerySyntaxError(f"SPARQL syntax error: {err}") from None
    form = "select"
    for node in _walk(tree):
        if node.name in _FORMS:
            form = _FORMS[node.name]
        if node.name == "ServiceGraphPattern":
            raise UnsafeQuery("SERVICE is not allowed: this endpoint makes no outbound requests")
        if node.name == "DatasetClause":
            iri = str(dict(node).get("default") or dict(node).get("named") or "")
            if not iri.startswith(LOCAL_GRAPH_PREFIX):
                raise UnsafeQuery(
                    f"FROM <{iri}> is not allowed: only this graph's named graphs "
                    f"({LOCAL_GRAPH_PREFIX}…) may be used as a dataset"
                )
    # The outermost query form decides, not a sub-select found while walking.
    top = tree[1] if len(tree) > 1 else None
    if isinstance(top, CompValue) and top.name in _FORMS:
        form = _FORMS[top.name]
    return CheckedQuery(text=text, form=form)


_UPDATE_WORD = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)


def _is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL update (so the refusal can say why)."""
    if not _UPDATE_WORD.search(text):
        return False
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def check_graph_iri(iri: str) -> str:
    """A protocol ``default-graph-uri`` / ``named-graph-uri``: only local named graphs."""
    if not iri.startswith(LOCAL_GRAPH_PREFIX):
        raise UnsafeQuery(
            f"graph <{iri}> is not allowed: only this graph's named graphs ({LOCAL_GRAPH_PREFIX}…)"
        )
    return iri
