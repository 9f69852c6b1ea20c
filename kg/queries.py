"""The named query library: load ``queries/*.rq``, bind typed parameters, run on a store.

Each query file opens with a comment header (grammar in docs/queries.md)::

    # title: Countries represented at an event
    # description: ...            (may repeat; lines are joined)
    # question: Which countries were represented at this event?
    # param: event entity required example=cbt-workshop-2011 -- the event
    # page: 100                   (optional: rows per page when the caller gives no limit)

Parameters are SPARQL variables. They are validated by type and bound as RDF terms:
pyoxigraph-serialised terms placed by :func:`kg.remote.bind_values`, locally as for a remote
store — user text is never pasted into the query. Entity parameters accept an id, a label or
an alias; an ambiguous name is an error listing candidates.

Answers are paged the same way wherever a named query runs (`kg query`, `/queries/{name}`, the
query page, remote stores): ``LIMIT page+1 OFFSET offset`` is appended to the query text, the
extra row only tells that more rows follow, and the Result says so with ``truncated`` (the
server's row-cap flag) plus ``limit`` and ``offset``.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from kg.results import Result, query_store
from kg.safety import PAGE_BOUNDS, PAGE_MARK, RANGE_MARK, check_query
from kg.vocab import entity_id_of, entity_iri

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
DEFAULT_LIMIT = 10_000
XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("entity", "iri", "string", "integer", "year", "date")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# query-string and CLI words for paging; no query may declare a parameter with these names
PAGE_WORDS = ("limit", "offset")
ALL = "all"
_TRAILING_MODIFIER = re.compile(r"(?is)\b(LIMIT|OFFSET)\s+\d+\s*$|\bVALUES\b[^{}]*\{[^{}]*\}\s*$")
# the line of a query that marks where its page goes (inside the sub-select that finds it)
_MARK_LINE = re.compile(r"(?m)^([ \t]*)# PAGE[ \t]*$")
# the lines of a query that numbers its rows itself, where the page's bounds go
_RANGE_MARK_LINE = re.compile(r"(?m)^([ \t]*)# PAGE RANGE[ \t]*$")
# ?pageEnd when the whole answer is asked for: more rows than any store holds
PAGE_END_ALL = 10**18

Runner = Callable[[str, dict[str, Any] | None], Result]


class QueryError(ValueError):
    """A problem a user can fix: unknown query, bad parameter, bad header. One per line."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    help: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "description": self.help,
        }


@dataclass(frozen=True)
class NamedQuery:
    """A query file of the library with its parsed header."""

    name: str
    path: Path
    title: str
    description: str
    question: str
    params: tuple[Param, ...]
    text: str
    form: str = "select"
    page: int | None = None  # rows per page by default; None: the whole answer (up to the cap)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "question": self.question,
            "params": [p.to_json() for p in self.params],
            "page": self.page,
            "sparql": self.text,
        }

    def example_args(self) -> dict[str, str]:
        """Each parameter's example (or default), as a user would type it."""
        out = {}
        for p in self.params:
            value = p.example if p.example is not None else p.default
            if value is not None:
                out[p.name] = value
        return out


def parse_header(path: Path, text: str, check: bool = True) -> NamedQuery:
    """Read the header of one query file; every problem is reported as ``file:line``."""
    problems: list[str] = []
    fields: dict[str, list[str]] = {"title": [], "description": [], "question": []}
    params: list[Param] = []
    page: int | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        key, sep, value = body.partition(":")
        key = key.strip().lower()
        value = value.strip()
        where = f"{path}:{lineno}"
        if not sep or key not in (*fields, "param", "page"):
            problems.append(
                f"{where}: unknown header line {body!r} (expected title, "
                "description, question, param or page)"
            )
            continue
        if key == "page":
            if page is not None:
                problems.append(f"{where}: '# page:' given twice")
            elif not re.fullmatch(r"[1-9]\d{0,6}", value):
                problems.append(f"{where}: '# page:' must be a whole number of rows, like 100")
            else:
                page = int(value)
            continue
        if key != "param":
            fields[key].append(value)
            continue
        try:
            params.append(_parse_param(value))
        except ValueError as err:
            problems.append(f"{where}: {err}")
    name = path.stem
    if not _NAME.match(name):
        problems.append(f"{path}: query names are lower-case words joined by '-'")
    if not fields["title"]:
        problems.append(f"{path}:1: missing '# title:' line")
    names = [p.name for p in params]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{path}: parameter {dup!r} declared twice")
    for word in sorted(set(names) & set(PAGE_WORDS)):
        problems.append(f"{path}: {word!r} names the paging option; call the parameter otherwise")
    for word in sorted(set(names) & set(PAGE_BOUNDS)):
        problems.append(f"{path}: {word!r} names a page bound; call the parameter otherwise")
    if _TRAILING_MODIFIER.search(re.sub(r"#[^\n]*", " ", text)):
        problems.append(
            f"{path}: a named query may not end with LIMIT, OFFSET or VALUES: the runner pages it "
            "(use '# page: N' for a default page)"
        )
    problems.extend(f"{path}: {p}" for p in _page_mark_problems(text))
    form = _form_of(text)
    if check:
        try:
            form = check_query(text).form
        except ValueError as err:
            problems.append(f"{path}: {err}")
    for p in params:
        if not re.search(rf"\?{p.name}\b", text):
            problems.append(f"{path}: parameter {p.name!r} is not a variable of the query")
    if problems:
        raise QueryError(problems)
    return NamedQuery(
        name=name,
        path=path,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        question=" ".join(fields["question"]),
        params=tuple(params),
        text=text,
        form=form,
        page=page,
    )


