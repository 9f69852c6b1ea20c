"""`kg queries`, `kg query` and `kg serve`: thin commands over kg.queries and kg.server."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kg.atomic import write_bytes
from kg.cli_options import STORE_OPTION
from kg.cli_remote import make_auth, remote_options
from kg.queries import (
    ALL,
    DEFAULT_LIMIT,
    QUERIES_DIR,
    QueryError,
    get_query,
    load_library,
    parse_limit,
    run_named,
    store_runner,
)
from kg.remote import RemoteError, endpoint_for, remote_runner
from kg.results import GRAPH_FORMATS, RESULT_FORMATS, Result, cell, serialize
from kg.safety import QuerySyntaxError, UnsafeQuery

err = Console(stderr=True, highlight=False, soft_wrap=True)

QUERIES_OPTION = click.option(
    "--queries",
    "queries_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder of named queries (default: the queries/ of this project).",
)


def _library(queries_dir: Path | None, check: bool = True):
    try:
        return load_library(queries_dir or QUERIES_DIR, check=check)
    except QueryError as e:
        _fail(e.problems)


def _fail(problems: list[str], code: int = 1) -> None:
    for problem in problems:
        err.print(f"error: {problem}", markup=False)
    sys.exit(code)


@click.command("queries")
@QUERIES_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the library as JSON.")
def queries_command(queries_dir: Path | None, as_json: bool) -> None:
    """List the named queries with their parameters."""
    import json

    library = _library(queries_dir)
    if as_json:
        click.echo(json.dumps([q.to_json() for q in library.values()], indent=2))
        return
    table = Table(title="named queries (kg query NAME -p PARAM VALUE)")
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("parameters")
    table.add_column("page", justify="right")
    for q in library.values():
        params = ", ".join(
            f"{p.name}:{p.type}{'' if p.required else '?'}"
            + (f" (e.g. {p.example})" if p.example else "")
            for p in q.params
        )
        table.add_row(q.name, q.question or q.title, params, str(q.page or "all"))
    Console(highlight=False).print(table)


def _write(data: bytes, output: str) -> None:
    """Write to stdout, or atomically to a file (temp file + rename)."""
    if output == "-":
        sys.stdout.buffer.write(data)
        if data and not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
        return
    target = Path(output)
    if not target.parent.exists():
        _fail([f"cannot write {output}: folder {target.parent} does not exist"])
    try:
        write_bytes(target, data)
    except OSError as e:
        _fail([f"cannot write {output}: {e.strerror}"])


class LimitType(click.ParamType):
    """A page size: a positive whole number, or ``all``."""

    name = "N|all"

    def convert(self, value: Any, param: Any, ctx: Any) -> int | str:
        if isinstance(value, int) or value == ALL:
            return value
        try:
            size = parse_limit(str(value))
        except QueryError as e:
            self.fail(str(e), param, ctx)
        return ALL if size is None else size


def _within(timeout: float, work: Callable[[], Result]) -> Result:
    """Run ``work`` in a thread so a runaway query can be abandoned (pyoxigraph cannot be
    interrupted) at ``timeout`` or on Ctrl-C; every problem becomes a message and exit 1."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = work()
        except QueryError as e:
            outcome["problems"] = e.problems
        except (QuerySyntaxError, UnsafeQuery, RemoteError) as e:
            outcome["problems"] = [str(e)]
        except (SyntaxError, OSError, RuntimeError, ValueError) as e:
            outcome["problems"] = [f"query failed: {e}"]

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while thread.is_alive() and time.monotonic() < deadline:
            thread.join(min(0.5, max(0.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.stdout.flush()
        os._exit(130)
    if thread.is_alive():
        err.print(f"error: the query did not finish within {timeout:g} s (--timeout)", markup=False)
        sys.stdout.flush()
        os._exit(1)
    if "problems" in outcome:
        _fail(outcome["problems"])
    return outcome["result"]


def _table(result: Result) -> bytes:
    """A readable table for the terminal; IRIs shortened with the project's prefixes."""
    console = Console(highlight=False, file=None, width=max(120, Console().width))
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    table = Table(show_lines=False)
    for name in result.variables:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        table.add_row(*(cell(row.get(v)) for v in result.variables))
    with console.capture() as cap:
        console.print(table)
        console.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")
    return cap.get().encode()


@click.command("query")
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A parameter of the named query (repeatable).",
)
@click.option(
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Run the SPARQL query in this file.",
)
@click.option("--sparql", "sparql", help="Run this SPARQL query text.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", *RESULT_FORMATS, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
    help="Output format (json is SPARQL JSON results; graphs: turtle, ntriples, jsonld).",
)
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
@click.option(
    "--limit",
    type=LimitType(),
    default=None,
    help="Rows per page, or 'all' for the whole answer (default: the query's page, see "
    f"`kg queries`; {DEFAULT_LIMIT:,} for ad-hoc SPARQL). More rows are reported on stderr.",
)
@click.option(
    "--offset",
    type=click.IntRange(min=0),
    default=0,
    help="Rows of a named query's answer to skip (the next page starts at offset + limit).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Give up after this many seconds (on the built store or the remote endpoint).",
)
@STORE_OPTION
@QUERIES_OPTION
@click.option(
    "--endpoint",
    help="Run on this remote SPARQL endpoint instead of the built store (see kg push).",
)
@remote_options
def query_command(
    name: str | None,
    params: tuple[tuple[str, str], ...],
    query_file: Path | None,
    sparql: str | None,
    fmt: str,
    output: str,
    limit: int | str | None,
    offset: int,
    timeout: float,
    store_path: Path,
    queries_dir: Path | None,
    endpoint: str | None,
    store_kind: str | None,
    user: str | None,
    password: str | None,
    token: str | None,
    digest: bool,
) -> None:
    """Run a named query (see `kg queries`), or ad-hoc SPARQL with --file or --sparql.

    \b
    Examples:
      kg query countries-at-event -p event almaty-workshop-2011
      kg query officials -p org "OSCE Centre in Bishkek" --format csv -o posts.csv
      kg query officials --limit 50 --offset 100      # rows 101-150
      kg query officials --limit all -f csv -o all.csv  # the whole answer
      kg query --sparql 'SELECT ?e ?l WHERE { ?e a kg:Event ; rdfs:label ?l }'
    """
    from kg.queries import execute
    from kg.store import StoreMissing, open_store

    given = [x for x in (name, query_file, sparql) if x]
    if len(given) != 1:
        _fail(["give exactly one of: a query NAME, --file FILE or --sparql TEXT"])
    if params and not name:
        _fail(["-p/--param only applies to a named query"])
    if offset and not name:
        _fail(["--offset only applies to a named query; write OFFSET in your SPARQL"])
    # A named query is paged in its text (LIMIT/OFFSET), so its runner needs no cap of its own.
    if name:
        page: int | str | None = "default" if limit is None else (None if limit == ALL else limit)
        cap = None
    else:
        page = None
        cap = None if limit == ALL else (limit or DEFAULT_LIMIT)
    library = _library(queries_dir, check=False) if name else {}
    store = None
    if endpoint:
        try:
            remote_ep = endpoint_for(
                store_kind,
                endpoint,
                auth=make_auth(user, password, token, digest),
                timeout=timeout,
            )
        except RemoteError as e:
            _fail([str(e)])
        run = remote_runner(remote_ep, timeout=timeout, limit=cap)
    else:
        try:
            store = open_store(store_path)
        except StoreMissing as e:
            _fail([str(e)])
        except OSError as e:
            _fail([f"cannot open the store at {store_path}: {e}"])
        run = store_runner(store, limit=cap)
    raw: dict[str, str] = {}
    for key, value in params:
        if key in raw:
            _fail([f"parameter {key!r} given twice"])
        raw[key] = value
    text = sparql or ""
    if query_file:
        try:
            text = query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            _fail([f"cannot read {query_file}: {e}"])

    def answer() -> Result:
        if name:
            return run_named(run, get_query(library, name), raw, limit=page, offset=offset).result
        if store is None:
            return run(text, None)
        return execute(store, text, limit=cap)

    # A remote query is bounded by its own HTTP timeout, and its error says so; the local
    # deadline is then only a backstop.
    result = _within(timeout + 5 if endpoint else timeout, answer)
    if fmt == "table":
        data = _table(result) if result.kind != "graph" else serialize(result, "turtle")
    else:
        try:
            data = serialize(result, fmt)
        except ValueError as e:
            _fail([str(e)])
    _write(data, output)
    if result.truncated and name:
        first, last = result.offset + 1, result.offset + len(result.rows)
        err.print(
            f"more rows follow: this page is rows {first}-{last}; --offset {last} for the next "
            "page, --limit all for the whole answer",
            markup=False,
        )
    elif result.truncated:
        err.print(f"warning: the answer was cut at {cap} rows (--limit)", markup=False)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Wall-clock budget of one query, in seconds.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Most rows (or triples) in one answer; cut answers say so.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Query worker processes (a runaway query occupies one until its budget).",
)
@STORE_OPTION
@QUERIES_OPTION
@click.option(
    "--backend",
    help="Serve a remote SPARQL store (its query URL or base URL) instead of the built store.",
)
@remote_options
def serve_command(
    host: str,
    port: int,
    timeout: float,
    limit: int,
    workers: int,
    store_path: Path,
    queries_dir: Path | None,
    backend: str | None,
    store_kind: str | None,
    user: str | None,
    password: str | None,
    token: str | None,
    digest: bool,
) -> None:
    """Serve the SPARQL endpoint, the named queries, entity pages and the query page."""
    from kg.server import Settings, serve
    from kg.store import StoreMissing, open_store

    library = _library(queries_dir, check=False)
    remote_ep = None
    if backend:
        try:
            auth = make_auth(user, password, token, digest)
            remote_ep = endpoint_for(store_kind, backend, auth=auth, timeout=timeout)
        except RemoteError as e:
            _fail([str(e)])
    else:
        try:
            open_store(store_path)
        except StoreMissing as e:
            _fail([str(e)])
        except OSError as e:
            _fail([f"cannot open the store at {store_path}: {e}"])
    settings = Settings(
        store_path=store_path, timeout=timeout, limit=limit, workers=workers, backend=remote_ep
    )
    serve(settings, library, host=host, port=port)
