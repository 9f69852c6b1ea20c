"""Throughput and latency of `kg serve` on loopback with concurrent clients.

Starts `kg serve` as a user would (a separate process on a free port over the built store),
waits for /health, then runs N client threads, each with its own keep-alive connection, for a
fixed time per endpoint. Prints requests/s and per-request latency (median, p95).

    python benchmarks/bench_server.py [--store build/store] [--clients 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

CASES = {
    "named query countries-at-event (JSON)": (
        "GET",
        "/queries/countries-at-event?event=almaty-workshop-2011",
        None,
    ),
    "SPARQL GET ASK": (
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
        None,
    ),
    "SPARQL POST countries (JSON)": (
        "POST",
        "/sparql",
        urllib.parse.urlencode(
            {"query": "SELECT ?c ?l WHERE { ?c a kg:Country ; rdfs:label ?l } ORDER BY ?l"}
        ),
    ),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(port: int, method: str, path: str, body: str | None, stop: float, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept": "application/sparql-results+json"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    latencies, errors = [], 0
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - t0)
        if response.status != 200:
            errors += 1
    conn.close()
    out.append((latencies, errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/store"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4, help="kg serve --workers")
    args = parser.parse_args()
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen(
        [
            str(kg),
            "serve",
            "--port",
            str(port),
            "--store",
            str(args.store),
            "--workers",
            str(args.workers),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("kg serve did not start")
            time.sleep(0.2)
        print(
            f"kg serve --workers {args.workers}; {args.clients} clients; "
            f"{args.seconds:g} s per case; {os.cpu_count()} CPUs"
        )
        print("| case | requests/s | median ms | p95 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        for name, (method, path, body) in CASES.items():
            out: list = []
            stop = time.perf_counter() + args.seconds
            threads = [
                threading.Thread(target=client, args=(port, method, path, body, stop, out))
                for _ in range(args.clients)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - start
            latencies = sorted(x for lat, _ in out for x in lat)
            errors = sum(e for _, e in out)
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            print(
                f"| {name} | {len(latencies) / elapsed:.0f} | "
                f"{statistics.median(latencies) * 1000:.1f} | {p95 * 1000:.1f} | {errors} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
