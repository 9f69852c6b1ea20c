"""How long `kg serve` takes to answer its first query on an existing store.

The store is opened, not re-parsed; what remains is Python start-up, imports and the first query
worker. Each run is a fresh process, timed from spawn to the first answered request.

    python benchmarks/bench_serve_start.py [--store build/store] [--runs 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_to_first_answer(store: Path) -> float:
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"
    kg = Path(sys.executable).with_name("kg")
    argv = [str(kg), "serve", "--port", str(port), "--store", str(store)]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = start + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    response.read()
                return time.perf_counter() - start
            except OSError:
                time.sleep(0.02)
        raise SystemExit("kg serve did not answer within 60 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("build/store"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = [time_to_first_answer(args.store) for _ in range(args.runs)]
    print(f"kg serve on {args.store}: first answer after {statistics.median(times):.2f} s median")
    print(f"  runs: {', '.join(f'{t:.2f}' for t in times)} s (target < 2 s)")


if __name__ == "__main__":
    main()
