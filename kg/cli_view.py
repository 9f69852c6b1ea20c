"""`kg analyze`, `kg path`, `kg view` and `kg export`: thin commands over kg.project,
kg.analyze, kg.view and kg.export. Bad input is one readable line and exit 1."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import networkx as nx
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kg.cli_options import STORE_OPTION
from kg.project import PROJECTIONS, Filters, ProjectionError

console = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class UserError(Exception):
    """A problem with what the user asked for, shown as one line."""


def _errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the expected failures into one message and exit 1 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kg.resolve import ResolveError
        from kg.store import StoreMissing
        from kg.view import ViewError

        try:
            return func(*args, **kwargs)
        except (UserError, StoreMissing, ResolveError, ProjectionError, ViewError) as exc:
            console.print(f"error: {exc}", markup=False)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            console.print(f"error: {where}{exc.strerror or exc}", markup=False)
            sys.exit(1)

    return wrapper


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--store, --from, --to, --article, --kind: which facts a projection keeps."""
    for option in reversed(
        [
            STORE_OPTION,
            click.option("--from", "year_from", type=int, help="Keep facts from this year on."),
            click.option("--to", "year_to", type=int, help="Keep facts up to this year."),
            click.option(
                "--article",
                "articles",
                multiple=True,
                metavar="ID",
                help="Keep facts stated in this article (repeatable).",
            ),
            click.option(
                "--kind",
                "kinds",
                multiple=True,
                metavar="KIND",
                help="Keep entities of this kind, e.g. Organization (repeatable). "
                "The cooperation projection defaults to Organization.",
            ),
        ]
    ):
        func = option(func)
    return func


def projection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--projection, --focus, --depth: which network, and optionally one entity's neighbourhood."""
    for option in reversed(
        [
            click.option(
                "--projection",
                type=click.Choice(PROJECTIONS),
                default="cooperation",
                show_default=True,
                help="entities: every entity and relation; cooperation: organisations linked "
                "by shared events.",
            ),
            click.option("--focus", metavar="ENTITY", help="Only this entity's neighbourhood."),
            click.option(
                "--depth",
                type=click.IntRange(0, 10),
                default=1,
                show_default=True,
                help="Hops around --focus.",
            ),
        ]
    ):
        func = option(func)
    return func


def _filters(year_from: int | None, year_to: int | None, articles, kinds) -> Filters:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise UserError(f"--from {year_from} is after --to {year_to}")
    return Filters(year_from, year_to, frozenset(articles), frozenset(kinds))


def _open(store_path: Path):
    from kg.store import open_store

    return open_store(store_path)


def _graph(
    store, projection: str, focus: str | None, depth: int, filters: Filters, evidence: bool = True
):
    """The projection (and ego network when focus is given), plus the snapshot it came from;
    evidence=False leaves out the quotes (see kg.project.read_snapshot)."""
    from kg.project import ego_graph, project, read_snapshot
    from kg.resolve import resolve_entity

    snap = read_snapshot(store, evidence=evidence)
    graph = project(snap, projection, filters)
    focus_id = None
    if focus:
        focus_id = _id(resolve_entity(store, focus))
        graph = ego_graph(graph, focus_id, depth)
    return snap, graph, focus_id


def _write(output: Path, action: Callable[[], Any]) -> Any:
    """Run a write, naming the output (not a temp file) when it fails."""
    try:
        return action()
    except NotADirectoryError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None


