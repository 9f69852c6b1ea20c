"""The HTML view: offline, deterministic, safe with hostile text, and usable in a real browser
(headless Chromium with every network request blocked)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from browser import chromium
from click.testing import CliRunner
from view_graph import XSS, make_store

from kg.cli import main
from kg.view import build_network, render_network, render_view_html


@pytest.fixture(scope="module")
def store():
    return make_store()


@pytest.fixture(scope="module")
def entities_html(store) -> str:
    return render_view_html(
        store, projection="entities", entity_url=lambda iri: "/entity?iri=" + iri
    )


def _data(html: str) -> dict:
    block = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block.group(1))


def test_nothing_is_loaded_from_the_network(entities_html):
    assert not re.search(r"<script[^>]+src=", entities_html)
    assert "<link" not in entities_html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", entities_html)
    assert "default-src 'none'" in entities_html  # the page may not fetch anything


def test_same_graph_gives_byte_identical_html(store, entities_html):
    again = render_view_html(
        make_store(), projection="entities", entity_url=lambda iri: "/entity?iri=" + iri
    )
    assert again == entities_html


def test_article_text_never_appears_as_markup(entities_html):
    # the label and the quote carrying 'href' are JSON with < and > escaped
    assert XSS not in entities_html
    assert "<a href=" not in entities_html
    data = _data(entities_html)
    node = next(n for n in data["nodes"] if n["id"] == "evil-ngo")
    assert node["fullLabel"] == XSS


def test_nodes_carry_what_the_panel_shows(entities_html):
    data = _data(entities_html)
    assert len(data["nodes"]) == 12 and len(data["edges"]) == 8
    kz = next(n for n in data["nodes"] if n["id"] == "kz-mvd")
    assert kz["kind"] == "Organization" and kz["names"] == ["МВД РК"]
    assert kz["years"] == [2011, 2015]
    titles = {data["articles"][data["quotes"][ix][1]][1] for ix in kz["evidence"]}
    assert titles == {
        "UNODC workshop on co-operation",
        "OSCE supports co-operation between Kyrgyz agencies",
    }
    assert kz["url"] == "/entity?iri=https://kg.invalid/id/kz-mvd"
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    assert data["options"]["physics"]["enabled"] is False
    assert [k for k, _ in data["legend"]] == ["City", "Country", "Event", "Organization", "Person"]


def test_cap_keeps_the_most_central_and_says_what_it_left_out():
    graph = nx.star_graph(30)  # node 0 is the hub
    graph.add_edges_from([(1, 2), (2, 3)])
    for node in graph:
        graph.nodes[node].update(label=f"n{node}", kind="Organization")
    net, summary = build_network(graph, cap=5)
    assert summary["shown"] == 5 and summary["left_out"] == 26 and summary["total"] == 31
    kept = {n["id"] for n in net.nodes}
    assert len(kept) == 5 and {"0", "1", "2", "3"} <= kept  # the hub, then degree 3 and 2
    assert all(e["from"] in kept and e["to"] in kept for e in net.edges)
    html = render_network(net, summary)
    assert _data(html)["summary"]["left_out"] == 26


def _weighted_graph() -> nx.Graph:
    """Ten organisations, every pair linked; weight = how many events the pair shared."""
    graph = nx.Graph(projection="cooperation")
    for i in range(10):
        graph.add_node(f"o{i}", label=f"Org {i}", kind="Organization")
    for i in range(10):
        for j in range(i + 1, 10):
            graph.add_edge(f"o{i}", f"o{j}", relation="co-operated", weight=1 + (i * 7 + j) % 13)
    return graph


def test_edge_cap_keeps_the_heaviest_and_says_how_many_it_left_out():
    graph = _weighted_graph()  # 45 edges
    net, summary = build_network(graph, edge_cap=12)
    assert summary["edges_total"] == 45
    assert summary["edges_shown"] == len(net.edges) == 12
    assert summary["edges_left_out"] == 33
    drawn = {(e["from"], e["to"]) for e in net.edges}
    weights = sorted((d["weight"] for *_, d in graph.edges(data=True)), reverse=True)
    heaviest = [(u, v) for u, v, d in graph.edges(data=True) if d["weight"] >= weights[2]]
    assert set(heaviest) <= drawn  # the strongest links are always drawn
    assert {n for e in drawn for n in e} == set(graph)  # no organisation loses all its links
    page = _data(render_network(net, summary))
    assert page["summary"]["edges_left_out"] == 33
    assert len(page["edges"]) == 12


def test_edge_choice_does_not_depend_on_insertion_order():
    graph = _weighted_graph()
    shuffled = nx.Graph(projection="cooperation")
    shuffled.add_nodes_from(sorted(graph.nodes(data=True), reverse=True))
    shuffled.add_edges_from(sorted(graph.edges(data=True), key=lambda e: e[1], reverse=True))
    html = render_network(*build_network(graph, edge_cap=12))
    assert html == render_network(*build_network(shuffled, edge_cap=12))


def test_under_the_edge_cap_nothing_is_left_out(entities_html):
    summary = _data(entities_html)["summary"]
    assert summary["edges_left_out"] == 0 and summary["edges_shown"] == summary["edges_total"]


def test_cli_view_says_what_the_edge_cap_left_out(seed_build, tmp_path):
    out = tmp_path / "coop.html"
    store = str(seed_build / "store")
    full = CliRunner().invoke(main, ["view", "--store", store, "-o", str(out)])
    assert full.exit_code == 0, full.output
    total = _data(out.read_text("utf-8"))["summary"]["edges_total"]
    assert total > 2
    result = CliRunner().invoke(main, ["view", "--store", store, "-o", str(out), "--edge-cap", "2"])
    assert result.exit_code == 0, result.output
    assert f"2 of {total} links" in result.output
    assert f"{total - 2} weaker links left out (--edge-cap 2" in result.output
    assert len(_data(out.read_text("utf-8"))["edges"]) == 2


def test_quotes_are_stored_once(entities_html):
    data = _data(entities_html)
    quotes = [q[0] for q in data["quotes"]]
    assert len(quotes) == len(set(quotes)) == 7  # seven facts, seven sentences
    edge = next(e for e in data["edges"] if (e["from"], e["to"]) == ("unodc", "workshop-2011"))
    assert [data["quotes"][ix][0] for ix in edge["evidence"]] == [
        "UNODC organised a regional workshop"
    ]


def test_focus_view_is_the_ego_network(store):
    html = render_view_html(store, projection="entities", focus="UNODC", depth=1)
    data = _data(html)
    assert {n["id"] for n in data["nodes"]} == {"unodc", "workshop-2011"}
    assert data["summary"]["focus"] == "unodc"


def test_cli_view_writes_the_file(seed_build, tmp_path):
    out = tmp_path / "sub" / "coop.html"
    result = CliRunner().invoke(
        main, ["view", "--store", str(seed_build / "store"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = _data(out.read_text("utf-8"))
    ids = {n["id"] for n in data["nodes"]}
    assert {"unodc", "kz-interior-ministry", "osce-pob"} <= ids
    assert sorted(p.name for p in out.parent.iterdir()) == ["coop.html"]  # no temp left over


def test_cli_view_bad_focus_keeps_previous_output(seed_build, tmp_path):
    out = tmp_path / "graph.html"
    out.write_text("previous", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["view", "--store", str(seed_build / "store"), "--focus", "Nobody", "-o", str(out)],
    )
    assert result.exit_code == 1
    assert "no entity is called 'Nobody'" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous"


@pytest.mark.browser
def test_in_headless_chromium_offline(tmp_path, store, seed_store):
    pages = {
        "small": render_view_html(store, projection="entities"),
        "seeds": render_view_html(seed_store, projection="cooperation"),
    }
    with chromium() as browser:
        for name, html in pages.items():
            path = tmp_path / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            _check_page(browser, path, _data(html), name)


def _check_page(browser, path: Path, data: dict, name: str) -> None:
    page = browser.new_page()
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))

    def route(r):
        requested.append(r.request.url)
        return r.continue_() if r.request.url == path.as_uri() else r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    shown = page.evaluate("[kgNetwork.body.nodeIndices.length, kgNetwork.body.edgeIndices.length]")
    assert shown == [len(data["nodes"]), len(data["edges"])]
    if name == "small":
        page.fill("#kg-search", "бишкек")  # the label is 'Бишкек'
        assert page.inner_text("#kg-results").strip() == "Бишкек"
        # hovering shows the title as text, never as HTML
        box = page.locator("#kg-graph").bounding_box()
        spot = page.evaluate(
            "(() => { const p = kgNetwork.getPosition('evil-ngo');"
            " return kgNetwork.canvasToDOM(p); })()"
        )
        page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
        assert XSS in page.inner_text("div.vis-tooltip")
        assert page.locator("div.vis-tooltip img").count() == 0
        page.fill("#kg-search", "<img")
        page.click("#kg-results button")
        details = page.inner_text("#kg-details")
        assert XSS in details  # shown as text
        assert page.locator("#kg-details img").count() == 0
        assert page.evaluate("kgNetwork.getSelectedNodes()") == ["evil-ngo"]
        # kind filter hides the organisations
        page.uncheck("input[data-kind=Organization]")
        hidden = page.evaluate(
            "kgNetwork.body.data.nodes.get().filter(n => n.hidden).map(n => n.id).sort()"
        )
        assert hidden == sorted(n["id"] for n in data["nodes"] if n["kind"] == "Organization")
        page.check("input[data-kind=Organization]")
        page.fill("#kg-year-from", "2015")
        visible = page.evaluate(
            "kgNetwork.body.data.nodes.get().filter(n => !n.hidden).map(n => n.id).sort()"
        )
        assert "unodc" not in visible and "kg-sms" in visible
    else:
        page.fill("#kg-search", "UNODC")
        page.keyboard.press("Enter")
        assert page.evaluate("kgNetwork.getSelectedNodes()") == ["unodc"]
        assert "United Nations Office on Drugs and Crime" in page.inner_text("#kg-details")
        # clicking a link lists its shared events and statements as text
        edge = data["edges"][0]
        assert edge["events"] and edge["relations"]
        page.evaluate(f"kgNetwork.emit('click', {{nodes: [], edges: [{edge['id']}]}})")
        details = page.inner_text("#kg-details")
        assert "Events" in details and "Statements" in details
        for ref in edge["events"] + edge["relations"]:
            assert data["strings"][ref] in details
    page.wait_for_timeout(200)
    assert problems == []
    assert requested == [path.as_uri()]
    page.close()


def test_long_lists_are_cut_with_a_note():
    graph = nx.Graph()
    events = [f"Event {i:02d}" for i in range(60)]
    graph.add_node("hub", label="Hub", kind="Organization", events=events)
    net, _ = build_network(graph)
    shown = net.nodes[0]["events"]
    assert shown[:50] == events[:50] and shown[50:] == ["… and 10 more"]


def test_size_by_betweenness_keeps_the_broker():
    # two triangles joined only through 'broker': it lies on 9 shortest paths, a1 and b1 on 8
    graph = nx.Graph([("a1", "a2"), ("a2", "a3"), ("a3", "a1"), ("b1", "b2"), ("b2", "b3")])
    graph.add_edges_from([("b3", "b1"), ("a1", "broker"), ("broker", "b1")])
    net, summary = build_network(graph, cap=1, size_by="betweenness")
    assert [n["id"] for n in net.nodes] == ["broker"]
    assert summary["size_by"] == "betweenness"
    net, _ = build_network(graph, cap=1, size_by="degree")
    assert [n["id"] for n in net.nodes] == ["a1"]  # degree 3, ahead of b1 by name


def test_html_does_not_depend_on_the_hash_seed(entities_html):
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import hashlib, sys; sys.path.insert(0, 'tests');"
        "from view_graph import make_store; from kg.view import render_view_html;"
        "html = render_view_html(make_store(), projection='entities',"
        " entity_url=lambda iri: '/entity?iri=' + iri);"
        "print(hashlib.sha256(html.encode()).hexdigest())"
    )
    root = Path(__file__).resolve().parent.parent
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(entities_html.encode()).hexdigest()}
