"""One self-contained HTML file to explore a projection: works from file:// with the network off.

pyvis's Network holds the node and edge model; our template (kg/templates/view.html) renders
it with the vis-network bundle from the pyvis wheel inlined, because every stock pyvis mode
loads scripts or Bootstrap from a CDN. Positions come from kg.layout and physics stays off,
so the page draws at once. Article text reaches the page only as JSON inside a
<script type="application/json"> block and is put into the DOM with textContent.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import networkx as nx
import pyoxigraph as ox
from markupsafe import Markup
from pyvis.network import Network

from kg.analyze import betweenness
from kg.layout import force_layout
from kg.project import ACTIVITY_RELATIONS, Filters, ego_graph, project, read_snapshot
from kg.resolve import resolve_entity

DEFAULT_CAP = 2000
# Edges drawn: at 10,000 articles the co-operation graph has 96,000 edges among 1,170
# organisations and all of them made a 111 MB page; 2,000 make about 5 MB. Nodes keep their
# strongest edges first (up to PER_NODE_EDGES each), then the heaviest others fill the budget.
DEFAULT_EDGE_CAP = 2000
PER_NODE_EDGES = 3
SIZE_BY = ("degree", "betweenness")
KIND_COLOURS = {
    "Organization": "#1f77b4",
    "Person": "#ff7f0e",
    "Group": "#bcbd22",
    "Country": "#2ca02c",
    "City": "#98df8a",
    "Region": "#17becf",
    "Event": "#d62728",
    "EventSeries": "#ff9896",
    "Programme": "#9467bd",
    "ActionPlan": "#c5b0d5",
    "Campaign": "#e377c2",
    "Platform": "#8c564b",
    "Mechanism": "#c49c94",
    "Law": "#7f7f7f",
    "Agreement": "#aec7e8",
    "Document": "#c7c7c7",
    "Measure": "#dbdb8d",
}
OTHER_COLOUR = "#999999"
_MAX_LABEL = 48


@dataclass(frozen=True)
class Limits:
    """How many quotes and list items each node and edge carries into the page."""

    node_evidence: int
    node_list: int  # names, posts, events
    edge_evidence: int
    edge_list: int  # events, statements
    title_events: int  # events named in an edge's hover text


FULL = Limits(node_evidence=30, node_list=50, edge_evidence=30, edge_list=50, title_events=50)
# Pages drawing more than COMPACT_ABOVE links list less per item: at 10,000 articles, 3,000
# links between hub organisations carried 19,000 distinct quotes and 23,000 event and statement
# lines (10 MB). Each list ends with a note of how many more there are; `kg export` has all.
COMPACT = Limits(node_evidence=5, node_list=20, edge_evidence=3, edge_list=3, title_events=1)
COMPACT_ABOVE = 1000


class ViewError(ValueError):
    """The view cannot be made as asked."""


@functools.cache
def _vis_bundle() -> tuple[str, str]:
    """vis-network's script and stylesheet as shipped inside the pyvis wheel."""
    lib = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


