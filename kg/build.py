"""`kg build`: curation -> checked model -> RDF quads -> SHACL -> files and embedded store.

Nothing under the output directory changes unless every stage succeeds: files are staged and
renamed into place at the end, so a failed build leaves the previous outputs untouched.

Builds are incremental: each graph's output pieces are cached under ``build/cache`` with a
digest of their inputs, so after editing one article only that article is re-checked,
rebuilt, re-validated and re-rendered, and only its named graph is replaced in the store.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad

from kg import __version__, derived, entity_table, models, pipeline
from kg.atomic import Sweeper, write_bytes
from kg.buildlock import exclusive
from kg.cache import BuildCache, CachedGraph, code_digest, sha256
from kg.curation import Curation, Paths, Plan, draft_problems, plan_from_table, plan_project
from kg.graph import make_graphs
from kg.outputs import (
    OUTPUTS,
    Previous,
    as_described,
    commit,
    describe,
    discard,
    render,
    write_outputs,
)
from kg.pipeline import ArticleResult
from kg.problems import CurationError, Problem
from kg.store import StoreLoader, replace_graphs, write_store
from kg.validate import validate_graphs

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build made and how long each stage took."""

    out: Path
    graphs: dict[str, int] = field(default_factory=dict)  # graph name -> quads
    rebuilt: list[str] = field(default_factory=list)  # graphs made afresh (not from the cache)
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # article -> suggested items skipped

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())


def check_shapes(graphs: dict[str, list[Quad]]) -> None:
    """Raise CurationError listing every SHACL violation in any graph."""
    messages = validate_graphs(graphs)
    if messages:
        raise CurationError([Problem("ontology/shapes.ttl", None, m) for m in messages])


@dataclass
class CheckSummary:
    """What `kg check` found in a project that passed."""

    entities: int
    articles: int
    facts: int
    pending: list[tuple[str, int | None, str]]


def _registry_curation(plan: Plan) -> Curation:
    return Curation(plan.root, plan.checker.ontology, plan.entities, plan.origin, [])


def _run(
    plan: Plan,
    validate: bool,
    chunks: bool,
    keep: Callable[[ArticleResult], None] | None = None,
) -> list[ArticleResult]:
    """The per-article work of the plan; raise CurationError with every problem found.
    ``keep`` takes each result's rendered pieces as it arrives (they are not kept here)."""
    results: list[ArticleResult] = []
    problems = list(plan.problems.items)
    for batch in pipeline.run(plan, validate, chunks):
        for result in batch.articles:
            if keep:
                keep(result)
                result.chunks = None
            results.append(result)
        problems.extend(batch.problems)
        plan.checker.pending.extend(batch.pending)
    plan.problems.items = problems
    draft_problems(plan)
    plan.problems.raise_if_any()
    return results


def check_project(root: Path, include_drafts: bool = False) -> CheckSummary:
    """Everything `kg build` checks (curation rules and SHACL), writing nothing."""
    plan = plan_project(root, include_drafts)
    results = _run(plan, validate=True, chunks=False)
    check_shapes(make_graphs(_registry_curation(plan)))
    facts = sum(r.facts for r in results)
    return CheckSummary(len(plan.entities), len(results), facts, plan.checker.pending)


@dataclass(frozen=True)
class _Inputs:
    """Digests of the files a build reads, taken before anything is parsed."""

    shared: str  # code, ontology, shapes, registry, options
    articles: dict[str, str]  # article id -> digest of the shared inputs, its text and curation
    stats: dict[str, list[object]]  # article id -> file sizes, mtimes and their own digest


