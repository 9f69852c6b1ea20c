"""`kg serve`: a read-only SPARQL 1.1 endpoint, the named queries as JSON, entity pages.

Safe to expose: there is no update route; every query is parsed and inspected first
(kg.safety: no updates, no SERVICE, no remote or file: datasets); each query runs in a worker
process under a wall-clock budget (kg.pool) so a runaway query is stopped and never holds up
other clients; answers are capped and a cut answer says so; request bodies are capped; CORS is
open without credentials; errors are a status and a message, never a bare 500.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kg.pool import QueryFailed, QueryPool, QueryTimeout, WorkerLost
from kg.queries import (
    DEFAULT_LIMIT,
    PAGE_WORDS,
    NamedQuery,
    QueryError,
    bound_text,
    get_query,
    page_size,
    parse_limit,
    parse_offset,
    run_named,
)
from kg.remote import Endpoint, redact
from kg.remote_pool import RemotePool
from kg.results import GRAPH_FORMATS, RESULT_FORMATS, Result, serialize
from kg.safety import QuerySyntaxError, UnsafeQuery, check_graph_iri, check_query

log = logging.getLogger("kg.server")
WEB_DIR = Path(__file__).resolve().parent / "web"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# media type -> format name, for each kind of answer
RESULT_MEDIA = {media: name for name, (media, _) in RESULT_FORMATS.items()} | {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "tsv",
}
GRAPH_MEDIA = {media: name for name, (media, _) in GRAPH_FORMATS.items()} | {
    "text/n3": "turtle",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}


@dataclass(frozen=True)
class Settings:
    """What `kg serve` is told; every limit has a safe default."""

    store_path: Path = Path("build/store")
    timeout: float = 10.0
    limit: int = DEFAULT_LIMIT
    workers: int = 4
    max_body: int = 1 << 20
    backend: Endpoint | None = None  # a remote store instead of the embedded one (kg.remote)


class ApiError(Exception):
    """An error answered as ``status`` with a plain message."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class Service:
    """The shared state of one server: settings, library and the query pool."""

    def __init__(self, settings: Settings, library: Mapping[str, NamedQuery]):
        self.settings = settings
        self.library = dict(library)
        self.pool: QueryPool | RemotePool | None = None

    def start(self) -> None:
        if self.pool is None and self.settings.backend is not None:
            self.pool = RemotePool(self.settings.backend, timeout=self.settings.timeout)
        if self.pool is None:
            self.pool = QueryPool(
                self.settings.store_path,
                workers=self.settings.workers,
                timeout=self.settings.timeout,
            )

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def run(self, text: str, substitutions: dict[str, Any] | None = None, **kw: Any) -> Result:
        """Check then run one query in the pool (blocking; call from a worker thread)."""
        assert self.pool is not None, "service not started"
        check_query(text)
        bound = bound_text(text, substitutions)
        return self.pool.run(bound, None, limit=self.settings.limit, **kw)

    def runner(self) -> Callable[[str, dict[str, Any] | None], Result]:
        return lambda text, subs=None: self.run(text, subs)


# ---------------------------------------------------------------- content negotiation