def _json_for_script(data: Any) -> str:
    """JSON safe inside <script>: '<', '>' and '&' escaped so no text can close the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def centrality(graph: nx.Graph, measure: str) -> dict[Any, float]:
    """Degree (normalised) or betweenness (sampled above a size, as `kg analyze` does)."""
    if measure == "degree":
        simple = nx.Graph(graph.to_undirected(as_view=True)) if graph.is_directed() else graph
        return nx.degree_centrality(simple) if len(simple) > 1 else dict.fromkeys(simple, 0.0)
    if measure == "betweenness":
        return betweenness(graph).scores
    raise ViewError(f"cannot size by '{measure}'; choose {' or '.join(SIZE_BY)}")


def _head(items: list[str], most: int) -> list[str]:
    """At most `most` items and a note of the rest: a hub's hundreds of events would
    otherwise make up most of the page (the full lists are in `kg export`)."""
    if len(items) <= most:
        return list(items)
    return [*items[:most], f"… and {len(items) - most} more"]


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"


def _title(attrs: dict[str, Any]) -> str:
    """The hover text: plain text only (vis-network shows a string title as text)."""
    lines = [attrs.get("label", ""), attrs.get("kind", "")]
    if attrs.get("names"):
        lines.append("Also: " + "; ".join(attrs["names"]))
    if attrs.get("date"):
        lines.append("Date: " + attrs["date"])
    return "\n".join(x for x in lines if x)


def _edge_title(attrs: dict[str, Any], most: int) -> str:
    """The hover text: the relation, up to `most` events and how many more, the years."""
    lines = [attrs.get("relation", "")]
    if attrs.get("events"):
        events = attrs["events"]
        more = len(events) - most
        lines.append(
            ("Events: " if len(events) <= most else f"{len(events)} events: ")
            + "; ".join(events[:most])
            + (f"; … and {more} more" if more > 0 else "")
        )
    if attrs.get("years"):
        lines.append("Years: " + ", ".join(str(y) for y in attrs["years"]))
    return "\n".join(x for x in lines if x)


class _QuoteTable:
    """Each evidence quote and article once; nodes and edges refer to them by index.

    A node lists the quotes of the edges around it, so inlining them would repeat every quote
    three times and swell a 2,000-node page past 5 MB."""

    def __init__(self) -> None:
        self.quotes: list[list[Any]] = []  # [quote, article index]
        self.articles: list[list[str]] = []  # [id, title, date]
        self._quote_ix: dict[tuple[str, str], int] = {}
        self._article_ix: dict[str, int] = {}

    def refs(self, evidence: list[dict[str, str]]) -> list[int]:
        out = []
        for ev in evidence:
            art = ev.get("article", "")
            if art not in self._article_ix:
                self._article_ix[art] = len(self.articles)
                self.articles.append([art, ev.get("title", ""), ev.get("date", "")])
            key = (ev["quote"], art)
            if key not in self._quote_ix:
                self._quote_ix[key] = len(self.quotes)
                self.quotes.append([ev["quote"], self._article_ix[art]])
            out.append(self._quote_ix[key])
        return out


def edge_strength(data: dict[str, Any]) -> int:
    """How much an edge says: shared activities (co-operation weight), else its articles."""
    if "weight" in data:
        return int(data["weight"])
    return max(len(data.get("articles", ())), 1)


def select_edges(graph: nx.Graph, edge_cap: int, per_node: int = PER_NODE_EDGES) -> list[tuple]:
    """At most edge_cap edges (u, v[, key], data) of the graph, sorted by their ends.

    First every node's strongest edge, then every node's second strongest, and so on up to
    `per_node`, so that no drawn node loses all its links while there is room; then the
    strongest of the rest. Ties go by the ends' ids, so the choice is deterministic."""
    edges = list(
        graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    )
    if not graph.is_directed():  # an undirected edge's ends come in insertion order: fix them
        edges = [(*sorted(e[:2], key=str), *e[2:]) for e in edges]
    if len(edges) <= edge_cap:
        return sorted(edges, key=_edge_ends)
    rank = sorted(
        range(len(edges)), key=lambda i: (-edge_strength(edges[i][-1]), _edge_ends(edges[i]))
    )
    tier = dict.fromkeys(range(len(edges)), per_node)  # per_node: not among any end's best
    seen: dict[Any, int] = {}  # how many of each node's edges were ranked so far
    for i in rank:
        for end in {edges[i][0], edges[i][1]}:
            tier[i] = min(tier[i], seen.get(end, 0))
            seen[end] = seen.get(end, 0) + 1
    position = {i: n for n, i in enumerate(rank)}
    chosen = sorted(tier, key=lambda i: (tier[i], position[i]))[:edge_cap]
    return sorted((edges[i] for i in chosen), key=_edge_ends)


def _edge_ends(edge: tuple) -> tuple[str, ...]:
    return tuple(str(x) for x in edge[:-1])