def _scan(root: Path, include_drafts: bool, known: dict[str, list[object]]) -> _Inputs:
    """Digest every input; an article file pair whose sizes and mtimes match the last build's
    is not read again (as git's index does), unless it changed too recently to tell."""
    paths = Paths(root)
    registry = paths.registry.read_bytes() if paths.registry.exists() else b""
    options = json.dumps({"drafts": include_drafts, "version": __version__})
    shared = sha256(f"{code_digest()}\0{sha256(registry)}\0{options}".encode())
    articles, stats = {}, {}
    settled = time.time_ns() - 2_000_000_000
    # plain strings and os.stat: pathlib's objects were half of this at 10,000 articles
    texts, curations = os.fspath(paths.articles), os.fspath(paths.curation)
    try:
        names = sorted(n for n in os.listdir(texts) if n.endswith(".txt"))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    for name in names:
        stem = name[:-4]
        text, curation = f"{texts}/{name}", f"{curations}/{stem}.yaml"
        try:
            a, b = os.stat(text), os.stat(curation)
        except FileNotFoundError:
            continue
        stamp: list[object] = [a.st_size, a.st_mtime_ns, b.st_size, b.st_mtime_ns]
        previous = known.get(stem)
        if previous and previous[:4] == stamp and max(a.st_mtime_ns, b.st_mtime_ns) < settled:
            own = str(previous[4])
        else:
            own = sha256((sha256(_read(text)) + sha256(_read(curation))).encode())
        stats[stem] = [*stamp, own]
        articles[stem] = sha256(f"{shared}\0{own}".encode())
    return _Inputs(shared, articles, stats)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _entity_digest(plan: Plan, shared: str) -> str:
    """Digest of every entity definition: the registry's are covered by ``shared`` (its bytes),
    so only the article-local ones are written out."""
    rows = [
        [eid, plan.origin[eid], plan.entities[eid].model_dump(mode="json")]
        for eid in sorted(plan.entities)
        if plan.origin[eid] != "registry"
    ]
    return sha256((shared + json.dumps(rows, sort_keys=True)).encode())


