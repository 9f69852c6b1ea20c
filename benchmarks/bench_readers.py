"""What `kg analyze` and `kg view` spend before drawing: reading a store, projecting, betweenness.

    .venv/bin/python benchmarks/bench_readers.py --store /tmp/qscale/store-10000 [--against main]

On one existing store (opened read-only), in one process, one after the other: read_snapshot
(with and without the evidence sentences), the co-operation projection and betweenness on it.
With --against REV the same steps also run on kg/project.py and kg/analyze.py as they are at
that git revision (loaded from `git show`, alternating with this checkout's, so both see the
same load), and the snapshots are checked to be equal. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load_revision(rev: str, folder: Path) -> tuple[ModuleType, ModuleType]:
    """kg.project and kg.analyze as they were at `rev`, as modules named rev_project/_analyze."""
    mods = []
    for name in ("project", "analyze"):
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:kg/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        path = folder / f"rev_{name}.py"
        path.write_text(text.replace("from kg.project import", "from rev_project import"))
        mods.append(path)
    sys.path.insert(0, str(folder))
    loaded = []
    for path in mods:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        loaded.append(module)
    return loaded[0], loaded[1]


def timed(rows: list[list[str]], code: str, step: str, func: Callable[[], Any]) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    result = func()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rows.append([code, step, f"{wall:.2f} s", f"{cpu:.2f} s", f"{os.getloadavg()[0]:.1f}"])
    print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    return result


def _facts(snap: Any) -> list[tuple]:
    return [(f.s, f.p, f.o, f.article, f.quotes) for f in snap.facts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--against", help="a git revision to compare with, e.g. main")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from kg import analyze, project
    from kg.store import open_store

    store = open_store(args.store)
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        old = load_revision(args.against, Path(tmp)) if args.against else None
        if old is not None:
            before = timed(rows, args.against, "read_snapshot", lambda: old[0].read_snapshot(store))
        snap = timed(rows, "this", "read_snapshot", lambda: project.read_snapshot(store))
        timed(
            rows,
            "this",
            "read_snapshot(evidence=False), as kg analyze",
            lambda: project.read_snapshot(store, evidence=False),
        )
        if old is not None:
            same = _facts(before) == _facts(snap) and before.posts == snap.posts
            print(f"same snapshot as {args.against}: {same}", file=sys.stderr)
            graph = timed(
                rows,
                args.against,
                "cooperation projection",
                lambda: old[0].cooperation_graph(before),
            )
        graph = timed(
            rows, "this", "cooperation projection", lambda: project.cooperation_graph(snap)
        )
        result = timed(rows, "this", "betweenness", lambda: analyze.betweenness(graph))
    how = f"sampled, k={result.sampled_k}" if result.sampled_k else "exact"
    print(
        f"\n{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges; betweenness {how}"
    )
    print("\n| code | step | wall | CPU | load |\n|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