def _id(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@click.command()
@filter_options
@projection_options
@click.option("--top", type=click.IntRange(1), default=15, show_default=True, help="Rows shown.")
@click.option(
    "--events",
    "max_events",
    type=click.IntRange(0),
    default=200,
    show_default=True,
    help="Timeline rows printed as text (the first ones in date order); --format json "
    "lists every event.",
)
@click.option(
    "--matrix",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the co-participation matrix (organisations x organisations) as CSV here.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@_errors
def analyze(
    store_path,
    year_from,
    year_to,
    articles,
    kinds,
    projection,
    focus,
    depth,
    top,
    max_events,
    matrix,
    fmt,
) -> None:
    """Brokers (betweenness), hubs (degree), communities and the timeline of events."""
    from kg.analyze import (
        betweenness,
        centrality_rows,
        communities,
        coparticipation,
        matrix_csv,
        timeline,
    )
    from kg.atomic import write_text

    filters = _filters(year_from, year_to, articles, kinds)
    store = _open(store_path)
    # the report shows no quotes: reading them would be over half of the time at scale
    snap, graph, _focus = _graph(store, projection, focus, depth, filters, evidence=False)
    between = betweenness(graph)
    rows = centrality_rows(graph, between)
    groups = communities(graph)
    events = timeline(snap, filters)
    if matrix is not None:
        text = matrix_csv(coparticipation(snap, filters), snap.labels)
        _write(matrix, lambda: write_text(matrix, text))
        console.print(f"wrote {matrix}", markup=False)
    label = lambda n: graph.nodes[n].get("label", n)  # noqa: E731
    if fmt == "json":
        report = {
            "projection": projection,
            "nodes": graph.number_of_nodes(),
            "edges": graph.number_of_edges(),
            "betweenness_sampled_k": between.sampled_k,
            "centrality": rows,
            "communities": [[{"id": n, "label": label(n)} for n in c] for c in groups],
            "timeline": events,
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    _print_report(
        graph, projection, rows[:top], groups, events, max_events, between.sampled_k, label
    )


def _print_report(graph, projection, rows, groups, events, max_events, sampled_k, label) -> None:
    out.print(
        f"{projection}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges",
        markup=False,
    )
    note = f" (estimated from {sampled_k} sampled sources)" if sampled_k else ""
    table = Table(title=Text(f"Brokers and hubs: betweenness{note}, then neighbours"))
    id_width = min(max((len(r["id"]) for r in rows), default=2), 44)
    table.add_column("entity", ratio=1)
    table.add_column("id", min_width=id_width, overflow="fold")  # ids are typed back: never cut
    table.add_column("kind")
    for col in ("neighbours", "betweenness", "degree"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(
            Text(r["label"]),
            Text(r["id"]),
            r["kind"],
            str(r["neighbours"]),
            f"{r['betweenness']:.3f}",
            f"{r['degree']:.3f}",
        )
    out.print(table)
    table = Table(title="Communities (Louvain, seeded)")
    table.add_column("#", justify="right")
    table.add_column("members")
    for i, group in enumerate(groups, 1):
        table.add_row(str(i), Text("; ".join(label(n) for n in group)))
    out.print(table)
    # rich lays out a table cell by cell: 11,000 events at 10,000 articles took half the run
    cut = len(events) - max_events
    if cut > 0:
        events = events[:max_events]
    table = Table(title="Timeline of events")
    for col in ("date", "event", "held in", "organised/hosted", "took part"):
        table.add_column(col)
    for e in events:
        when = e["date"] + (" (article)" if e["date_from"] == "article" else "")
        cells = (e["label"], *("; ".join(e[k]) for k in ("held_in", "organised", "participants")))
        table.add_row(when or "undated", *(Text(c) for c in cells))
    out.print(table)
    if cut > 0:
        out.print(
            f"… and {cut} later events (--events to print more; --format json lists all)",
            markup=False,
        )


@click.command()
@click.argument("source")
@click.argument("target")
@filter_options
@click.option("--limit", type=click.IntRange(1), default=5, show_default=True, help="Chains shown.")
@click.option(
    "--registry-links",
    is_flag=True,
    help="Also walk links from the entity registry (a ministry's country, an office's parent), "
    "which have no evidence sentence.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the chains as an offline graph page (as `kg view` does).",
)
@_errors
def path(
    source,
    target,
    store_path,
    year_from,
    year_to,
    articles,
    kinds,
    limit,
    registry_links,
    fmt,
    html,
) -> None:
    """Shortest chains between two entities (id, label or alias), with the evidence of every hop."""
    from kg.analyze import chains_as_data
    from kg.project import entities_graph, read_snapshot, shortest_chains
    from kg.resolve import entity_names, resolve_in

    filters = _filters(year_from, year_to, articles, kinds)
    store = _open(store_path)
    names = entity_names(store)
    a, b = _id(resolve_in(names, source)), _id(resolve_in(names, target))
    graph = entities_graph(read_snapshot(store), filters)
    chains = shortest_chains(graph, a, b, limit=limit, evidenced_only=not registry_links)
    data = chains_as_data(graph, chains)
    if html is not None and chains:
        from kg.atomic import write_text
        from kg.project import chains_graph
        from kg.view import build_network, render_network

        net, summary = build_network(chains_graph(graph, chains), focus=a)
        page = render_network(net, summary, f"kg: chains from {a} to {b}")
        _write(html, lambda: write_text(html, page))
        console.print(f"wrote {html}", markup=False)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_chains(graph, a, b, data)
    if not chains:
        sys.exit(1)


def _print_chains(graph: nx.Graph, a: str, b: str, data: list[list[dict[str, Any]]]) -> None:
    la, lb = graph.nodes[a]["label"], graph.nodes[b]["label"]
    if not data:
        console.print(f"no chain links {la} and {lb} in the facts kept", markup=False)
        return
    out.print(
        f"{len(data)} shortest chain{'s' if len(data) > 1 else ''} of {len(data[0])} "
        f"hop{'s' if len(data[0]) > 1 else ''} from {la} to {lb}",
        markup=False,
    )
    for i, chain in enumerate(data, 1):
        out.print(
            f"\n{i}. " + " → ".join([chain[0]["from_label"]] + [h["to_label"] for h in chain]),
            markup=False,
        )
        for hop in chain:
            for fact in hop["facts"]:
                out.print(f"   {fact['statement']}", markup=False)
                for ev in fact["evidence"] or [{"quote": "(registry: no evidence sentence)"}]:
                    where = ev.get("title") or ev.get("article", "")
                    date = f", {ev['date']}" if ev.get("date") else ""
                    cite = f" — {where}{date}" if where else ""
                    out.print(f"     “{ev['quote']}”{cite}", markup=False)


@click.command()
@filter_options
@projection_options
@click.option(
    "--cap",
    type=click.IntRange(1),
    default=2000,
    show_default=True,
    help="Most nodes drawn; above it the most central are kept and the page says how many "
    "were left out.",
)
@click.option(
    "--edge-cap",
    type=click.IntRange(0),
    default=2000,
    show_default=True,
    help="Most links drawn; above it each entity keeps its strongest links first (up to 3, "
    "by shared events, else articles), then the strongest others fill the rest; the page "
    "says how many were left out.",
)
@click.option(
    "--size-by",
    type=click.Choice(["degree", "betweenness"]),
    default="degree",
    show_default=True,
    help="What node size shows (and which nodes the cap keeps).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/graph.html"),
    show_default=True,
    help="The HTML file to write (replaced atomically).",
)
@_errors
def view(
    store_path,
    year_from,
    year_to,
    articles,
    kinds,
    projection,
    focus,
    depth,
    cap,
    edge_cap,
    size_by,
    output,
) -> None:
    """One offline HTML page to explore a projection: search, kind and year filters, evidence."""
    from kg.atomic import write_text
    from kg.view import view_page

    _filters(year_from, year_to, articles, kinds)
    html, summary = view_page(
        _open(store_path),
        projection=projection,
        focus=focus,
        depth=depth,
        year_from=year_from,
        year_to=year_to,
        articles=tuple(articles),
        kinds=tuple(kinds),
        cap=cap,
        edge_cap=edge_cap,
        size_by=size_by,
    )
    _write(output, lambda: write_text(output, html))
    console.print(f"wrote {output} ({len(html.encode('utf-8')) / 1e6:.2f} MB)", markup=False)
    _print_left_out(summary)


def _print_left_out(s: dict[str, Any]) -> None:
    """Say what the caps left out, as the page does."""
    drawn = f"drew {s['shown']:,} of {s['total']:,} entities, {s['edges_shown']:,} of "
    drawn += f"{s['edges_total']:,} links"
    notes = []
    if s["left_out"]:
        notes.append(f"{s['left_out']:,} less central entities left out (--cap {s['cap']})")
    if s["edges_left_out"]:
        notes.append(
            f"{s['edges_left_out']:,} weaker links left out (--edge-cap {s['edge_cap']}; "
            f"entities keep their strongest first, up to {s['per_node_edges']} each)"
        )
    console.print(drawn + ("; " + "; ".join(notes) if notes else ""), markup=False)


@click.command()
@filter_options
@projection_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv"]),
    required=True,
    help="graphml (yEd, Gephi), gexf (Gephi) or csv (a folder with nodes.csv and edges.csv).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write (a folder for csv).",
)
@_errors
def export(
    store_path, year_from, year_to, articles, kinds, projection, focus, depth, fmt, output
) -> None:
    """Write a projection for Gephi, yEd or a spreadsheet, lists flattened to text."""
    from kg.export import export as write

    filters = _filters(year_from, year_to, articles, kinds)
    _snap, graph, _focus = _graph(_open(store_path), projection, focus, depth, filters)
    for written in _write(output, lambda: write(graph, fmt, output)):
        console.print(f"wrote {written}", markup=False)
    console.print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges", markup=False)
