"""Write a projection as GraphML, GEXF or CSV that Gephi, yEd and spreadsheets open.

Those formats take scalar attributes only, so lists become '; '-joined text and evidence
becomes 'quote — title (date)' items joined by ' | '. Every exporter has the same signature
(graph, path) and writes atomically; the same graph gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.atomic import write_bytes, write_text

FORMATS = ("graphml", "gexf", "csv")


def flatten_value(value: Any) -> str | int | float | bool:
    """A scalar a GraphML/GEXF attribute can hold."""
    if isinstance(value, bool | int | float | str):
        return value
    if value is None:
        return ""
    if isinstance(value, dict):
        if "quote" in value:
            where = value.get("title") or value.get("article", "")
            return f"{value['quote']} — {where}" + (
                f" ({value['date']})" if value.get("date") else ""
            )
        return "; ".join(f"{k}={flatten_value(v)}" for k, v in sorted(value.items()))
    items = [flatten_value(v) for v in value]
    sep = " | " if any(isinstance(v, dict) for v in value) else "; "
    return sep.join(str(v) for v in items)


def flatten(graph: nx.Graph) -> nx.Graph:
    """A copy with every node, edge and graph attribute flattened to a scalar.

    Attributes missing on some nodes or edges are filled with '' so every row has every column
    and GraphML declares one type per key."""
    flat = graph.__class__()
    flat.graph.update({k: flatten_value(v) for k, v in graph.graph.items()})
    node_keys = sorted({k for _, d in graph.nodes(data=True) for k in d})
    for node, data in graph.nodes(data=True):
        flat.add_node(str(node), **{k: flatten_value(data.get(k, "")) for k in node_keys})
    edges = list(
        graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    )
    edge_keys = sorted({k for *_, d in edges for k in d})
    for edge in edges:
        attrs = {k: flatten_value(edge[-1].get(k, "")) for k in edge_keys}
        if graph.is_multigraph():
            flat.add_edge(str(edge[0]), str(edge[1]), key=str(edge[2]), **attrs)
        else:
            flat.add_edge(str(edge[0]), str(edge[1]), **attrs)
    return flat


def write_graphml(graph: nx.Graph, path: Path) -> list[Path]:
    buf = io.BytesIO()
    nx.write_graphml(flatten(graph), buf, encoding="utf-8", prettyprint=True)
    write_bytes(path, buf.getvalue())
    return [path]


_GEXF_DATE = re.compile(rb' lastmodifieddate="[0-9-]+"')


def write_gexf(graph: nx.Graph, path: Path) -> list[Path]:
    """GEXF 1.2; networkx stamps today's date into <meta>, removed so reruns are identical."""
    buf = io.BytesIO()
    nx.write_gexf(flatten(graph), buf, encoding="utf-8", prettyprint=True)
    write_bytes(path, _GEXF_DATE.sub(b"", buf.getvalue(), count=1))
    return [path]


def write_csv(graph: nx.Graph, path: Path) -> list[Path]:
    """Two files: <path>/nodes.csv (id first) and <path>/edges.csv (source, target first)."""
    flat = flatten(graph)
    node_keys = sorted({k for _, d in flat.nodes(data=True) for k in d})
    rows = [[node, *(d.get(k, "") for k in node_keys)] for node, d in flat.nodes(data=True)]
    nodes = _csv([["id", *node_keys], *rows])
    edge_keys = sorted({k for *_, d in flat.edges(data=True) for k in d})
    erows = [[u, v, *(d.get(k, "") for k in edge_keys)] for u, v, d in flat.edges(data=True)]
    edges = _csv([["source", "target", *edge_keys], *erows])
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} is a file; CSV export writes a directory")
    write_text(path / "nodes.csv", nodes)
    write_text(path / "edges.csv", edges)
    return [path / "nodes.csv", path / "edges.csv"]


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


EXPORTERS: dict[str, Callable[[nx.Graph, Path], list[Path]]] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "csv": write_csv,
}


def export(graph: nx.Graph, fmt: str, path: Path) -> list[Path]:
    """Write `graph` in format `fmt` at `path`; returns the files written."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format '{fmt}'; choose {', '.join(FORMATS)}")
    return EXPORTERS[fmt](graph, path)