def build_project(
    root: Path,
    out: Path | None = None,
    include_drafts: bool = False,
    validate: bool = True,
    store: bool = True,
    incremental: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build everything under ``root`` into ``out`` (default ``root/build``); one build at a
    time per ``out`` (kg.buildlock)."""
    out = out or root / "build"
    with exclusive(out):
        return _build(root, out, include_drafts, validate, store, incremental, progress)


def _build(
    root: Path,
    out: Path,
    include_drafts: bool,
    validate: bool,
    store: bool,
    incremental: bool,
    progress: Progress | None,
) -> BuildReport:
    report = BuildReport(out)

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        if progress:
            progress(name)
        start = time.perf_counter()
        yield
        report.timings[name] = report.timings.get(name, 0.0) + time.perf_counter() - start

    cache = BuildCache.load(out / "cache") if incremental else BuildCache(out / "cache")
    with stage("scan inputs"):
        inputs = _scan(root, include_drafts, cache.stats)
        unchanged = {a for a, digest in inputs.articles.items() if cache.valid(a, digest)}
    with stage("load entities"):
        plan, key = _plan_from_table(root, include_drafts, inputs, unchanged, cache)
    if plan is None:
        plan, key, unchanged = _plan(root, include_drafts, inputs, unchanged, cache, stage)
    job = _Job(out, validate, store, cache, inputs, plan, key, unchanged, report, stage)
    try:
        return _produce(job)
    except BaseException:
        cache.discard_staged()  # the pieces this build staged in the cache
        raise


def _plan_from_table(
    root: Path, include_drafts: bool, inputs: _Inputs, unchanged: set[str], cache: BuildCache
) -> tuple[Plan | None, str]:
    """The plan from the last build's entity table (kg.entity_table), when no entity
    definition changed since; the digest of every definition is then the last build's."""
    if not unchanged or not cache.valid("registry", inputs.shared):
        return None, ""
    table = entity_table.load(cache.folder, cache.key)
    if table is None:
        return None, ""
    only = set(inputs.articles) - unchanged
    return plan_from_table(root, include_drafts, only, *table), cache.key


def _plan(
    root: Path,
    include_drafts: bool,
    inputs: _Inputs,
    unchanged: set[str],
    cache: BuildCache,
    stage: Callable[[str], AbstractContextManager[None]],
) -> tuple[Plan, str, set[str]]:
    """The plan from every entity definition read from the files; after a change to any of
    them, every article is planned (any might be affected)."""
    with stage("load entities"):
        known = {
            str(e["id"]): (models.Entity.model_validate(e), name)
            for name in unchanged
            for e in cache.graphs[name].entities
        }
        plan = plan_project(
            root, include_drafts, only=set(inputs.articles) - unchanged, known=known
        )
        key = _entity_digest(plan, inputs.shared)
        if unchanged and key != cache.key:  # an entity changed: every article may be affected
            unchanged = set()
            plan = plan_project(root, include_drafts)
    return plan, key, unchanged


@dataclass
class _Job:
    """What `build_project` planned, handed to `_produce`."""

    out: Path
    validate: bool
    store: bool
    cache: BuildCache
    inputs: _Inputs
    plan: Plan
    key: str
    unchanged: set[str]
    report: BuildReport
    stage: Callable[[str], AbstractContextManager[None]]


def _produce(job: _Job) -> BuildReport:
    """Check, build, validate and render what changed, then write every output and the store."""
    loading = _Loading(job.out / "store", enabled=job.store and not job.unchanged)
    try:
        return _produce_with(job, loading)
    except BaseException:
        loading.abort()
        raise


@dataclass
class _Loading:
    """The new store of a full build, loaded as the graphs are rendered (kg.store.StoreLoader).

    Started at the first graph, when the worker processes already exist (see StoreLoader)."""

    path: Path
    enabled: bool
    loader: StoreLoader | None = None

    def feed(self, nquads: bytes) -> None:
        if self.enabled:
            if self.loader is None:
                self.loader = StoreLoader(self.path)
            self.loader.feed(nquads)

    def close(self, last: bytes) -> None:
        """Feed the last graph; the loader then compacts the store while the build goes on."""
        if self.loader is not None:
            self.loader.feed(last)
            self.loader.close()

    def finish(self) -> bool:
        """Swap the loaded store in; False when no load was started."""
        if self.loader is None:
            return False
        self.loader.finish()
        self.loader = None
        return True

    def abort(self) -> None:
        if self.loader is not None:
            self.loader.abort()
            self.loader = None


def _produce_with(job: _Job, loading: _Loading) -> BuildReport:
    out, cache, inputs, report, stage = job.out, job.cache, job.inputs, job.report, job.stage

    def keep(result: ArticleResult) -> None:
        assert result.chunks is not None
        record = CachedGraph(
            inputs.articles[result.id], result.quads, result.entities, result.left_out
        )
        cache.stage(result.id, result.chunks, record)
        loading.feed(result.chunks.nquads)

    with stage("check, build, validate and render articles"):
        results = _run(job.plan, job.validate, chunks=True, keep=keep)
    with stage("registry graph"):
        if not (job.unchanged and cache.valid("registry", inputs.shared)):
            quads = make_graphs(_registry_curation(job.plan))["registry"]
            if job.validate:
                check_shapes({"registry": quads})
            chunks = render(quads)
            cache.stage("registry", chunks, CachedGraph(inputs.shared, len(quads)))
            loading.feed(chunks.nquads)
            results_names = ["registry"]
        else:
            results_names = []
    results_names += [result.id for result in results]
    names = ["registry", *sorted(a for a in inputs.articles)]
    every = [*names, derived.NAME]  # the derived graph is recomputed from the others' summaries
    report.graphs = {name: cache.graphs[name].quads for name in every if name in cache.graphs}
    report.rebuilt = sorted(results_names)
    report.left_out = {n: cache.graphs[n].left_out for n in names if cache.graphs[n].left_out}

    current = [out / o.filename for o in OUTPUTS] + [
        out / "manifest.json",
        out / "store" / "CURRENT",
    ]
    if (
        not results_names
        and set(cache.graphs) == set(every)
        and all(p.exists() for p in current)
        and as_described(out, cache.outputs)  # not changed since (by hand, say)
    ):
        with stage("nothing changed"):  # every output already holds exactly these graphs
            _keep_table(job)
            cache.commit(job.key, set(every), inputs.stats, cache.outputs)
        report.files = {p.name: p for p in current[:-1]} | {"store": out / "store"}
        return report

    step = derived.Step(cache, report.timings)
    writer = _OutputWriter(out, cache, step, names)  # on a thread while the derived graph is made
    try:
        step.prepare(names)
        loading.close(last=step.new)  # the derived graph last; compacted while outputs are written
        with stage("write outputs"):
            temps = writer.finish()
    except BaseException:
        writer.abort()
        raise
    report.graphs[derived.NAME] = cache.graphs[derived.NAME].quads
    sweeper = Sweeper()
    try:
        if job.store:
            with stage("load store"):
                if not loading.finish():
                    nquads, rebuilt = temps["kg.nq"], set(results_names)
                    fresh = not job.unchanged
                    _update_store(out / "store", cache, every, rebuilt, nquads, fresh, step)
            report.files["store"] = out / "store"
        manifest = {
            "kg_version": __version__,
            "graphs": report.graphs,
            "quads": report.quads,
            "left_out": report.left_out,
            "outputs": sorted(o.filename for o in OUTPUTS),
        }
        with stage("rename into place"):
            sweeper.delete(commit(out, temps))  # the replaced files, freed meanwhile
            text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
            write_bytes(out / "manifest.json", text.encode())
            _keep_table(job)
            cache.commit(job.key, set(every), inputs.stats, describe(out, every))
        with stage("delete replaced outputs"):
            sweeper.wait()
    except BaseException:
        discard(temps)
        raise
    finally:
        sweeper.wait()
    for output in OUTPUTS:
        report.files[output.filename] = out / output.filename
    report.files["manifest.json"] = out / "manifest.json"
    return report


def _keep_table(job: _Job) -> None:
    """Keep the entity table for the next build, unless it is the one kept already."""
    if not isinstance(job.plan.entities, entity_table.EntityTable):
        entity_table.save(job.cache.folder, job.key, job.plan.entities, job.plan.origin)


class _OutputWriter:
    """The output files, written on a thread while the main one computes the derived graph
    (which comes last in every file: kg.derived.Step.made waits for it).

    The pieces of a graph this build did not rebuild are copied from the last build's files
    when those are still as it left them (kg.outputs.Previous): after one article changed,
    ~1 GB is copied by the kernel, with the interpreter's lock released, rather than read
    and written here. Without such files, or when every graph was rebuilt, everything is read
    from the cache and written in Python, which would compete with the derived graph for the
    interpreter: the files are then written after it, on the calling thread."""

    def __init__(self, out: Path, cache: BuildCache, step: derived.Step, names: list[str]):
        self.out = out
        self.temps: dict[str, Path] | None = None
        self.error: BaseException | None = None
        self.previous = Previous.open(out, cache.outputs, cache.committed_pieces())
        reuse = None
        if self.previous is not None:
            written, starts = cache.written, self.previous.starts

            def reuse(name: str) -> bool:
                return name not in written and name in starts

            if not any(reuse(name) for name in names):  # every graph rebuilt: a full build
                self.previous.close()
                self.previous, reuse = None, None
        self.step = step
        self.pieces = step.stream(names, reuse)
        self.thread: threading.Thread | None = None
        if self.previous is not None:
            self.thread = threading.Thread(target=self._write, name="kg-outputs", daemon=True)
            self.thread.start()

    def _write(self) -> None:
        try:
            self.temps = write_outputs(self.out, self.pieces, self.previous, self.step.made)
        except BaseException as err:  # handed on by finish()
            self.error = err
        finally:
            if self.previous is not None:
                self.previous.close()

    def finish(self) -> dict[str, Path]:
        """The staged files, once written (the derived graph made: Step.prepare has ended)."""
        if self.thread is None:
            self._write()  # nothing to copy: every piece is read and written here
        else:
            self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.temps is not None
        return self.temps

    def abort(self) -> None:
        """Wait for the thread (it stops at the derived graph if that was not made) and
        remove what it wrote."""
        if self.thread is not None:
            self.thread.join()
        if self.temps is not None:
            discard(self.temps)
            self.temps = None


def _update_store(
    path: Path,
    cache: BuildCache,
    names: list[str],
    rebuilt: set[str],
    nquads: Path,
    fresh: bool,
    step: derived.Step,
) -> None:
    """Replace only the rebuilt graphs in an existing store (and what changed in the derived
    graph); otherwise load a new one."""
    if not fresh and (path / "CURRENT").exists():
        replace_graphs(path, {n: cache.chunks(n).nquads for n in sorted(rebuilt)}, keep=set(names))
        step.update_store(path)
    else:
        write_store(nquads, path)
