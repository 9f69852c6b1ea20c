"""Benchmark `kg suggest`: recall and precision per kind against the curated seeds, and the
time to add one article and rebuild.

    .venv/bin/python benchmarks/bench_suggest.py

The rules were written while reading these same five seed articles, so these figures are an
upper bound on what to expect from new articles, not a held-out measurement.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import build_project  # noqa: E402
from kg.ingest import add_article  # noqa: E402
from kg.suggest import write_draft  # noqa: E402
from kg.suggest_eval import evaluate  # noqa: E402

NEW_ARTICLE = "\n".join(
    [
        "OSCE Centre in Astana trains Kazakh police on victim identification",
        "The OSCE Centre in Astana organized a training course for 30 police officers "
        "on 12 May 2016 in Astana.",
        "“Victims must be identified early,” said Natalia Zhukova, National Programme Officer "
        "at the OSCE Centre in Astana.",
    ]
)


def accuracy() -> None:
    for use_registry in (False, True):
        scores = evaluate(ROOT, use_registry=use_registry)
        label = "full registry" if use_registry else "empty registry"
        print(f"\n{label}: kind, recall (found/curated), precision (correct/suggested)")
        for kind, s in scores.items():
            print(
                f"  {kind:13} recall {s.recall:6.1%} ({s.found}/{s.gold})   "
                f"precision {s.precision:6.1%} ({s.correct}/{s.suggested})   "
                f"duplicates {s.duplicates}"
            )
            if s.missed:
                print(f"      missed: {', '.join(s.missed)}")
            if s.wrong:
                print(f"      not curated: {', '.join(s.wrong)}")


def add_and_rebuild(runs: int = 5) -> None:
    stages: dict[str, list[float]] = {"add": [], "suggest": [], "rebuild": [], "total": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            shutil.copytree(ROOT / "seeds", root / "seeds")
            (root / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            build_project(root)  # the previous build exists, as it would for a curator
            t0 = time.perf_counter()
            added = add_article(root / "new.txt", root)
            t1 = time.perf_counter()
            target, _, text = write_draft(root, added.article_id)
            t2 = time.perf_counter()
            assert target is not None
            target.write_text(text.replace("    suggested: true\n", ""), encoding="utf-8")
            report = build_project(root)
            t3 = time.perf_counter()
            assert added.article_id in report.graphs
            for name, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                stages[name].append(value)
    print(f"\nadd one article, suggest, accept every suggestion, rebuild (6 articles); {runs} runs")
    for name, values in stages.items():
        print(f"  {name:8} median {statistics.median(values):.2f} s   max {max(values):.2f} s")


if __name__ == "__main__":
    accuracy()
    add_and_rebuild()