def build_network(
    graph: nx.Graph,
    *,
    cap: int = DEFAULT_CAP,
    edge_cap: int = DEFAULT_EDGE_CAP,
    size_by: str = "degree",
    focus: str | None = None,
    entity_url: Callable[[str], str | None] | None = None,
) -> tuple[Network, dict[str, Any]]:
    """The pyvis Network of the graph's most central `cap` nodes and at most `edge_cap` of the
    strongest edges between them, and what was left out."""
    if cap < 1:
        raise ViewError("the node cap must be at least 1")
    if edge_cap < 0:
        raise ViewError("the edge cap must be 0 or more")
    score = centrality(graph, size_by)
    ranked = sorted(graph.nodes, key=lambda n: (-score.get(n, 0.0), str(n)))
    kept = ranked[:cap]
    if focus is not None and focus in graph and focus not in kept:
        kept[-1] = focus
    kept_set = set(kept)
    sub = graph.subgraph(kept_set)
    order = sorted(kept_set, key=str)
    edges = select_edges(sub, edge_cap)
    drawn = nx.Graph()
    drawn.add_nodes_from(order)
    drawn.add_edges_from((e[0], e[1]) for e in edges)
    positions = force_layout(drawn, order)  # laid out by the edges drawn, so clusters show
    limits = COMPACT if len(edges) > COMPACT_ABOVE else FULL
    top = max((score.get(n, 0.0) for n in order), default=0.0) or 1.0
    net = Network(directed=graph.is_directed(), cdn_resources="in_line")
    quotes = _QuoteTable()
    for node in order:
        attrs = graph.nodes[node]
        kind = attrs.get("kind", "Entity")
        x, y = positions[node]
        url = entity_url(attrs.get("iri", "")) if entity_url else None
        net.nodes.append(
            {
                "id": str(node),
                "label": _short(attrs.get("label", str(node))),
                "title": _title(attrs),
                "color": KIND_COLOURS.get(kind, OTHER_COLOUR),
                "size": round(8 + 32 * (score.get(node, 0.0) / top), 1),
                "x": x,
                "y": y,
                "shape": "dot",
                "kind": kind,
                "fullLabel": attrs.get("label", str(node)),
                "names": _head(attrs.get("names", []), limits.node_list),
                "posts": _head(attrs.get("posts", []), limits.node_list),
                "events": _head(attrs.get("events", []), limits.node_list),
                "years": attrs.get("years", []),
                "date": attrs.get("date", ""),
                "evidence": quotes.refs(attrs.get("evidence", [])[: limits.node_evidence]),
                "evidenceMore": max(len(attrs.get("evidence", [])) - limits.node_evidence, 0),
                "url": url or "",
                "borderWidth": 4 if node == focus else 1,
            }
        )
    for i, edge in enumerate(edges):
        u, v, data = edge[0], edge[1], edge[-1]
        weight = data.get("weight", 1)
        net.edges.append(
            {
                "id": i,
                "from": str(u),
                "to": str(v),
                "title": _edge_title(data, limits.title_events),
                "width": min(1 + weight, 8),
                "relation": data.get("relation", ""),
                "events": _head(data.get("events", []), limits.edge_list),
                "years": data.get("years", []),
                "relations": _head(data.get("relations", []), limits.edge_list),
                "evidence": quotes.refs(data.get("evidence", [])[: limits.edge_evidence]),
                "evidenceMore": max(len(data.get("evidence", [])) - limits.edge_evidence, 0),
                **({"arrows": "to"} if graph.is_directed() else {}),
            }
        )
    summary = {
        "projection": graph.graph.get("projection", ""),
        "focus": str(focus) if focus is not None else "",
        "total": graph.number_of_nodes(),
        "shown": len(order),
        "left_out": graph.number_of_nodes() - len(order),
        "edges_total": graph.number_of_edges(),
        "edges_shown": len(edges),
        "edges_left_out": graph.number_of_edges() - len(edges),
        "edge_cap": edge_cap,
        "per_node_edges": PER_NODE_EDGES,
        "compact": limits is COMPACT,
        "size_by": size_by,
        "cap": cap,
        "quotes": quotes.quotes,
        "articles": quotes.articles,
    }
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "color": {"inherit": False, "color": "#b0b0b0"}},
        "nodes": {"font": {"size": 12}},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": len(order) > 1000 or len(edges) > 3000,
            "hideEdgesOnZoom": len(order) > 1000 or len(edges) > 3000,
        },
    }
    return net, summary