def negotiate(accept: str, table: Mapping[str, str], default: str) -> str:
    """The format name for an Accept header (q-values honoured); ``default`` for */*."""
    if not accept.strip():
        return default
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (x.strip() for x in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            choices.append((-q, index, media.lower()))
    for _, _, media in sorted(choices):
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    supported = ", ".join(sorted(set(table)))
    raise ApiError(406, f"none of the accepted media types is available; supported: {supported}")


def _media(fmt: str, kind: str) -> str:
    media = GRAPH_FORMATS[fmt][0] if kind == "graph" else RESULT_FORMATS[fmt][0]
    return media + ("; charset=utf-8" if media.startswith("text/") or "json" in media else "")


def result_response(result: Result, accept: str, limit: int) -> Response:
    """Serialise a result as the client asked; a cut answer is flagged in headers."""
    if result.kind == "graph":
        fmt = negotiate(accept, GRAPH_MEDIA, "turtle")
    else:
        fmt = negotiate(accept, RESULT_MEDIA, "json")
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-KG-Truncated"] = "true"
        headers["X-KG-Limit"] = str(result.limit or limit)
    if result.offset:
        headers["X-KG-Offset"] = str(result.offset)
    return Response(serialize(result, fmt), media_type=_media(fmt, result.kind), headers=headers)


# ---------------------------------------------------------------- request reading


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused past ``cap`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise ApiError(413, f"request body larger than {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise ApiError(413, f"request body larger than {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ApiError(400, f"{what} is not valid UTF-8 (byte {err.start})") from None


def _form(data: bytes) -> list[tuple[str, str]]:
    text = _decode(data, "the form body")
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as err:
        raise ApiError(400, f"the form body cannot be decoded: {err}") from None


async def protocol_request(request: Request, cap: int) -> tuple[str, list[str], list[str]]:
    """The query and dataset of a SPARQL 1.1 Protocol request (GET or POST)."""
    raw_qs = request.scope.get("query_string", b"")
    pairs = _form(raw_qs)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, cap)
        if ctype == "application/x-www-form-urlencoded":
            pairs += _form(body)
        elif ctype == "application/sparql-query":
            pairs.append(("query", _decode(body, "the query")))
        elif ctype == "application/sparql-update":
            raise ApiError(403, "updates are not accepted: this endpoint is read-only")
        else:
            raise ApiError(
                415,
                "POST a query as application/sparql-query or as an "
                "application/x-www-form-urlencoded form with a 'query' field",
            )
    if any(k == "update" for k, _ in pairs):
        raise ApiError(403, "updates are not accepted: this endpoint is read-only")
    queries = [v for k, v in pairs if k == "query"]
    if not queries:
        raise ApiError(400, "missing the 'query' parameter")
    if len(queries) > 1:
        raise ApiError(400, "give exactly one 'query' parameter")
    try:
        defaults = [check_graph_iri(v) for k, v in pairs if k == "default-graph-uri"]
        named = [check_graph_iri(v) for k, v in pairs if k == "named-graph-uri"]
    except UnsafeQuery as err:
        raise ApiError(400, str(err)) from None
    return queries[0], defaults, named


# ---------------------------------------------------------------- handlers


def _service(request: Request) -> Service:
    return request.app.state.service


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 Protocol query operation."""
    service = _service(request)
    text, defaults, named = await protocol_request(request, service.settings.max_body)
    result = await run_in_threadpool(
        service.run, text, None, default_graph=defaults or None, named_graphs=named or None
    )
    return result_response(result, request.headers.get("accept", ""), service.settings.limit)


async def list_queries(request: Request) -> Response:
    """The named query library as JSON."""
    service = _service(request)
    return JSONResponse(
        {
            "queries": [
                {**q.to_json(), "url": f"/queries/{q.name}"} for q in service.library.values()
            ]
        }
    )


def page_of(query: NamedQuery, paging: Mapping[str, str], cap: int) -> tuple[int, int]:
    """The (size, offset) of the page a request asks for: ``limit`` (rows, or ``all``: up to
    the server's cap) and ``offset``; without ``limit``, the query's ``# page:``."""
    try:
        wanted = parse_limit(paging["limit"]) if "limit" in paging else page_size(query)
        offset = parse_offset(paging.get("offset", "0"))
    except QueryError as err:
        raise ApiError(400, str(err)) from None
    return min(cap, wanted if wanted is not None else cap), offset


async def named_query(request: Request) -> Response:
    """Run one page of a named query with parameters from the query string."""
    service = _service(request)
    try:
        query = get_query(service.library, request.path_params["name"])
    except QueryError as err:
        raise ApiError(404, str(err)) from None
    raw: dict[str, str] = {}
    paging: dict[str, str] = {}
    for key, value in _form(request.scope.get("query_string", b"")):
        if key in raw or key in paging:
            raise ApiError(400, f"parameter {key!r} given twice")
        (paging if key in PAGE_WORDS else raw)[key] = value
    size, offset = page_of(query, paging, service.settings.limit)
    answer = await run_in_threadpool(
        lambda: run_named(service.runner(), query, raw, limit=size, offset=offset)
    )
    return result_response(answer.result, request.headers.get("accept", ""), service.settings.limit)


async def health(request: Request) -> Response:
    """Liveness and a one-triple probe of the store through the pool."""
    service = _service(request)
    result = await run_in_threadpool(service.run, "ASK { ?s ?p ?o }")
    return JSONResponse(
        {
            "status": "ok",
            "store": (
                redact(service.settings.backend.query or "")
                if service.settings.backend
                else str(service.settings.store_path)
            ),
            "nonEmpty": bool(result.boolean),
            "queries": len(service.library),
            "workers": service.settings.workers,
            "workersReady": getattr(service.pool, "ready", service.settings.workers),
            "timeout": service.settings.timeout,
            "limit": service.settings.limit,
        }
    )


async def openapi(request: Request) -> Response:
    """An OpenAPI 3 description of the JSON API, generated from the library."""
    from kg.openapi import describe

    return JSONResponse(describe(_service(request).library))


# ---------------------------------------------------------------- errors


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=dict(headers or {}))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error(exc.status, exc.message, exc.headers)


async def _query_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, QueryError):
        return _error(400, str(exc))
    if isinstance(exc, QuerySyntaxError):
        return _error(400, str(exc))
    if isinstance(exc, UnsafeQuery):
        return _error(403, str(exc))
    if isinstance(exc, QueryTimeout | WorkerLost):
        return _error(503, str(exc), {"Retry-After": "1"})
    return _error(400, f"the query failed: {exc}")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path)
    return _error(500, "internal error: the request could not be answered (see the server log)")


# ---------------------------------------------------------------- app


def routes() -> list[BaseRoute]:
    """Every route of the service; add to this list to extend the server (e.g. /graph)."""
    from kg.pages import entity, index
    from kg.view_web import graph_page

    return [
        Route("/", index, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", list_queries, methods=["GET"]),
        Route("/queries/{name}", named_query, methods=["GET"]),
        Route("/entity/{id}", entity, methods=["GET"]),
        Route("/graph", graph_page, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=WEB_DIR / "static"), name="static"),
    ]


class SecurityHeaders:
    """Headers every answer carries: no MIME sniffing, no referrer leaks, no framing."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *self.HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    settings: Settings,
    library: Mapping[str, NamedQuery],
    extra_routes: list[BaseRoute] | None = None,
) -> Starlette:
    """The ASGI app; the query pool starts with the app's lifespan and stops with it."""
    from contextlib import asynccontextmanager

    service = Service(settings, library)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await run_in_threadpool(service.start)
        try:
            yield
        finally:
            await run_in_threadpool(service.stop)

    app = Starlette(
        routes=[*(extra_routes or []), *routes()],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_credentials=False,
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["X-KG-Truncated", "X-KG-Limit", "X-KG-Offset"],
                max_age=600,
            ),
        ],
        exception_handlers={
            ApiError: _api_error,
            QueryError: _query_error,
            QuerySyntaxError: _query_error,
            UnsafeQuery: _query_error,
            QueryTimeout: _query_error,
            QueryFailed: _query_error,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def serve(
    settings: Settings, library: Mapping[str, NamedQuery], host: str = "127.0.0.1", port: int = 8000
) -> None:
    """Run the server until interrupted."""
    import uvicorn

    app = create_app(settings, library)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
