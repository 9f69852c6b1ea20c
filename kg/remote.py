"""Remote SPARQL 1.1 stores: endpoints, credentials, HTTP, and queries through SPARQLWrapper.

``kg.remote_push`` writes the graph with what this module provides; ``kg query --endpoint`` runs
the named library through ``remote_runner``. Every request has a timeout; every failure becomes
one ``RemoteError`` with a readable message that never contains a credential.
"""

from __future__ import annotations

import ast
import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from kg import remote_bind

DEFAULT_TIMEOUT = 60.0
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]


class RemoteError(Exception):
    """A remote store could not do what was asked; the message is meant for the user."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RemoteTimeout(RemoteError):
    """The store sent nothing within the timeout."""


@dataclass(frozen=True)
class Auth:
    """Credentials for a store; ``repr`` hides them so a log or traceback never shows one."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: TypingLiteral["basic", "digest"] = "basic"

    def __repr__(self) -> str:
        kind = "bearer" if self.token else self.scheme
        return f"Auth(user={self.user!r}, scheme={kind!r}, secret=***)"

    def secrets(self) -> list[str]:
        """Every secret value, to scrub them from any message shown to the user."""
        return [s for s in (self.password, self.token) if s]


@dataclass(frozen=True)
class Endpoint:
    """Where a store answers: SPARQL query URL, SPARQL Update URL, Graph Store URL."""

    query: str | None = None
    update: str | None = None
    store: str | None = None
    auth: Auth | None = None
    timeout: float = DEFAULT_TIMEOUT
    # Extra URL parameters a vendor needs, e.g. Oxigraph's ``union-default-graph`` for queries.
    query_params: tuple[tuple[str, str], ...] = ()
    store_params: tuple[tuple[str, str], ...] = ()


# Paths of the documented HTTP interfaces of each store (see docs/remote-stores.md).
STORE_KINDS = ("oxigraph", "fuseki", "graphdb", "virtuoso")


def endpoint_for(
    kind: str | None,
    url: str,
    *,
    update: str | None = None,
    store: str | None = None,
    auth: Auth | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    bulk: bool = False,
) -> Endpoint:
    """The endpoint of a store of a known ``kind`` from its base or query URL.

    Explicit ``update``/``store`` URLs always win over the derived ones. ``bulk`` asks Oxigraph to
    load without a transaction (its ``no_transaction`` parameter), several times faster.
    """
    _check_url(url)
    for extra in (update, store):
        if extra:
            _check_url(extra)
    if auth is None:
        auth = auth_from_url(url)
    url, update, store = (redact(u) if u else u for u in (url, update, store))
    if bulk and kind != "oxigraph":
        raise RemoteError("--bulk is an Oxigraph server option; use it with --store-kind oxigraph")
    base = url.rstrip("/")
    query, derived_update, derived_store = base, None, None
    query_params: tuple[tuple[str, str], ...] = ()
    store_params: tuple[tuple[str, str], ...] = ()
    if kind == "oxigraph":
        base = _strip_suffix(base, "/query", "/update", "/store")
        query, derived_update, derived_store = base + "/query", base + "/update", base + "/store"
        query_params = (("union-default-graph", ""),)
        if bulk:
            store_params = (("no_transaction", ""), ("lenient", ""))
    elif kind == "fuseki":
        base = _strip_suffix(base, "/sparql", "/query", "/update", "/data")
        query, derived_update, derived_store = base + "/sparql", base + "/update", base + "/data"
    elif kind == "graphdb":
        base = _strip_suffix(base, "/statements", "/rdf-graphs/service")
        query, derived_update = base, base + "/statements"
        derived_store = base + "/rdf-graphs/service"
    elif kind == "virtuoso":
        root = _strip_suffix(base, "/sparql", "/sparql-auth")
        authed = auth is not None
        query = root + "/sparql"
        derived_update = root + ("/sparql-auth" if authed else "/sparql")
        derived_store = root + ("/sparql-graph-crud-auth" if authed else "/sparql-graph-crud")
    elif kind is not None:
        raise RemoteError(f"unknown store kind {kind!r}; choose one of {', '.join(STORE_KINDS)}")
    return Endpoint(
        query=query,
        update=update or derived_update,
        store=store or derived_store,
        auth=auth,
        timeout=timeout,
        query_params=query_params,
        store_params=store_params,
    )