def render_network(net: Network, summary: dict[str, Any], title: str = "kg graph") -> str:
    """HTML of a pyvis Network through our offline template."""
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    script, style = _vis_bundle()
    templates = resources.files("kg") / "templates"
    app_script = (templates / "view.js").read_text("utf-8")
    app_style = (templates / "view.css").read_text("utf-8")
    kinds = sorted({n["kind"] for n in nodes})
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kg", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    strings: dict[str, int] = {}  # events and statements repeat across a hub's edges: once each
    nodes = [_with_refs(n, ("events",), strings) for n in nodes]
    edges = [_with_refs(e, ("events", "relations"), strings) for e in edges]
    data = {
        "nodes": nodes,
        "edges": edges,
        "strings": list(strings),
        "options": json.loads(options),
        "summary": {k: v for k, v in summary.items() if k not in ("quotes", "articles")},
        "quotes": summary.get("quotes", []),
        "articles": summary.get("articles", []),
        "legend": [[k, KIND_COLOURS.get(k, OTHER_COLOUR)] for k in kinds],
    }
    return env.get_template("view.html").render(
        title=title,
        size_by=summary["size_by"],
        linked=any(n.get("url") for n in nodes),
        csp=Markup(content_security_policy()),
        vis_script=Markup(script),
        app_script=Markup(app_script),
        vis_style=Markup(style),
        app_style=Markup(app_style),
        data=Markup(_json_for_script(data)),
    )


def _with_refs(
    item: dict[str, Any], keys: tuple[str, ...], table: dict[str, int]
) -> dict[str, Any]:
    """A copy of a node or edge whose lists under `keys` are indexes into the string table."""
    out = dict(item)
    for key in keys:
        out[key] = [table.setdefault(text, len(table)) for text in item.get(key, [])]
    return out


@functools.cache
def content_security_policy(frame_ancestors: bool = False) -> str:
    """The page's policy: only its own two inline scripts run, nothing is fetched.

    The page carries it in a <meta> tag (so it holds under file://); `kg serve` also sends it
    as a header, where frame-ancestors is allowed."""
    script, _style = _vis_bundle()
    app_script = (resources.files("kg") / "templates" / "view.js").read_text("utf-8")
    hashes = " ".join(_csp_hash(x) for x in (script, app_script))
    policy = (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return policy + ("; frame-ancestors 'none'" if frame_ancestors else "")


def _csp_hash(script: str) -> str:
    """A Content-Security-Policy source allowing exactly this inline script and no other."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def render_view_html(store: ox.Store, **options: Any) -> str:
    """The whole page for a projection of the store (see view_page for the options)."""
    return view_page(store, **options)[0]


def view_page(
    store: ox.Store,
    projection: str = "cooperation",
    focus: str | None = None,
    depth: int = 1,
    year_from: int | None = None,
    year_to: int | None = None,
    articles: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
    entity_url: Callable[[str], str | None] | None = None,
    cap: int = DEFAULT_CAP,
    size_by: str = "degree",
    edge_cap: int = DEFAULT_EDGE_CAP,
) -> tuple[str, dict[str, Any]]:
    """The page for a projection of the store and what it left out; `focus` (id, label or alias)
    narrows it to an ego network of `depth` hops. `entity_url(iri)` gives a link for the detail
    panel."""
    filters = Filters(year_from, year_to, frozenset(articles), frozenset(kinds))
    # the co-operation graph is made of activity facts only: read no others
    only = frozenset(ACTIVITY_RELATIONS) if projection == "cooperation" else None
    graph = project(read_snapshot(store, relations=only), projection, filters)
    focus_id = None
    if focus:
        iri = resolve_entity(store, focus)
        focus_id = iri.rsplit("/", 1)[-1]
        graph = ego_graph(graph, focus_id, depth)
    net, summary = build_network(
        graph, cap=cap, edge_cap=edge_cap, size_by=size_by, focus=focus_id, entity_url=entity_url
    )
    span = ""
    if year_from is not None or year_to is not None:
        span = f", {year_from or '…'}–{year_to or '…'}"
    title = f"kg: {projection}{' around ' + focus_id if focus_id else ''}{span}"
    page = render_network(net, summary, title)
    return page, {k: v for k, v in summary.items() if k not in ("quotes", "articles")}
