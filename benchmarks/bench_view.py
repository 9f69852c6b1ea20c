"""How long the view takes to write and to draw, and how big it is, at 500 / 2,000 / 10,000 nodes.

    .venv/bin/python benchmarks/bench_view.py [--sizes 500,2000,10000] [--no-browser]

For each size: a synthetic store (benchmarks/synthetic_view.py) is projected (entities
projection: every entity and relation), laid out and rendered to HTML; we time each step and
the whole, report the HTML size, then open the file in headless Chromium with every network
request blocked and report the time until the first draw (physics is off, so the layout is
stable from the first frame). The 10,000-node projection is drawn twice: under the default
cap (the 2,000 most central nodes) and uncapped. Targets (issue 4): 2,000 nodes written in
under 2 s, under 5 MB, interactive in under 5 s.
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

from kg.project import entities_graph, read_snapshot
from kg.view import DEFAULT_CAP, build_network, render_network

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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [(n, DEFAULT_CAP) for n in sizes]
    runs += [(n, n) for n in sizes if n > DEFAULT_CAP]
    browser = pw = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
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
