"""`GET /graph` for `kg serve`: the offline view page, linked to the server's entity pages.

Parameters (all optional): projection, focus, depth, from, to, kind and article (repeatable),
cap, edge_cap, size_by. The store is read-only while the server runs, so a page is rendered once per
distinct set of parameters and kept (a few dozen at most).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.project import PROJECTIONS, ProjectionError
from kg.resolve import ResolveError
from kg.view import (
    DEFAULT_CAP,
    DEFAULT_EDGE_CAP,
    SIZE_BY,
    ViewError,
    content_security_policy,
    render_view_html,
)
from kg.vocab import entity_id_of

CACHE_SIZE = 32
_ALLOWED = {
    "projection",
    "focus",
    "depth",
    "from",
    "to",
    "kind",
    "article",
    "cap",
    "edge_cap",
    "size_by",
}
_cache: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


class BadRequest(ValueError):
    """A parameter the page cannot use; answered as 400 with the message."""


def _int(params: dict[str, list[str]], name: str, default: int | None, lo: int, hi: int):
    values = params.get(name, [])
    if not values or values[-1] == "":
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number, not {values[-1]!r}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be between {lo} and {hi}")
    return value


def parse(pairs: list[tuple[str, str]]) -> tuple:
    """A hashable, validated request: the cache key and render_view_html's arguments."""
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in _ALLOWED:
            raise BadRequest(f"unknown parameter '{key}'; use {', '.join(sorted(_ALLOWED))}")
        params.setdefault(key, []).append(value)
    projection = (params.get("projection") or ["cooperation"])[-1]
    if projection not in PROJECTIONS:
        raise BadRequest(f"'projection' must be {' or '.join(PROJECTIONS)}")
    size_by = (params.get("size_by") or ["degree"])[-1]
    if size_by not in SIZE_BY:
        raise BadRequest(f"'size_by' must be {' or '.join(SIZE_BY)}")
    focus = (params.get("focus") or [""])[-1].strip() or None
    depth = _int(params, "depth", 1, 0, 10)
    year_from = _int(params, "from", None, 1000, 9999)
    year_to = _int(params, "to", None, 1000, 9999)
    cap = _int(params, "cap", DEFAULT_CAP, 1, 20_000)
    edge_cap = _int(params, "edge_cap", DEFAULT_EDGE_CAP, 1, 50_000)
    kinds = tuple(sorted(set(params.get("kind", []))))
    articles = tuple(sorted(set(params.get("article", []))))
    return (projection, focus, depth, year_from, year_to, kinds, articles, cap, edge_cap, size_by)


def _entity_url(iri: str) -> str | None:
    eid = entity_id_of(iri)
    return f"/entity/{eid}" if eid else None


def render_cached(store_path: Path, key: tuple) -> str:
    """The page for one request, rendered from the read-only store at most once."""
    from kg.store import open_store

    with _lock:
        if (store_path, key) in _cache:
            _cache.move_to_end((store_path, key))
            return _cache[(store_path, key)]
    projection, focus, depth, year_from, year_to, kinds, articles, cap, edge_cap, size_by = key
    html = render_view_html(
        open_store(store_path),
        projection=projection,
        focus=focus,
        depth=depth,
        year_from=year_from,
        year_to=year_to,
        kinds=kinds,
        articles=articles,
        cap=cap,
        edge_cap=edge_cap,
        size_by=size_by,
        entity_url=_entity_url,
    )
    with _lock:
        _cache[(store_path, key)] = html
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return html


async def graph_page(request: Request) -> Response:
    """The interactive graph view (the same page `kg view` writes)."""
    from kg.server import ApiError

    try:
        key = parse(list(request.query_params.multi_items()))
    except BadRequest as exc:
        raise ApiError(400, str(exc)) from None
    store_path = request.app.state.service.settings.store_path
    try:
        html = await run_in_threadpool(render_cached, store_path, key)
    except ResolveError as exc:
        status = 400 if "ambiguous" in str(exc) else 404
        raise ApiError(status, str(exc)) from None
    except (ProjectionError, ViewError) as exc:
        raise ApiError(400, str(exc)) from None
    headers = {"Content-Security-Policy": content_security_policy(frame_ancestors=True)}
    return HTMLResponse(html, headers=headers)