def auth_from_url(url: str) -> Auth | None:
    """Credentials written into a URL (``http://user:password@host/``), which urllib ignores."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return Auth(user=urllib.parse.unquote(parts.username), password=password)


def _strip_suffix(url: str, *suffixes: str) -> str:
    for suffix in suffixes:
        if url.endswith(suffix):
            return url[: -len(suffix)]
    return url


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"not an http(s) URL: {redact(url)}")


def redact(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


# ---------------------------------------------------------------------------------------------
# HTTP


def with_params(url: str, params: Iterable[tuple[str, str]]) -> str:
    pairs = list(params)
    if not pairs:
        return url
    encoded = "&".join(
        urllib.parse.quote(k, safe="-_") + ("=" + urllib.parse.quote(v, safe="") if v else "")
        for k, v in pairs
    )
    return url + ("&" if "?" in url else "?") + encoded


class HttpClient:
    """One urllib opener per endpoint with its authentication; errors become RemoteError."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        handlers: list[urllib.request.BaseHandler] = []
        self.headers: dict[str, str] = {"User-Agent": "kg-remote"}
        auth = endpoint.auth
        if auth and auth.token:
            self.headers["Authorization"] = "Bearer " + auth.token
        elif auth and auth.user is not None:
            if auth.scheme == "digest":
                manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for url in (endpoint.query, endpoint.update, endpoint.store):
                    if url:
                        manager.add_password(None, url, auth.user, auth.password or "")
                handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
            else:
                pair = f"{auth.user}:{auth.password or ''}".encode()
                self.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        self.opener = urllib.request.build_opener(*handlers)

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        ok_missing: bool = False,
    ) -> bytes | None:
        """Send one request; the body of a 2xx reply, None for a 404 when ``ok_missing``."""
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=self.endpoint.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as err:
            if ok_missing and err.code == 404:
                return None
            raise http_error(err.code, _read_quietly(err), method, url, self.endpoint) from None
        except TimeoutError:
            raise RemoteTimeout(
                f"{method} {redact(_bare(url))}: no answer within {self.endpoint.timeout:g} s "
                "(raise --timeout for large graphs or slow stores)"
            ) from None
        except urllib.error.URLError as err:
            raise unreachable(url, err.reason, self.endpoint) from None
        except (ConnectionError, OSError) as err:
            raise unreachable(url, err, self.endpoint) from None