def _page_mark_problems(text: str) -> list[str]:
    """A ``# PAGE`` line must be single and inside a sub-select; ``# PAGE RANGE`` lines need
    the query to read both bounds; and a marked query must be ordered again (a sub-select's
    order does not carry over to the query around it)."""
    marks = list(_MARK_LINE.finditer(text))
    ranges = list(_RANGE_MARK_LINE.finditer(text))
    if not marks and not ranges:
        return []
    problems = []
    if len(marks) > 1:
        problems.append("'# PAGE' marks the page once")
    elif marks:
        from kg.remote_bind import _tokens

        depth = 0
        for _at, kind in _tokens(text[: marks[0].start()]):
            depth += {"{": 1, "}": -1}.get(kind, 0)
        if depth < 2:
            problems.append("'# PAGE' belongs inside the sub-select that finds the page")
    if ranges:
        body = re.sub(r"(?m)^[ \t]*#[^\n]*$", "", text)  # the query without comment lines
        for bound in PAGE_BOUNDS:
            if not re.search(rf"\?{bound}\b", body):
                problems.append(f"a query with '# PAGE RANGE' finds its rows with ?{bound}")
    outer = text[text.rfind("}") + 1 :]
    if not re.search(r"(?i)\bORDER\s+BY\b", outer):
        problems.append("a query paged at '# PAGE' needs its own ORDER BY (the sub-select's")
        problems[-1] += " order does not carry over)"
    return problems


def _parse_param(spec: str) -> Param:
    """``NAME TYPE [required] [default=V] [example=V] [-- help]``."""
    head, _, help_text = spec.partition(" -- ")
    try:
        words = shlex.split(head)
    except ValueError as err:
        raise ValueError(f"param line: {err}") from None
    if len(words) < 2:
        raise ValueError("param line needs at least a name and a type: '# param: NAME TYPE'")
    name, kind, *rest = words
    if not _VAR.match(name):
        raise ValueError(f"parameter name {name!r} is not a SPARQL variable name")
    if kind not in PARAM_TYPES:
        raise ValueError(f"parameter type {kind!r} is not one of {', '.join(PARAM_TYPES)}")
    opts: dict[str, Any] = {}
    for word in rest:
        if word == "required":
            opts["required"] = True
        elif word.startswith(("default=", "example=")):
            key, _, value = word.partition("=")
            opts[key] = value
        else:
            raise ValueError(f"unknown word {word!r} (use required, default=V, example=V)")
    if opts.get("required") and "default" in opts:
        raise ValueError(f"parameter {name!r} is required and has a default; choose one")
    return Param(name=name, type=kind, help=help_text.strip(), **opts)


def _form_of(text: str) -> str:
    """select, ask, construct or describe: the first query keyword after comments and prologue.
    Cheap, for loading a library unchecked (every query is checked before it runs anyway)."""
    body = re.sub(r"#[^\n]*", " ", text)
    body = re.sub(r"(?is)\b(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)", " ", body)
    match = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body)
    return match.group(1).lower() if match else "select"


def load_library(directory: Path = QUERIES_DIR, check: bool = True) -> dict[str, NamedQuery]:
    """Every ``*.rq`` in ``directory``, by name; all header problems raised at once.

    ``check=False`` skips parsing each query with the safety checker (about 0.1 s a query):
    the server and `kg query` check every query text before running it in any case."""
    library: dict[str, NamedQuery] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
            library[path.stem] = parse_header(path, text, check)
        except QueryError as err:
            problems.extend(err.problems)
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
    if problems:
        raise QueryError(problems)
    return library


def get_query(library: Mapping[str, NamedQuery], name: str) -> NamedQuery:
    """The named query, or an error that suggests the closest names."""
    if name in library:
        return library[name]
    close = [m[0] for m in process.extract(name, list(library), scorer=fuzz.WRatio, limit=3)]
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise QueryError(f"no named query {name!r}{hint} (`kg queries` lists them)")


