"""`kg serve` answers the graph view at /graph, focused with ?focus=, linked to entity pages."""

from __future__ import annotations

import json
import re

import pytest
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


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"focus": "Nobody at all"}, 404, "no entity is called"),
        ({"depth": "two"}, 400, "'depth' must be a whole number"),
        ({"projection": "orgs"}, 400, "'projection' must be"),
        ({"kind": "Organisation"}, 400, "unknown kind"),
        ({"colour": "red"}, 400, "unknown parameter 'colour'"),
    ],
)
def test_graph_bad_parameters(client, params, status, message):
    response = client.get("/graph", params=params)
    assert response.status_code == status
    assert message in response.text