def _read_quietly(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read() or b""
    except OSError:
        return b""


def _bare(url: str) -> str:
    return url.split("?", 1)[0]


def _scrub(text: str, endpoint: Endpoint | None) -> str:
    if endpoint and endpoint.auth:
        for secret in endpoint.auth.secrets():
            text = text.replace(secret, "***")
    return text


def http_error(
    code: int, body: bytes, method: str, url: str, endpoint: Endpoint | None
) -> RemoteError:
    """A readable message for an HTTP error status, with the store's own explanation."""
    detail = body.decode("utf-8", "replace").strip().replace("\r", "")
    if len(detail) > 400:
        detail = detail[:400] + "…"
    where = f"{method} {redact(_bare(url))}"
    hints = {
        401: "authentication failed: check --user/--password or --token "
        "(or KG_REMOTE_USER, KG_REMOTE_PASSWORD, KG_REMOTE_TOKEN)",
        403: "the store refused the operation for these credentials",
        404: "not found: check the endpoint URL (and --store-kind)",
        405: "method not allowed: is this the right endpoint for this operation?",
        413: "request too large: lower --chunk-size",
        415: "the store does not accept this content type",
    }
    hint = hints.get(code, "the store answered with an error")
    message = f"{where} failed: HTTP {code}, {hint}"
    if detail:
        message += f"\n  store said: {detail}"
    return RemoteError(_scrub(message, endpoint), status=code)


def unreachable(url: str, reason: object, endpoint: Endpoint | None) -> RemoteError:
    """A readable message for a store that cannot be reached."""
    if isinstance(reason, TimeoutError):
        timeout = endpoint.timeout if endpoint else DEFAULT_TIMEOUT
        return RemoteTimeout(f"{redact(_bare(url))}: no answer within {timeout:g} s")
    text = str(getattr(reason, "strerror", None) or reason)
    return RemoteError(_scrub(f"cannot reach {redact(_bare(url))}: {text}", endpoint))


# ---------------------------------------------------------------------------------------------
# Remote queries


def run_remote_query(
    endpoint: str | Endpoint,
    query_text: str,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
    form: str | None = None,
) -> QueryResult:
    """Run one SPARQL query on a remote endpoint through SPARQLWrapper.

    Returns what ``Store.query`` returns for the embedded store, so ``kg.results.collect``
    reads both alike: ``QuerySolutions`` for SELECT, ``QueryBoolean`` for ASK, an iterator of
    ``Triple`` for CONSTRUCT/DESCRIBE. The timeout (seconds without a byte from the store) is
    always set. ``form``, when given, is the query's form as kg.safety.check_query found it
    (the runners give it); without it SPARQLWrapper guesses, and the store judges the text.
    """
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    ep = endpoint if isinstance(endpoint, Endpoint) else Endpoint(query=endpoint, auth=auth)
    if ep.query is None:
        raise RemoteError("no SPARQL query endpoint given")
    _check_url(ep.query)
    auth = auth or ep.auth
    if timeout is None or timeout <= 0:
        raise RemoteError("the query timeout must be a positive number of seconds")
    wrapper = SPARQLWrapper(ep.query)
    wrapper.setMethod(POST)
    wrapper.setTimeout(int(timeout) if float(timeout).is_integer() else timeout)
    wrapper.setQuery(query_text)
    if form is not None:
        # SPARQLWrapper guesses the form from the text with every second line of a comment
        # block left in (its comment pattern takes the newline the next line's match needs):
        # a word such as "copy" or "load" in a query's comments made it an update
        wrapper.queryType = form.upper()
    graph_result = wrapper.queryType in ("CONSTRUCT", "DESCRIBE")
    if wrapper.queryType not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise RemoteError("only SELECT, ASK, CONSTRUCT and DESCRIBE queries can be run remotely")
    accept = NTRIPLES if graph_result else SPARQL_JSON
    wrapper.clearCustomHttpHeader("Accept")
    wrapper.addCustomHttpHeader("Accept", accept)
    for key, value in ep.query_params:
        wrapper.addParameter(key, value)
    _apply_auth(wrapper, auth)
    scrub_ep = Endpoint(query=ep.query, auth=auth, timeout=timeout)
    try:
        raw = wrapper.query().response.read()
    except SPARQLWrapperException as err:
        code = {
            "QueryBadFormed": 400,
            "Unauthorized": 401,
            "EndPointNotFound": 404,
            "URITooLong": 414,
            "EndPointInternalError": 500,
        }.get(type(err).__name__, 500)
        raise http_error(code, _wrapper_body(err), "query", ep.query, scrub_ep) from None
    except urllib.error.HTTPError as err:
        raise http_error(err.code, _read_quietly(err), "query", ep.query, scrub_ep) from None
    except TimeoutError:
        raise RemoteTimeout(
            f"query on {redact(ep.query)} gave no answer within {timeout:g} s (the query timeout)"
        ) from None
    except urllib.error.URLError as err:
        if isinstance(err.reason, TimeoutError):
            raise RemoteTimeout(
                f"query on {redact(ep.query)} gave no answer within {timeout:g} s "
                "(the query timeout)"
            ) from None
        raise unreachable(ep.query, err.reason, scrub_ep) from None
    except OSError as err:
        raise unreachable(ep.query, err, scrub_ep) from None
    try:
        if graph_result:
            return iter([q.triple for q in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES)])
        # Parsing is lazy: read everything once so a reply cut by the store's own timeout
        # (Oxigraph appends its error text to a started stream) fails here, readably.
        parsed = ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QuerySolutions):
            for _ in parsed:
                pass
        return ox.parse_query_results(raw, ox.QueryResultsFormat.JSON)
    except SyntaxError as err:
        raise RemoteError(f"{redact(ep.query)} sent results kg cannot read: {err}") from None


def remote_runner(
    endpoint: Endpoint, timeout: float = DEFAULT_TIMEOUT, limit: int | None = None
) -> Callable[[str, dict[str, Any] | None], Any]:
    """A ``kg.queries`` Runner over a remote store: same safety check, same Result shape.

    Parameters arrive as pyoxigraph terms and go into the text only through ``bind_values``.
    """
    from kg.results import collect
    from kg.safety import check_query

    def run(text: str, substitutions: dict[str, Any] | None = None) -> Any:
        form = check_query(text).form
        bound = bind_values(text, substitutions or {})
        return collect(run_remote_query(endpoint, bound, timeout, form=form), limit)

    return run


def _wrapper_body(err: Exception) -> bytes:
    """The store's reply SPARQLWrapper kept only inside its message (as a bytes repr)."""
    _, sep, tail = str(err).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        body = ast.literal_eval(tail)
    except (ValueError, SyntaxError):
        return tail.encode("utf-8", "replace")
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "replace")


def _apply_auth(wrapper: object, auth: Auth | None) -> None:
    from SPARQLWrapper import BASIC, DIGEST

    if auth is None:
        return
    if auth.token:
        wrapper.addCustomHttpHeader("Authorization", "Bearer " + auth.token)  # type: ignore[attr-defined]
    elif auth.user is not None:
        wrapper.setHTTPAuth(DIGEST if auth.scheme == "digest" else BASIC)  # type: ignore[attr-defined]
        wrapper.setCredentials(auth.user, auth.password or "")  # type: ignore[attr-defined]


def bind_values(query_text: str, bindings: dict[str, object]) -> str:
    """The query with each parameter written in as an RDF term (see kg.remote_bind)."""
    try:
        return remote_bind.bind_values(query_text, bindings)
    except remote_bind.BindError as err:
        raise RemoteError(str(err)) from None
