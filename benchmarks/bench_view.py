"""How long the view takes to write and to draw, and how big it is, at 500 / 2,000 / 10,000 nodes.

    .venv/bin/python benchmarks/bench_view.py [--sizes 500,2000,10000] [--no-browser]

For each size: a synthetic store (benchmarks/synthetic_view.py) is projected (entities
projection: every entity and relation), laid out and rendered to HTML; we time each step and
the whole, report the HTML size, then open the file in headless Chromium with every network
request blocked and report the time until the first draw (physics is off, so the layout is
stable from the first frame). The 10,000-node projection is drawn twice: under the default
cap (the 2,000 most central nodes) and uncapped. Targets (issue 4): 2,000 nodes written in
under 2 s, under 5 MB, interactive in under 5 s.

    .venv/bin/python benchmarks/bench_view.py --store /tmp/qscale/store-10000 --edge-caps 3000,0

With --store: the co-operation view of an existing store (e.g. one benchmarks/bench_stages.py
built from benchmarks/synth.py) under each edge cap (0: no cap), timed step by step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_view import make_synthetic_store

from kg.project import cooperation_graph, entities_graph, read_snapshot
from kg.view import DEFAULT_CAP, DEFAULT_EDGE_CAP, build_network, render_network

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def write_html(store, cap: int) -> tuple[str, dict[str, float], dict]:
    """Project, lay out and render; returns the HTML, step times and the view summary."""
    times: dict[str, float] = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    snap = read_snapshot(store)
    t1 = time.perf_counter()
    graph = entities_graph(snap)
    t2 = time.perf_counter()
    net, summary = build_network(graph, cap=cap)
    t3 = time.perf_counter()
    html = render_network(net, summary)
    t4 = time.perf_counter()
    cpu = time.process_time() - cpu0
    times.update(
        read=t1 - t0, project=t2 - t1, layout=t3 - t2, render=t4 - t3, total=t4 - t0, cpu=cpu
    )
    summary["edges"] = len(net.edges)
    return html, times, summary


def write_store_view(store_path: Path, edge_cap: int) -> tuple[str, dict[str, float], dict]:
    """The co-operation view of a built store, as `kg view` makes it, step by step."""
    from kg.store import open_store

    times: dict[str, float] = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    snap = read_snapshot(open_store(store_path))
    t1 = time.perf_counter()
    graph = cooperation_graph(snap)
    t2 = time.perf_counter()
    net, summary = build_network(graph, edge_cap=edge_cap or graph.number_of_edges())
    t3 = time.perf_counter()
    html = render_network(net, summary)
    t4 = time.perf_counter()
    times.update(
        read=t1 - t0,
        project=t2 - t1,
        layout=t3 - t2,
        render=t4 - t3,
        total=t4 - t0,
        cpu=time.process_time() - cpu0,
    )
    return html, times, summary


def store_runs(args: argparse.Namespace, browser) -> None:
    """Time the co-operation view of --store under each edge cap; one row per cap."""
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        "| edge cap | drawn nodes / edges (of) | read s | project s | select+layout s | render s "
        "| written s (CPU s) | HTML MB | first draw s | goto→ready s |"
    )
    print("|---" * 10 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for cap in (int(x) for x in args.edge_caps.split(",")):
            html, t, s = write_store_view(args.store, cap)
            path = Path(tmp) / f"view-{cap}.html"
            path.write_text(html, encoding="utf-8")
            draw = wall = float("nan")
            if browser is not None:
                draw, wall = first_draw(browser, path)
            print(
                f"| {cap or 'none'} | {s['shown']:,} / {s['edges_shown']:,} ({s['edges_total']:,}) "
                f"| {t['read']:.2f} | {t['project']:.2f} | {t['layout']:.2f} | {t['render']:.2f} "
                f"| {t['total']:.2f} ({t['cpu']:.2f}) | {path.stat().st_size / 1e6:.2f} "
                f"| {draw:.2f} | {wall:.2f} |",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def first_draw(browser, path: Path) -> tuple[float, float]:
    """Seconds from navigation start to the first frame, and wall time until then."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url == path.as_uri() else r.abort())
    start = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=600_000)
    wall = time.perf_counter() - start
    drawn = page.evaluate("window.kgFirstDraw") / 1000
    page.close()
    return drawn, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,10000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median shown)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--store", type=Path, help="an existing store: its co-operation view")
    parser.add_argument("--edge-caps", default=str(DEFAULT_EDGE_CAP), help="with --store; 0: none")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [(n, DEFAULT_CAP) for n in sizes]
    runs += [(n, n) for n in sizes if n > DEFAULT_CAP]
    browser = pw = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    if args.store is not None:
        store_runs(args, browser)
        if browser is not None:
            browser.close()
            pw.stop()
        return
    header = (
        "| nodes in graph | cap | drawn nodes / edges | read+project s | layout s | render s "
        "| written s (CPU s) | HTML MB | first draw s | goto→ready s |"
    )
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(header)
    print("|---" * 10 + "|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, cap in runs:
            store = make_synthetic_store(n)
            results = [write_html(store, cap) for _ in range(args.repeat)]
            html, _, summary = results[-1]
            med = {k: statistics.median(r[1][k] for r in results) for k in results[0][1]}
            path = Path(tmp) / f"view-{n}-{cap}.html"
            path.write_text(html, encoding="utf-8")
            size = path.stat().st_size / 1e6
            draw = wall = float("nan")
            if browser is not None:
                draws = [first_draw(browser, path) for _ in range(args.repeat)]
                draw = statistics.median(d for d, _ in draws)
                wall = statistics.median(w for _, w in draws)
            print(
                f"| {summary['total']:,} | {cap:,} | {summary['shown']:,} / {summary['edges']:,} "
                f"| {med['read'] + med['project']:.2f} | {med['layout']:.2f} "
                f"| {med['render']:.2f} | {med['total']:.2f} ({med['cpu']:.2f}) | {size:.2f} "
                f"| {draw:.2f} | {wall:.2f} |",
                flush=True,
            )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if browser is not None:
        browser.close()
        pw.stop()


if __name__ == "__main__":
    main()
