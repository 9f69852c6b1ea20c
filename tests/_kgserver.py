"""Run `kg serve`'s app on a free loopback port in a background thread, for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from kg.queries import load_library
from kg.server import Settings, create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(store: Path, **settings) -> Iterator[str]:
    """Yield the base URL of a running server over ``store``; stop it afterwards."""
    app = create_app(Settings(store_path=store, **settings), load_library())
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    wanted = settings.get("workers", Settings.workers)
    while httpx.get(base + "/health", timeout=30).json().get("workersReady", wanted) < wanted:
        if time.monotonic() > deadline:  # the pool starts all but one worker in the background
            raise RuntimeError("the test server's query workers did not start")
        time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
