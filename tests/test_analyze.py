"""Centrality, communities, the co-participation matrix, the timeline, and the CLI commands
`kg analyze` and `kg path` on the seeds."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from view_graph import make_store

from kg.analyze import (
    betweenness,
    centrality_rows,
    communities,
    coparticipation,
    matrix_csv,
    sample_size,
    timeline,
)
from kg.cli import main
from kg.project import Filters, read_snapshot


@pytest.fixture(scope="module")
def small():
    return read_snapshot(make_store())


def test_betweenness_names_the_broker():
    graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "e")])
    rows = centrality_rows(graph)
    assert rows[0]["id"] == "b"
    assert rows[0]["neighbours"] == 3
    assert betweenness(graph).sampled_k is None


def test_betweenness_is_sampled_above_the_limit_and_says_so():
    graph = nx.path_graph(50)
    result = betweenness(graph, exact_max=10, k=20)
    assert result.sampled_k == 20
    assert result == betweenness(graph, exact_max=10, k=20)  # seeded: reruns agree
    assert max(result.scores, key=result.scores.get) in range(15, 35)


def test_sampling_is_decided_by_nodes_times_edges():
    # the 10,000-article co-operation graph: 1,170 nodes, 95,901 edges (exact took 58 s)
    assert sample_size(1170, 95_901) == 104
    assert sample_size(420, 10_244) is None  # 1,000 articles: exact, as before
    assert sample_size(3001, 3000) == 500  # many nodes, few edges: the node rule still holds
    assert sample_size(60, 1770, work_max=1000) == 50  # never fewer than 50 sources


def test_dense_graph_is_sampled_seeded_and_says_so():
    graph = nx.gnm_random_graph(120, 3000, seed=1)
    result = betweenness(graph, work_max=100_000)  # 120 x 3,000 is over this budget
    assert result.sampled_k == 50
    assert result == betweenness(graph, work_max=100_000)  # seeded: reruns agree
    assert betweenness(graph).sampled_k is None  # within the default budget: exact


def test_cli_analyze_says_when_betweenness_was_sampled(seed_build, monkeypatch):
    import kg.analyze

    store = str(seed_build / "store")
    exact = CliRunner().invoke(main, ["analyze", "--store", store, "--format", "json"])
    assert json.loads(exact.stdout)["betweenness_sampled_k"] is None
    monkeypatch.setattr(kg.analyze, "EXACT_WORK_MAX", 1)  # as if the graph were huge
    monkeypatch.setattr(kg.analyze, "MIN_SAMPLE_K", 3)
    result = CliRunner().invoke(main, ["analyze", "--store", store])
    assert result.exit_code == 0, result.output
    assert "betweenness (estimated from 3 sampled sources)" in result.stdout
    report = CliRunner().invoke(main, ["analyze", "--store", store, "--format", "json"])
    assert json.loads(report.stdout)["betweenness_sampled_k"] == 3


def test_communities_split_two_cliques():
    graph = nx.Graph()
    graph.add_edges_from(nx.complete_graph(["a1", "a2", "a3", "a4"]).edges)
    graph.add_edges_from(nx.complete_graph(["b1", "b2", "b3", "b4"]).edges)
    graph.add_edge("a1", "b1")
    graph.add_node("alone")
    assert communities(graph) == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"]]


def test_coparticipation_counts_shared_activities(small):
    matrix = coparticipation(small)
    assert matrix["kz-mvd"]["kz-mvd"] == 2  # two events of its own
    assert matrix["kz-mvd"]["kg-sms"] == matrix["kg-sms"]["kz-mvd"] == 1
    assert matrix["kz-mvd"]["unodc"] == 1
    assert matrix["unodc"]["kg-sms"] == 0
    rows = list(csv.reader(io.StringIO(matrix_csv(matrix, small.labels))))
    assert rows[0][:2] == ["id", "label"] and rows[0][2:] == [r[0] for r in rows[1:]]
    assert rows[-1][:2] == ["unodc", "United Nations Office on Drugs and Crime"]


def test_coparticipation_respects_years(small):
    assert "unodc" not in coparticipation(small, Filters(year_from=2015))


def test_seed_timeline_is_in_date_order(seed_store):
    events = timeline(read_snapshot(seed_store))
    dated = [e["date"] for e in events if e["date"]]
    assert dated == sorted(dated)
    almaty = next(e for e in events if e["id"] == "almaty-workshop-2011")
    assert almaty["held_in"] == ["Almaty"]
    assert "United Nations Office on Drugs and Crime" in almaty["organised"]
    ids = [e["id"] for e in events]
    assert ids.index("almaty-workshop-2011") < ids.index("bishkek-coordination-meeting-2015")


def test_cli_analyze_json_and_matrix(seed_build, tmp_path):
    matrix = tmp_path / "m.csv"
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            "--store",
            str(seed_build / "store"),
            "--format",
            "json",
            "--matrix",
            str(matrix),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["projection"] == "cooperation"
    top = report["centrality"][0]
    assert top["betweenness"] >= max(r["betweenness"] for r in report["centrality"])
    members = {m["id"] for c in report["communities"] for m in c}
    assert {"unodc", "kz-interior-ministry"} <= members
    assert matrix.read_text("utf-8").startswith("id,label,")


def test_cli_analyze_text(seed_build):
    result = CliRunner().invoke(main, ["analyze", "--store", str(seed_build / "store")])
    assert result.exit_code == 0, result.output
    assert "Brokers and hubs" in result.stdout and "Timeline of events" in result.stdout
    assert "osce-pob" in result.stdout  # the top broker, by id (labels wrap)


def test_cli_analyze_prints_the_first_events_and_says_how_many_more(seed_build):
    store = str(seed_build / "store")
    report = CliRunner().invoke(main, ["analyze", "--store", store, "--format", "json"])
    events = json.loads(report.stdout)["timeline"]
    assert len(events) > 2
    result = CliRunner().invoke(main, ["analyze", "--store", store, "--events", "2"])
    assert result.exit_code == 0, result.output
    assert f"… and {len(events) - 2} later events (--events" in result.stdout
    full = CliRunner().invoke(main, ["analyze", "--store", store])
    assert "later events" not in full.stdout  # the seeds' timeline fits the default


def test_cli_path_prints_evidence_of_every_hop(seed_build):
    store = str(seed_build / "store")
    args = ["path", "Kazakhstan’s Interior Ministry", "Kyrgyz State Migration Service"]
    result = CliRunner().invoke(main, [*args, "--store", store])
    assert result.exit_code == 0, result.output
    assert "organised" in result.stdout
    assert "co-operation with Kazakhstan’s Interior Ministry" in result.stdout
    data = json.loads(
        CliRunner().invoke(main, [*args, "--store", store, "--format", "json"]).stdout
    )
    assert all(f["evidence"] for chain in data for hop in chain for f in hop["facts"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["path", "Nobody at all", "unodc"], "no entity is called 'Nobody at all'"),
        (["path", "unodc", "iom", "--from", "2020", "--to", "2010"], "--from 2020 is after"),
        (["analyze", "--kind", "Organisation"], "unknown kind Organisation"),
        (["analyze", "--focus", "unodcc"], "Did you mean: unodc"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_1(seed_build, args, message):
    result = CliRunner().invoke(main, [*args, "--store", str(seed_build / "store")])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_missing_store(tmp_path):
    result = CliRunner().invoke(main, ["analyze", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "run `kg build` first" in result.stderr


def test_cli_path_html(seed_build, tmp_path):
    out = tmp_path / "chains.html"
    args = ["path", "kz-interior-ministry", "kg-state-migration-service", "--html", str(out)]
    result = CliRunner().invoke(main, [*args, "--store", str(seed_build / "store")])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert '"focus":"kz-interior-ministry"' in page
    assert "almaty-workshop-2011" in page
