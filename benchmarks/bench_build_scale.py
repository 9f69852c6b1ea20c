"""A full `kg build` of a large corpus: wall time, CPU time, stage times and peak memory of the
whole process tree (the build and its worker processes), optionally side by side with an
earlier version of kg checked out from git.

Memory is the sum of the proportional set size (PSS) of the build process and its workers,
sampled every 0.5 s from /proc (sampling more often slowed the build measurably): pages the
forked workers share with the parent are counted once, which the largest single RSS would
not show and a sum of RSS would count several times. Runs of the two versions alternate, so
their ratio holds on a noisy machine.

    python benchmarks/synth.py --articles 10000 --seed 1 --out /tmp/kg-10000
    python benchmarks/bench_build_scale.py --project /tmp/kg-10000 --runs 2 [--compare ffbee66]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = (  # runs in the output folder, so `python -c` cannot import kg from the current folder
    "import json, sys; sys.path.insert(0, sys.argv[3]); from pathlib import Path; "
    "from kg.build import build_project; "
    "r = build_project(Path(sys.argv[1]), Path(sys.argv[2]), incremental=False); "
    "print(json.dumps({'timings': r.timings, 'quads': r.quads}))"
)


def tree(pid: int) -> list[int]:
    """The process and every descendant still running."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return found


def pss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def build_once(code: Path, project: Path) -> dict[str, object]:
    """One full build by the kg package found in ``code``, in a fresh output folder."""
    out = Path(tempfile.mkdtemp(prefix="kg-bench-build-"))  # a fresh build every time
    peak = 0.0
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(project.resolve()), str(out), str(code)],
        cwd=out,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.5):  # reading smaps_rollup is not free: sample twice a second
            peak = max(peak, pss_mib(tree(proc.pid)))

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    stdout = proc.stdout.read().decode() if proc.stdout else ""
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    shutil.rmtree(out, ignore_errors=True)
    if status != 0:
        raise SystemExit(f"build by {code} failed:\n{stderr[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,  # includes the workers the build waited for
        "largest_rss_mib": usage.ru_maxrss / 1024,
        "peak_pss_mib": peak,
        **result,
    }


def checkout(rev: str) -> Path:
    """The package as it was at ``rev`` (a temporary git worktree)."""
    path = Path(tempfile.mkdtemp(prefix=f"kg-{rev}-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), rev],
        check=True,
        capture_output=True,
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True, help="a project folder (seeds/)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--compare", help="also build with kg at this git revision")
    args = parser.parse_args()

    versions = {"this checkout": ROOT}
    if args.compare:
        versions[args.compare] = checkout(args.compare)
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in versions}
    try:
        for i in range(args.runs):
            for name, code in versions.items():
                result = build_once(code, args.project)
                runs[name].append(result)
                print(
                    f"run {i + 1} {name}: wall {result['wall']:.1f} s, "
                    f"CPU {result['cpu']:.1f} s, peak PSS {result['peak_pss_mib']:.0f} MiB",
                    flush=True,
                )
    finally:
        if args.compare:
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "remove",
                    "--force",
                    str(versions[args.compare]),
                ],
                check=False,
            )

    print(
        f"\nfull build of {args.project} ({runs['this checkout'][0]['quads']:,} quads), "
        f"median of {args.runs}, nproc={os.cpu_count()}\n"
    )
    print("| version | wall s | CPU s | peak PSS of the tree MiB | largest RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for name, results in runs.items():
        med = {
            k: statistics.median(float(r[k]) for r in results)
            for k in ("wall", "cpu", "peak_pss_mib", "largest_rss_mib")
        }  # type: ignore[arg-type]
        print(
            f"| {name} | {med['wall']:.1f} | {med['cpu']:.1f} | {med['peak_pss_mib']:.0f} | "
            f"{med['largest_rss_mib']:.0f} |"
        )
    print("\nstage times (s), median:\n")
    stages = list(runs["this checkout"][0]["timings"])  # type: ignore[arg-type]
    print("| stage | " + " | ".join(runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for stage in stages:
        cells = []
        for results in runs.values():
            values = [r["timings"].get(stage) for r in results]  # type: ignore[union-attr]
            cells.append(f"{statistics.median(values):.1f}" if None not in values else "–")
        print(f"| {stage} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
