"""GraphML, GEXF and CSV exports open in NetworkX (as in Gephi and yEd) with readable,
flattened attributes, and are byte-identical on rerun."""

from __future__ import annotations

import csv

import networkx as nx
import pytest
from click.testing import CliRunner
from view_graph import XSS, make_store

from kg.cli import main
from kg.export import export, flatten_value
from kg.project import cooperation_graph, entities_graph, read_snapshot


@pytest.fixture(scope="module")
def snap():
    return read_snapshot(make_store())


def test_flatten_value():
    assert flatten_value(["a", "b"]) == "a; b"
    assert flatten_value([2011, 2015]) == "2011; 2015"
    ev = {"quote": "q1", "article": "a1", "title": "T", "date": "2015-03-18"}
    assert flatten_value([ev, {**ev, "quote": "q2"}]) == "q1 — T (2015-03-18) | q2 — T (2015-03-18)"
    assert flatten_value(None) == ""
    assert flatten_value(3) == 3


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_entities_read_back(snap, tmp_path, fmt):
    graph = entities_graph(snap)
    path = tmp_path / f"g.{fmt}"
    export(graph, fmt, path)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["kz-mvd"]["names"] == "МВД РК"
    assert back.nodes["kz-mvd"]["years"] == "2011; 2015"
    assert back.nodes["evil-ngo"]["label"] == XSS  # kept as text, escaped by the XML writer
    edge = next(d for u, v, d in back.edges(data=True) if (u, v) == ("unodc", "workshop-2011"))
    assert edge["relation"] == "organised"
    assert edge["evidence"].startswith("UNODC organised a regional workshop — UNODC workshop")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_cooperation_read_back_with_weights(snap, tmp_path, fmt):
    path = tmp_path / f"c.{fmt}"
    export(cooperation_graph(snap), fmt, path)
    back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    data = back.get_edge_data("kz-mvd", "unodc")
    assert int(data["weight"]) == 1
    assert data["events"] == "Regional workshop on trafficking, Almaty 2011"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_is_byte_identical_on_rerun(tmp_path, fmt):
    first, second = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
    export(entities_graph(read_snapshot(make_store())), fmt, first)
    export(entities_graph(read_snapshot(make_store())), fmt, second)
    assert first.read_bytes() == second.read_bytes()
    assert b"lastmodifieddate" not in first.read_bytes()


def test_csv_nodes_and_edges(snap, tmp_path):
    written = export(cooperation_graph(snap), "csv", tmp_path / "coop")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    with open(tmp_path / "coop" / "edges.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pair = next(r for r in rows if {r["source"], r["target"]} == {"kz-mvd", "unodc"})
    assert pair["weight"] == "1" and pair["years"] == "2011"
    with open(tmp_path / "coop" / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = {r["id"]: r for r in csv.DictReader(fh)}
    assert nodes["kz-mvd"]["label"] == "Ministry of Internal Affairs of Kazakhstan"


def test_unknown_format(snap, tmp_path):
    with pytest.raises(ValueError, match="unknown format"):
        export(entities_graph(snap), "dot", tmp_path / "x")


def test_cli_export_seeds_graphml(seed_build, tmp_path):
    out = tmp_path / "coop.graphml"
    result = CliRunner().invoke(
        main,
        ["export", "--store", str(seed_build / "store"), "--format", "graphml", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    back = nx.read_graphml(out)
    assert back.has_edge("unodc", "kz-interior-ministry")


def test_cli_export_csv_onto_a_file_is_an_error(seed_build, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["export", "--store", str(seed_build / "store"), "--format", "csv", "-o", str(target)],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "keep me"
