"""`kg serve --backend URL`: the server's query pool interface over a remote SPARQL store.

The embedded pool runs each query in a worker process it can kill at the budget; here the
store does the work, so the budget is the HTTP timeout (the store may keep computing after kg
stops waiting: give the store its own limit too, e.g. Oxigraph's ``--timeout-s``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kg.pool import QueryFailed, QueryTimeout
from kg.remote import Endpoint, RemoteError, RemoteTimeout, bind_values, run_remote_query
from kg.results import Result, collect
from kg.safety import check_query


class RemotePool:
    """Runs checked queries on a remote store with the embedded ``QueryPool.run`` signature."""

    def __init__(self, endpoint: Endpoint, timeout: float = 10.0) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def run(
        self,
        text: str,
        substitutions: dict[str, Any] | None = None,
        *,
        limit: int | None,
        timeout: float | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Result:
        """Bind, send, read; a timeout or a store error becomes the pool's own exceptions."""
        endpoint = self.endpoint
        if default_graph is not None or named_graphs is not None:
            # The protocol's dataset parameters replace any vendor "union" switch.
            dataset = [("default-graph-uri", g) for g in default_graph or ()]
            dataset += [("named-graph-uri", g) for g in named_graphs or ()]
            endpoint = replace(endpoint, query_params=tuple(dataset))
        budget = self.timeout if timeout is None else timeout
        try:
            form = check_query(text).form  # checked by the caller: a cached look-up
            bound = bind_values(text, substitutions or {})
            return collect(run_remote_query(endpoint, bound, budget, form=form), limit)
        except RemoteTimeout as err:
            raise QueryTimeout(str(err)) from None
        except RemoteError as err:
            raise QueryFailed(str(err)) from None

    def close(self) -> None:
        """Nothing to stop: every request has its own connection."""
