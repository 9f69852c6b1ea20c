"""Query worker processes with a wall-clock budget per query.

A pyoxigraph query cannot be interrupted from another thread (a cartesian product runs to the
end), so each query runs in a worker process holding its own read-only handle on the store.
When a query overruns its budget the worker is killed and a fresh one started in the
background; other clients keep being served by the remaining workers.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.results import Result


class QueryTimeout(Exception):
    """The query did not finish within its budget and was stopped."""


class QueryFailed(Exception):
    """The engine refused or failed the query (its message is for the user)."""


class WorkerLost(QueryFailed):
    """The worker process died while running the query (killed, out of memory)."""


def _worker_main(conn: Connection, store_path: str) -> None:
    """Serve queries from ``conn`` until the parent closes it."""
    import pyoxigraph

    from kg.results import query_store

    try:
        store = pyoxigraph.Store.read_only(store_path)
    except OSError as err:
        conn.send(("error", f"cannot open the store at {store_path}: {err}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            text, substitutions, options = conn.recv()
        except (EOFError, OSError):
            return
        try:
            result = query_store(store, text, substitutions, **options)
            conn.send(("ok", result))
        except (SyntaxError, ValueError, RuntimeError, OSError, TypeError) as err:
            conn.send(("error", f"{type(err).__name__}: {err}"))


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        self.conn.close()


class QueryPool:
    """A fixed number of query processes over one read-only store."""

    def __init__(self, store_path: Path, workers: int = 4, timeout: float = 10.0) -> None:
        self.store_path = str(store_path)
        self.timeout = timeout
        self.size = workers
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        self.startup_errors: list[str] = []
        # One worker before we return, so a broken store is the caller's error at once; the
        # others start in the background, so the server answers as soon as one is ready.
        self._add_worker()
        if self.startup_errors:
            self.close()
            raise QueryFailed(self.startup_errors[0])
        for _ in range(workers - 1):
            threading.Thread(target=self._add_worker, daemon=True).start()

    @property
    def ready(self) -> int:
        """How many workers are running now."""
        with self._lock:
            return len(self._live)

    def _add_worker(self) -> None:
        # A plain `python -m kg.pool` child over a socket pair: no fork of a threaded server,
        # and unlike multiprocessing's spawn it never re-imports the caller's main script.
        mine, theirs = socket.socketpair()
        process = subprocess.Popen(
            [sys.executable, "-m", "kg.pool", str(theirs.fileno()), self.store_path],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        parent = Connection(mine.detach())
        worker = _Worker(process, parent)
        status, message = ("error", "the query worker did not start within 60 s")
        try:
            if parent.poll(60):
                status, message = parent.recv()
        except (EOFError, OSError):
            status, message = ("error", "the query worker stopped while starting")
        if status != "ready":
            worker.kill()
            self.startup_errors.append(message)
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._live.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement without holding up the caller."""
        with self._lock:
            self._live.discard(worker)
        worker.kill()
        if not self._closed:
            threading.Thread(target=self._add_worker, daemon=True).start()

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
        """Run a checked query in a worker; blocks the calling thread, never the event loop."""
        budget = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + budget
        try:
            worker = self._idle.get(timeout=budget)
        except queue.Empty:
            raise QueryTimeout(
                f"no query worker became free within the {budget:g} s budget"
            ) from None
        options = {"limit": limit, "default_graph": default_graph, "named_graphs": named_graphs}
        try:
            worker.conn.send((text, substitutions, options))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                raise QueryTimeout(f"the query was stopped at its {budget:g} s budget")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            raise WorkerLost("the query worker stopped unexpectedly; try again") from None
        self._idle.put(worker)
        if status != "ok":
            raise QueryFailed(payload)
        return payload

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._live)
            self._live.clear()
        for worker in workers:
            worker.kill()


if __name__ == "__main__":
    _worker_main(Connection(int(sys.argv[1])), sys.argv[2])
