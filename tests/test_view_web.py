"""`kg serve` answers the graph view at /graph, focused with ?focus=, linked to entity pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from browser import chromium
from starlette.testclient import TestClient

from kg.server import Settings, create_app


@pytest.fixture(scope="module")
def client(seed_build):
    # no `with`: the query pool is not needed by /graph and is not started
    return TestClient(create_app(Settings(store_path=seed_build / "store"), {}))


def _data(html: str) -> dict:
    block = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', html, re.S)
    assert block
    return json.loads(block.group(1))


def test_graph_page(client):
    response = client.get("/graph")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    nodes = {n["id"]: n for n in _data(response.text)["nodes"]}
    assert nodes["unodc"]["url"] == "/entity/unodc"


def test_graph_focus_by_alias(client):
    response = client.get("/graph", params={"focus": "UNODC", "projection": "entities"})
    assert response.status_code == 200
    data = _data(response.text)
    assert data["summary"]["focus"] == "unodc"
    assert "almaty-workshop-2011" in {n["id"] for n in data["nodes"]}


def test_graph_edge_cap_is_a_parameter(client):
    whole = _data(client.get("/graph", params={"projection": "entities"}).text)
    assert whole["summary"]["edges_left_out"] == 0
    capped = _data(client.get("/graph", params={"projection": "entities", "edge_cap": "5"}).text)
    assert len(capped["edges"]) == 5
    assert capped["summary"]["edges_left_out"] == len(whole["edges"]) - 5


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"focus": "Nobody at all"}, 404, "no entity is called"),
        ({"depth": "two"}, 400, "'depth' must be a whole number"),
        ({"projection": "orgs"}, 400, "'projection' must be"),
        ({"kind": "Organisation"}, 400, "unknown kind"),
        ({"colour": "red"}, 400, "unknown parameter 'colour'"),
        ({"edge_cap": "0"}, 400, "'edge_cap' must be between 1 and"),
    ],
)
def test_graph_bad_parameters(client, params, status, message):
    response = client.get("/graph", params=params)
    assert response.status_code == status
    assert message in response.text


@pytest.mark.server
@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_served_graph_in_chromium_links_to_entity_pages(seed_build):
    """Served with its CSP header the page still runs, and a double-click opens the entity."""
    import socket
    import threading
    import time
    from types import SimpleNamespace

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from kg.view_web import graph_page

    async def entity(request):
        return PlainTextResponse("entity " + request.path_params["id"])

    app = Starlette(routes=[Route("/graph", graph_page), Route("/entity/{id}", entity)])
    app.state.service = SimpleNamespace(settings=Settings(store_path=seed_build / "store"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with chromium() as browser:
            page = browser.new_page()
            problems: list[str] = []
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.route(
                "**/*",
                lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
            )
            page.goto(f"{base}/graph?focus=unodc&projection=entities")
            page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
            assert page.evaluate("kgNetwork.getSelectedNodes()") == ["unodc"]
            box = page.locator("#kg-graph").bounding_box()
            spot = page.evaluate("kgNetwork.canvasToDOM(kgNetwork.getPosition('unodc'))")
            page.mouse.dblclick(box["x"] + spot["x"], box["y"] + spot["y"])
            page.wait_for_url(f"{base}/entity/unodc", timeout=10_000)
            assert page.inner_text("body") == "entity unodc"
            assert problems == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)
