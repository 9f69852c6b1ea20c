"""`kg push`: upload the built graph to a SPARQL 1.1 store; shared options for remote stores."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg import remote, remote_push
from kg.remote import Auth, Endpoint, RemoteError


def remote_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options every command talking to a remote store shares (credentials never echoed)."""
    options = [
        click.option(
            "--store-kind",
            type=click.Choice(remote.STORE_KINDS),
            help="Derive the query, update and Graph Store URLs of this store from --endpoint.",
        ),
        click.option(
            "--user",
            envvar="KG_REMOTE_USER",
            show_envvar=True,
            help="User name for HTTP authentication.",
        ),
        click.option(
            "--password",
            envvar="KG_REMOTE_PASSWORD",
            show_envvar=True,
            help="Password for HTTP authentication (prefer the environment variable).",
        ),
        click.option(
            "--token",
            envvar="KG_REMOTE_TOKEN",
            show_envvar=True,
            help="Bearer token (instead of --user/--password).",
        ),
        click.option(
            "--digest", is_flag=True, help="Use HTTP Digest authentication (Virtuoso) not Basic."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_auth(
    user: str | None, password: str | None, token: str | None, digest: bool
) -> Auth | None:
    """Credentials from the options, or None when none were given."""
    if token and user:
        raise click.UsageError("give either --token or --user/--password, not both")
    if password and not user:
        raise click.UsageError("--password needs --user (or KG_REMOTE_USER)")
    if not (user or token):
        return None
    return Auth(user=user, password=password, token=token, scheme="digest" if digest else "basic")


def fail(err: RemoteError) -> click.ClickException:
    """One readable error line (or a few), exit status 1, no traceback."""
    return click.ClickException(str(err))


def _default_source() -> Path:
    store = Path("build/store")
    return store if store.is_dir() else Path("build/kg.nq")


@click.command("push")
@click.option("--endpoint", required=True, help="SPARQL query endpoint (or base URL) of the store.")
@click.option("--graph-store", "graph_store", help="Graph Store Protocol URL (e.g. …/store).")
@click.option("--update-endpoint", "update_endpoint", help="SPARQL Update URL (the fallback).")
@remote_options
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    help="Built store directory or .nq/.trig file [default: build/store, else build/kg.nq].",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--prune", is_flag=True, help="Delete remote kg graphs the build no longer has.")
@click.option("--changed-only", is_flag=True, help="Compare first; leave identical graphs alone.")
@click.option(
    "--protocol",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="Graph Store Protocol, SPARQL Update, or GSP with Update as fallback.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help=f"Most triples sent in one request [default: {remote_push.DEFAULT_CHUNK:,}; "
    f"{remote_push.BULK_CHUNK:,} with --bulk].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=remote.DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each request.",
)
@click.option(
    "--bulk",
    is_flag=True,
    help="Oxigraph only: load without transactions (much faster; readers may see a partial graph).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def push_command(
    endpoint: str,
    graph_store: str | None,
    update_endpoint: str | None,
    store_kind: str | None,
    user: str | None,
    password: str | None,
    token: str | None,
    digest: bool,
    source: Path | None,
    dry_run: bool,
    prune: bool,
    changed_only: bool,
    protocol: str,
    chunk_size: int | None,
    timeout: float,
    bulk: bool,
    quiet: bool,
) -> None:
    """Push the built graph to a SPARQL 1.1 store, one named graph per article.

    Each graph is replaced (Graph Store Protocol PUT, or SPARQL Update DROP + INSERT DATA), so
    pushing again is harmless and an edited article leaves no stale triples. Remote kg graphs the
    build no longer has are listed; --prune deletes them.
    """
    auth = make_auth(user, password, token, digest)
    try:
        ep = remote.endpoint_for(
            store_kind,
            endpoint,
            update=update_endpoint,
            store=graph_store,
            auth=auth,
            timeout=timeout,
            bulk=bulk,
        )
        store = remote_push.open_local(source or _default_source())
        if dry_run:
            _dry_run(ep, store, prune)
            return
        chunk = chunk_size or (remote_push.BULK_CHUNK if bulk else remote_push.DEFAULT_CHUNK)
        _push(ep, store, chunk, prune, changed_only, protocol, quiet)
    except RemoteError as err:
        raise fail(err) from None


def _dry_run(ep: Endpoint, store: Any, prune: bool) -> None:
    plan = remote_push.plan_push(ep, store, prune=prune, compare=True)
    out = Console(highlight=False, soft_wrap=True)
    counts: dict[str, int] = {}
    for item in plan:
        counts[item.action] = counts.get(item.action, 0) + 1
        change = ""
        if item.action in ("create", "replace", "delete", "stale"):
            change = f"+{item.added or 0} -{item.removed or 0}"
        out.print(f"{item.action:<9} {item.graph}  {change}".rstrip(), markup=False)
    order = ("create", "replace", "unchanged", "delete", "stale")
    summary = ", ".join(f"{counts[a]} {a}" for a in order if a in counts) or "nothing"
    out.print(f"dry run: {summary}; nothing was written", markup=False)
    if counts.get("stale"):
        out.print("stale graphs are kept; --prune deletes them", markup=False)


def _push(
    ep: Endpoint,
    store: Any,
    chunk_size: int,
    prune: bool,
    changed_only: bool,
    protocol: str,
    quiet: bool,
) -> None:
    err_console = Console(stderr=True)
    total = sum(remote_push.local_counts(store).values())
    columns = (
        TextColumn("pushing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("triples"),
        TimeElapsedColumn(),
    )
    started = time.perf_counter()
    with Progress(*columns, console=err_console, disable=quiet, transient=True) as bar:
        task = bar.add_task("push", total=total)
        report = remote_push.push(
            ep,
            store,
            chunk_size=chunk_size,
            prune=prune,
            changed_only=changed_only,
            protocol=protocol,  # type: ignore[arg-type]
            progress=functools.partial(bar.advance, task),
        )
    seconds = time.perf_counter() - started
    rate = report.triples / seconds if seconds > 0 else 0.0
    names = {"gsp": "Graph Store Protocol", "update": "SPARQL Update"}
    via = " and ".join(names[p] for p in report.protocol.split("+") if p in names)
    click.echo(
        f"pushed {report.graphs} graphs, {report.triples} triples in {seconds:.1f} s "
        f"({rate:,.0f} triples/s, {report.requests} requests) via {via}"
    )
    if report.skipped:
        click.echo(f"left {report.skipped} unchanged graphs alone")
    for graph in report.deleted:
        click.echo(f"deleted stale graph {graph}")
    if report.stale:
        click.echo(
            f"{len(report.stale)} remote kg graphs are not in this build (kept; --prune deletes):"
        )
        for graph in report.stale:
            click.echo(f"  {graph}")
    if report.default_graph_triples:
        click.echo(
            f"note: {report.default_graph_triples} triples of the default graph were not pushed"
        )