# ---------------------------------------------------------------- parameter binding


def _literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


_RESOLVE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kg: <https://kg.invalid/ns#>
SELECT DISTINCT ?needle ?e ?label WHERE {
  { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n } UNION { ?e kg:nameRecord/kg:name ?n }
  UNION { ?m kg:mentionOf ?e ; kg:name ?n }
  FILTER(LCASE(STR(?n)) = LCASE(STR(?needle)))
  ?e rdfs:label ?label .
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
}
ORDER BY ?e
"""

_KNOWN = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e ?label WHERE { ?e rdfs:label ?label }
"""

_LABELS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?n WHERE {
  { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n }
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
}
"""


def resolve_entity(run: Runner, text: str) -> ox.NamedNode:
    """An entity given by id, IRI, label or alias; ambiguity lists the candidates."""
    text = text.strip()
    if not text:
        raise ValueError("an empty value names no entity")
    iri = text if entity_id_of(text) is not None else None
    if iri is None and re.fullmatch(r"[a-z0-9][a-z0-9-]*", text):
        iri = entity_iri(text)
    if iri is not None:
        node = _named_node(iri)
        if run(_KNOWN, {"e": node}).rows:
            return node
    hits = run(_RESOLVE, {"needle": ox.Literal(text)}).rows
    found = {row["e"]["value"]: row["label"]["value"] for row in hits}
    if len(found) == 1:
        return ox.NamedNode(next(iter(found)))
    if len(found) > 1:
        listed = "; ".join(
            f"{entity_id_of(i) or i} ({label})" for i, label in sorted(found.items())
        )
        raise ValueError(f"{text!r} is ambiguous: it names {listed}. Give the id instead.")
    names = {row["n"]["value"]: row["e"]["value"] for row in run(_LABELS, None).rows}
    close = process.extract(text, list(names), scorer=fuzz.WRatio, limit=8, score_cutoff=60)
    seen: dict[str, str] = {}
    for match in close:
        seen.setdefault(names[match[0]], match[0])
    hint = ""
    if seen:
        hint = "; closest: " + "; ".join(
            f"{entity_id_of(iri)} ({name})" for iri, name in list(seen.items())[:3]
        )
    raise ValueError(f"no entity has the id, name or alias {text!r}{hint}")


def _named_node(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise ValueError(f"{value!r} is not a valid IRI ({err})") from None


def bind_value(run: Runner, param: Param, raw: str) -> Any:
    """One raw string as the RDF term of ``param``'s type, or ValueError with the reason."""
    kind = param.type
    if kind == "entity":
        return resolve_entity(run, raw)
    if kind == "iri":
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", raw):
            return resolve_entity(run, raw)
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
            raise ValueError(f"{raw!r} is neither a known entity id nor an absolute IRI")
        return _named_node(raw)
    if kind == "string":
        return ox.Literal(raw)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
            raise ValueError(f"{raw!r} is not a whole number")
        return _literal(str(int(raw)), "integer")
    if kind == "year":
        if not re.fullmatch(r"\d{4}", raw.strip()):
            raise ValueError(f"{raw!r} is not a year (four digits, such as 2015)")
        return _literal(str(int(raw)), "integer")
    if kind == "date":
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None
        return _literal(day.isoformat(), "date")
    raise ValueError(f"unknown parameter type {kind!r}")


def bind_params(run: Runner, query: NamedQuery, raw: Mapping[str, str]) -> dict[str, Any]:
    """Validate ``raw`` against the query's parameters; all problems reported together."""
    problems: list[str] = []
    declared = {p.name: p for p in query.params}
    for name in raw:
        if name not in declared:
            known = ", ".join(declared) or "none"
            problems.append(f"{query.name}: unknown parameter {name!r} (parameters: {known})")
    bound: dict[str, Any] = {}
    for p in query.params:
        value = raw.get(p.name)
        if value is None:
            value = p.default
        if value is None:
            if p.required:
                example = f", e.g. -p {p.name} {shlex.quote(p.example)}" if p.example else ""
                problems.append(
                    f"{query.name}: parameter {p.name!r} ({p.type}) is required{example}"
                )
            continue
        try:
            bound[p.name] = bind_value(run, p, value)
        except ValueError as err:
            problems.append(f"{query.name}: parameter {p.name!r}: {err}")
    if problems:
        raise QueryError(problems)
    return bound


