"""The per-article part of a build - check, make quads, validate, render - run in batches.

Articles are independent once the entity table is known, so a large corpus is spread over
worker processes (each given the table once); a small one runs in this process. Either way the
results are the same and come back in article order.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from kg import models
from kg.curation import Curation, Plan, _Checker, check_articles
from kg.gcpause import no_cyclic_gc
from kg.graph import make_graphs
from kg.ontology import load_ontology
from kg.outputs import Chunks, render
from kg.problems import Problem, Problems
from kg.validate import validate_graphs

PARALLEL_FROM = 64  # articles; below this, starting workers costs more than it saves
BATCH = 50  # articles sent to a worker at a time


@dataclass
class ArticleResult:
    id: str
    quads: int
    facts: int
    left_out: int
    entities: list[dict[str, object]]
    chunks: Chunks | None


@dataclass
class BatchResult:
    articles: list[ArticleResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: list[tuple[str, int | None, str]] = field(default_factory=list)


def process(plan: Plan, todo: list[tuple[Path, Path]], validate: bool, chunks: bool) -> BatchResult:
    """Check, build, validate and render some articles of the plan."""
    with no_cyclic_gc():
        return _process(plan, todo, validate, chunks)


def _process(
    plan: Plan, todo: list[tuple[Path, Path]], validate: bool, chunks: bool
) -> BatchResult:
    checker = plan.checker
    before = len(checker.problems.items), len(checker.pending)
    articles = check_articles(plan, todo)
    result = BatchResult(
        problems=checker.problems.items[before[0] :], pending=checker.pending[before[1] :]
    )
    curation = Curation(plan.root, checker.ontology, plan.entities, plan.origin, articles)
    graphs = make_graphs(curation, registry=False)
    if validate:
        messages = validate_graphs(graphs)
        result.problems += [Problem("ontology/shapes.ttl", None, m) for m in messages]
    for article in articles:
        quads = graphs[article.id]
        result.articles.append(
            ArticleResult(
                id=article.id,
                quads=len(quads),
                facts=len(article.facts),
                left_out=article.left_out,
                entities=[
                    e.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                    for e in article.entities
                ],
                chunks=render(quads) if chunks else None,
            )
        )
    return result


_WORKER_PLAN: Plan | None = None


def _start_worker(
    root: Path,
    include_drafts: bool,
    entities: dict[str, models.Entity],
    origin: dict[str, str],
    complete: bool,
) -> None:
    global _WORKER_PLAN
    checker = _Checker(root, load_ontology(), Problems())
    checker.entities = entities
    checker.complete = complete
    _WORKER_PLAN = Plan(root, include_drafts, checker, origin, [])
    gc.freeze()  # the entity table lives as long as the worker: keep it out of every collection


def _work(todo: list[tuple[Path, Path]], validate: bool, chunks: bool) -> BatchResult:
    assert _WORKER_PLAN is not None
    result = process(_WORKER_PLAN, todo, validate, chunks)
    gc.collect()  # what the batch left in cycles (the plan itself is frozen: a short pass)
    return result


def run(plan: Plan, validate: bool = True, chunks: bool = True) -> Iterator[BatchResult]:
    """Process every article of the plan, in worker processes when there are many."""
    if len(plan.todo) < PARALLEL_FROM:
        yield process(plan, plan.todo, validate, chunks)
        return
    batches = [plan.todo[i : i + BATCH] for i in range(0, len(plan.todo), BATCH)]
    args = (plan.root, plan.include_drafts, plan.entities, plan.origin, plan.checker.complete)
    with ProcessPoolExecutor(os.cpu_count() or 1, initializer=_start_worker, initargs=args) as pool:
        n = len(batches)
        yield from pool.map(_work, batches, [validate] * n, [chunks] * n)
