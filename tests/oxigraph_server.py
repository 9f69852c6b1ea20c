"""A real Oxigraph server (the `oxigraph` PyPI package) on a free loopback port, for tests and
benchmarks: started on a directory, stopped (or killed) by whoever started it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from kg.remote import Auth, Endpoint, endpoint_for


def oxigraph_binary() -> str:
    """The `oxigraph` executable installed beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is not installed: pip install -e '.[test]'")
    return found


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OxigraphServer:
    """`oxigraph serve` on a directory; restartable on the same data after a kill."""

    def __init__(self, location: Path, timeout_s: int = 10) -> None:
        self.location = location
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, auth: Auth | None = None, **options: object) -> Endpoint:
        """The server's endpoint as `kg push --store-kind oxigraph` derives it."""
        return endpoint_for("oxigraph", self.base, auth=auth, **options)  # type: ignore[arg-type]

    def start(self) -> OxigraphServer:
        self.port = free_port()
        command = [
            oxigraph_binary(),
            "serve",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout-s",
            str(self.timeout_s),
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/query?query=ASK%7B%7D", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph serve did not answer within 20 s")

    def kill(self) -> None:
        """Stop the server abruptly, as a crash or a pulled cable would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