def execute(
    store: ox.Store,
    text: str,
    substitutions: Mapping[str, Any] | None = None,
    *,
    limit: int | None = DEFAULT_LIMIT,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> Result:
    """Check ``text`` (safety.check_query) and run it on the union of the named graphs, with
    the parameters written in as terms (:func:`bound_text`)."""
    check_query(text)
    return query_store(
        store,
        bound_text(text, substitutions),
        None,
        limit=limit,
        default_graph=default_graph,
        named_graphs=named_graphs,
    )


def bound_text(text: str, substitutions: Mapping[str, Any] | None) -> str:
    """``text`` with each parameter written in as a pyoxigraph-serialised term
    (kg.remote_bind.bind_values, the same binding remote stores get), never as user text.

    Why not pyoxigraph's ``substitutions=``: 0.5.13 plans the query before the values are
    applied, so a bound entity cannot drive the joins (event-participants at 10,000 articles:
    0.56 s with ``substitutions=``, 1 ms with the term in the text)."""
    if not substitutions:
        return text
    from kg.remote_bind import bind_values

    return bind_values(text, dict(substitutions))


def store_runner(store: ox.Store, limit: int | None = DEFAULT_LIMIT) -> Runner:
    """A :data:`Runner` over an open store (the CLI's; the server's goes through its pool)."""

    def run(text: str, substitutions: dict[str, Any] | None = None) -> Result:
        return execute(store, text, substitutions, limit=limit)

    return run


@dataclass
class Answer:
    """A named query's result with the terms its parameters were bound to."""

    query: NamedQuery
    bindings: dict[str, Any]
    result: Result


def parse_limit(raw: str) -> int | None:
    """A page size as a user writes it: a positive whole number, or ``all`` (None)."""
    text = raw.strip().lower()
    if text == ALL:
        return None
    if not re.fullmatch(r"\d{1,9}", text) or int(text) < 1:
        raise QueryError(f"limit must be a whole number of rows (1 or more) or 'all', not {raw!r}")
    return int(text)


def parse_offset(raw: str) -> int:
    """A page start as a user writes it: rows to skip, 0 or more."""
    if not re.fullmatch(r"\d{1,9}", raw.strip()):
        raise QueryError(f"offset must be a whole number of rows to skip (0 or more), not {raw!r}")
    return int(raw)


def paged_text(text: str, size: int | None, offset: int = 0) -> str:
    """``text`` with ``LIMIT size+1`` and ``OFFSET offset`` (the extra row tells that more rows
    follow); only whole numbers are written, never user text.

    The page goes at the end, or, in a query with a ``# PAGE`` line, on that line: the query
    then finds its page in a sub-select ordered as the whole query is, and looks up the rest
    of each row for the page's rows only (docs/queries.md, "Pages"). Each ``# PAGE RANGE``
    line gets the page's bounds instead, ``VALUES (?pageStart ?pageEnd) { (offset end) }``
    (end: offset + size + 1, or PAGE_END_ALL): a query that numbers its rows itself picks
    the rows from ?pageStart up to ?pageEnd (docs/queries.md, "Pages by row number")."""
    end = PAGE_END_ALL if size is None else int(offset) + int(size) + 1
    bounds = f"VALUES (?pageStart ?pageEnd) {{ ({int(offset)} {end}) }} {RANGE_MARK}"
    text, ranges = _RANGE_MARK_LINE.subn(lambda m: m.group(1) + bounds, text)
    words = []
    if size is not None:
        words.append(f"LIMIT {int(size) + 1}")
    if offset:
        words.append(f"OFFSET {int(offset)}")
    if not words:
        return text
    mark = _MARK_LINE.search(text)
    if mark:
        line = f"{mark.group(1)}{' '.join(words)} {PAGE_MARK}"
        return text[: mark.start()] + line + text[mark.end() :]
    if ranges:
        return text  # the query picks its page's rows itself
    return text.rstrip() + "\n" + "\n".join(words) + "\n"


def page_size(query: NamedQuery, limit: int | str | None = "default") -> int | None:
    """Rows in the page: ``limit`` when given (None: all), else the query's ``# page:``."""
    if limit == "default":
        return query.page
    return limit  # type: ignore[return-value]


def run_named(
    run: Runner,
    query: NamedQuery,
    raw: Mapping[str, str],
    *,
    limit: int | str | None = "default",
    offset: int = 0,
) -> Answer:
    """Bind ``raw`` parameters and run one page of ``query`` through ``run``.

    ``limit`` is the page size (None: the whole answer, up to the runner's cap; "default":
    the query's ``# page:``), ``offset`` the rows skipped. ``result.truncated`` is True when
    rows follow the page (or the runner's cap cut it); ``limit`` and ``offset`` say where."""
    bindings = bind_params(run, query, raw)
    size = page_size(query, limit)
    result = run(paged_text(query.text, size, offset), bindings)
    if size is not None and result.kind == "select" and len(result.rows) > size:
        result.rows = result.rows[:size]
        result.truncated = True
    if size is not None or offset:
        result.limit = size if size is not None else result.limit
        result.offset = offset
    return Answer(query=query, bindings=bindings, result=result)
