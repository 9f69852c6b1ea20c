"""Every stage of kg side by side, at one corpus size: wall time and peak memory.

    python benchmarks/bench_stages.py --articles 1000            # generate (cached) and measure
    python benchmarks/bench_stages.py --project path/to/project  # measure an existing project

Each stage runs in its own child process, so its peak memory is that process's ``ru_maxrss``
(tracemalloc cannot see pyoxigraph's or RocksDB's native allocations). A stage does its set-up
(reading what the earlier stage produced) before the clock starts; "peak" is the whole child's
high-water mark including that set-up, "added" is how much the timed part raised it. Named
queries are timed as median and p95 over repeated runs on the built pyoxigraph store, and on
rdflib's in-memory Dataset as a reference column. A stage whose kg module is not there yet is
reported as "not available" rather than stopping the run.

The table is printed (rich) and written as Markdown (``--markdown``) for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


class NotAvailable(Exception):
    """The kg module (or function) a stage measures does not exist in this checkout."""


def need(module: str, *names: str) -> Any:
    """Import ``module`` (and check ``names`` on it) or raise NotAvailable."""
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise NotAvailable(f"{module} not available ({exc.name} missing)") from exc
    for name in names:
        if not hasattr(mod, name):
            raise NotAvailable(f"{module}.{name} not available")
    return mod


# ---------------------------------------------------------------- measurement in the child


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """High-water resident set size in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


@dataclass
class Ctx:
    """What a stage gets: the project, the built outputs, and the clock."""

    project: Path
    build: Path
    scratch: Path
    repeat: int
    profile: Path | None
    query_timeout: float = 60.0
    seconds: float | None = None
    cpu: float | None = None
    rss_before: float = 0.0
    note: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)

    @contextmanager
    def timed(self) -> Iterator[None]:
        """The measured part of a stage (set-up before it is not counted in seconds)."""
        self.rss_before = _rss_mb()
        profiler = None
        if self.profile is not None:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.005)
            profiler.start()
        cpu_start = _cpu_seconds()
        start = time.perf_counter()
        yield
        self.seconds = time.perf_counter() - start
        self.cpu = _cpu_seconds() - cpu_start
        if profiler is not None:
            profiler.stop()
            self.profile.mkdir(parents=True, exist_ok=True)
            (self.profile / "profile.txt").write_text(profiler.output_text(color=False))
            (self.profile / "profile.html").write_text(profiler.output_html())


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (SHACL workers).

    On a shared machine wall time depends on what else runs; CPU time much less so."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _curation(ctx: Ctx) -> Any:
    return need("kg.curation", "load_project").load_project(ctx.project)


def _graphs(ctx: Ctx) -> dict[str, Any]:
    return need("kg.build", "make_graphs").make_graphs(_curation(ctx))


def _quads(graphs: dict[str, Any]) -> list[Any]:
    return [q for name in graphs for q in graphs[name]]


def _store(ctx: Ctx) -> Any:
    return need("kg.store", "open_store").open_store(ctx.build / "store")


# ---------------------------------------------------------------- the stages


def stage_full_build(ctx: Ctx) -> None:
    """`kg build` from scratch as a user runs it: every stage, all outputs, in one process."""
    build = need("kg.build", "build_project")
    shutil.rmtree(ctx.build, ignore_errors=True)
    with ctx.timed():
        report = build.build_project(ctx.project, ctx.build, incremental=False)
    ctx.note = f"{len(report.graphs):,} graphs, {report.quads:,} quads"
    ctx.rows = [{"stage": k, "seconds": v} for k, v in report.timings.items()]


def _one_article(ctx: Ctx) -> Path:
    curations = sorted((ctx.project / "seeds" / "curation").glob("*.yaml"))
    if not curations:
        raise NotAvailable("the project has no curation files")
    return curations[len(curations) // 2]


def stage_rebuild_one(ctx: Ctx) -> None:
    """`kg build` again after one article's curation changed (incremental rebuild)."""
    build = need("kg.build", "build_project")
    if not (ctx.build / "store").exists():
        raise NotAvailable("needs the full build first")
    path = _one_article(ctx)
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"# touched by bench_stages.py\n")
        with ctx.timed():
            report = build.build_project(ctx.project, ctx.build)
    finally:
        path.write_bytes(original)
    rebuilt = getattr(report, "rebuilt", None)
    count = len(rebuilt) if rebuilt is not None else "?"
    ctx.note = f"rebuilt {count} of {len(report.graphs):,} graphs"
    ctx.rows = [{"stage": k, "seconds": v} for k, v in report.timings.items()]


def stage_rebuild_none(ctx: Ctx) -> None:
    """`kg build` again with nothing changed (first restoring the touched article's graph)."""
    build = need("kg.build", "build_project")
    if not (ctx.build / "store").exists():
        raise NotAvailable("needs the full build first")
    build.build_project(ctx.project, ctx.build)  # bring the build back in step with the seeds
    with ctx.timed():
        report = build.build_project(ctx.project, ctx.build)
    ctx.note = f"rebuilt {len(getattr(report, 'rebuilt', []))} graphs"


def stage_curation(ctx: Ctx) -> None:
    """Read and check every YAML file and locate every evidence quote (one process)."""
    curation = need("kg.curation", "load_project")
    with ctx.timed():
        cur = curation.load_project(ctx.project)
    facts = sum(len(a.facts) for a in cur.articles)
    ctx.note = f"{len(cur.articles):,} articles, {len(cur.entities):,} entities, {facts:,} facts"


def stage_graphs(ctx: Ctx) -> None:
    """Graph construction: the checked curation to sorted quads per named graph."""
    build = need("kg.build", "make_graphs")
    cur = _curation(ctx)
    with ctx.timed():
        graphs = build.make_graphs(cur)
    ctx.note = f"{sum(len(g) for g in graphs.values()):,} quads in {len(graphs):,} graphs"


def stage_shacl(ctx: Ctx) -> None:
    """pySHACL over every named graph, in this one process (the build spreads the same work
    over kg.pipeline's worker processes, one per core)."""
    validate = need("kg.validate", "validate_graphs")
    graphs = _graphs(ctx)
    with ctx.timed():
        messages = validate.validate_graphs(graphs)
    ctx.note = f"{len(messages)} violations, one process"


def stage_render(ctx: Ctx) -> None:
    """Serialise every graph into its piece of each output (TriG, Turtle, JSON-LD, N-Quads)."""
    import pyoxigraph

    outputs = need("kg.outputs", "render")
    vocab = need("kg.vocab", "PREFIXES")
    graphs = _graphs(ctx)
    with ctx.timed():
        for quads in graphs.values():
            outputs.render(quads)
    # The same serialisations one format at a time, so the notes say which one costs most.
    formats = {
        "TriG": pyoxigraph.RdfFormat.TRIG,
        "Turtle": pyoxigraph.RdfFormat.TURTLE,
        "JSON-LD": pyoxigraph.RdfFormat.JSON_LD,
        "N-Quads": pyoxigraph.RdfFormat.N_QUADS,
    }
    parts = []
    for label, fmt in formats.items():
        start = time.perf_counter()
        for quads in graphs.values():
            data = quads
            if label == "Turtle":
                data = [pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads]
            pyoxigraph.serialize(data, format=fmt, prefixes=vocab.PREFIXES)
        seconds = time.perf_counter() - start
        parts.append(f"{label} {_fmt_s(seconds)}")
        ctx.rows.append({"format": label, "seconds": seconds})
    ctx.note = "one format at a time: " + ", ".join(parts)


def stage_write(ctx: Ctx) -> None:
    """Stream the rendered pieces into the four output files (kg.outputs.write_outputs)."""
    outputs = need("kg.outputs", "render", "write_outputs", "discard")
    chunks = [outputs.render(quads) for quads in _graphs(ctx).values()]
    target = ctx.scratch / "outputs"
    with ctx.timed():
        temps = outputs.write_outputs(target, chunks)
    sizes = ", ".join(f"{name} {p.stat().st_size / 1e6:.0f} MB" for name, p in temps.items())
    outputs.discard(temps)
    ctx.note = sizes


def stage_store_load(ctx: Ctx) -> None:
    """Bulk-load the built N-Quads into a new on-disk pyoxigraph store (RocksDB)."""
    store = need("kg.store", "write_store")
    nquads = ctx.build / "kg.nq"
    if not nquads.exists():
        raise NotAvailable("needs build/kg.nq from the full build")
    target = ctx.scratch / "store"
    with ctx.timed():
        store.write_store(nquads, target)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    ctx.note = f"{nquads.stat().st_size / 1e6:.0f} MB of N-Quads, {size / 1e6:.0f} MB on disk"


def stage_store_open(ctx: Ctx) -> None:
    """Open the built store read-only and answer a first query (what `kg serve` needs)."""
    store_mod = need("kg.store", "open_store")
    with ctx.timed():
        store = store_mod.open_store(ctx.build / "store")
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://kg.invalid/ns#Article> }"
        count = next(iter(store.query(query, use_default_graph_as_union=True)))[0]
    ctx.note = f"{count.value} articles counted"


# Kinds that the entity parameters of queries/*.rq refer to, by parameter name.
PARAM_KINDS = {
    "org": "Organization", "funder": "Organization", "source": "Agent", "from": "Organization",
    "to": "Organization", "event": "Event", "person": "Person", "speaker": "Person",
    "measure": "Measure", "programme": "Programme", "country": "Country", "entity": "Entity",
}  # fmt: skip


def _pick_entities(store: Any, name: str) -> list[str]:
    """The most-mentioned entities of the kind a parameter name suggests (the heaviest case)."""
    kind = PARAM_KINDS.get(name, "Entity")
    query = f"""SELECT ?e (COUNT(?a) AS ?n) WHERE {{
        ?a <https://schema.org/mentions> ?e .
        ?e a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://kg.invalid/ns#{kind}> }}
        GROUP BY ?e ORDER BY DESC(?n) STR(?e) LIMIT 2"""
    rows = store.query(query, use_default_graph_as_union=True)
    return [row[0].value.rsplit("/", 1)[-1] for row in rows]


def _query_args(store: Any, named: Any) -> dict[str, str]:
    """Values for the required parameters that exist in this project: the example when it
    does, else the most-mentioned entity of the right kind. Optional parameters stay unbound,
    so a query lists everything it can (the heavier case)."""
    args: dict[str, str] = {}
    for param in named.params:
        if not param.required:
            continue
        example = param.example or param.default
        if param.type == "entity":
            known = example and store.query(
                "ASK { ?e ?p ?o }",
                substitutions={_var("e"): _node(f"https://kg.invalid/id/{example}")},
                use_default_graph_as_union=True,
            )
            if not known:
                picks = [p for p in _pick_entities(store, param.name) if p not in args.values()]
                example = picks[0] if picks else example
        if example is not None:
            args[param.name] = example
    return args


def _var(name: str) -> Any:
    import pyoxigraph

    return pyoxigraph.Variable(name)


def _node(iri: str) -> Any:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


def _timings(run: Callable[[], int], repeat: int, budget: float) -> tuple[list[float], int]:
    """Run once to warm up, then up to ``repeat`` times or until ``budget`` seconds are spent."""
    rows = run()
    times: list[float] = []
    while len(times) < repeat and (not times or sum(times) < budget):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return times, rows


def _finishes(target: Callable[[], object], timeout: float) -> bool:
    """Whether ``target`` returns within ``timeout`` seconds, tried in a forked process.

    A SPARQL query cannot be interrupted once the engine runs it, so a query that may take
    minutes is first tried in a child that is killed at the deadline."""
    fork = multiprocessing.get_context("fork")
    proc = fork.Process(target=target, daemon=True)
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return False
    return proc.exitcode == 0


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "runs": len(ordered)}


def stage_queries_oxigraph(ctx: Ctx) -> None:
    """Every named query (example parameters) on the built pyoxigraph store."""
    queries = need("kg.queries", "load_library", "store_runner", "bind_params")
    library = queries.load_library()
    store = _store(ctx)
    run = queries.store_runner(store, limit=None)
    plan = []
    for name, named in sorted(library.items()):
        args = _query_args(store, named)
        bindings = queries.bind_params(run, named, args)
        plan.append((name, named, args, bindings))
    store_path = ctx.build / "store"

    def once(text: str, bindings: dict[str, Any]) -> None:
        fresh = need("kg.store", "open_store").open_store(store_path)  # own handle after fork
        queries.store_runner(fresh, limit=None)(text, bindings)

    with ctx.timed():
        for name, named, args, bindings in plan:
            row: dict[str, Any] = {"query": name, "args": args}
            if not _finishes(lambda n=named, b=bindings: once(n.text, b), ctx.query_timeout):
                ctx.rows.append(row | {"error": f"over {ctx.query_timeout:g} s"})
                continue
            times, rows = _timings(
                lambda n=named, b=bindings: len(run(n.text, b).rows), ctx.repeat, 10.0
            )
            ctx.rows.append(row | {"rows": rows, **_summary(times)})
    ctx.note = f"{len(plan)} queries x up to {ctx.repeat} runs"
    (ctx.scratch / "query-args.json").write_text(
        json.dumps({name: bindings_json(b) for name, _, _, b in plan}, indent=1)
    )


def bindings_json(bindings: dict[str, Any]) -> dict[str, Any]:
    """pyoxigraph terms as plain data, so the rdflib child can rebuild the same bindings."""
    out = {}
    for key, term in bindings.items():
        kind = type(term).__name__
        if kind == "NamedNode":
            out[key] = {"iri": term.value}
        elif kind == "Literal":
            out[key] = {"value": term.value, "datatype": term.datatype.value, "lang": term.language}
    return out


def _rdflib_dataset(nquads: Path) -> Any:
    """The built graphs plus the ontology graph, as the pyoxigraph store holds them."""
    from rdflib import Dataset, URIRef

    vocab = need("kg.vocab", "ONTOLOGY_GRAPH", "ONTOLOGY_PATH")
    ds = Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    ds.graph(URIRef(vocab.ONTOLOGY_GRAPH)).parse(vocab.ONTOLOGY_PATH, format="turtle")
    return ds


def stage_rdflib_load(ctx: Ctx) -> None:
    """Parse the N-Quads output into rdflib's default in-memory Dataset (reference)."""

    nq = ctx.build / "kg.nq"
    if not nq.exists():
        raise NotAvailable("no build/kg.nq (full build failed?)")
    with ctx.timed():
        ds = _rdflib_dataset(nq)
    ctx.note = f"{len(ds):,} triples in the union"


def stage_queries_rdflib(ctx: Ctx) -> None:
    """The same named queries, same bindings, on rdflib's in-memory Dataset (reference)."""
    from rdflib import Literal, URIRef
    from rdflib.plugins import sparql

    queries = need("kg.queries", "load_library")
    sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <...> (FINDINGS.md)
    library = queries.load_library()
    saved = ctx.scratch / "query-args.json"
    if not saved.exists():
        raise NotAvailable("needs the oxigraph query stage's bindings")
    plans = json.loads(saved.read_text())
    ds = _rdflib_dataset(ctx.build / "kg.nq")
    prefixes = need("kg.vocab", "PREFIXES").PREFIXES
    header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())

    def term(data: dict[str, Any]) -> Any:
        if "iri" in data:
            return URIRef(data["iri"])
        if data.get("lang"):
            return Literal(data["value"], lang=data["lang"])
        return Literal(data["value"], datatype=URIRef(data["datatype"]))

    with ctx.timed():
        for name, named in sorted(library.items()):
            bindings = {k: term(v) for k, v in plans.get(name, {}).items()}
            text = named.text if "PREFIX kg:" in named.text else header + named.text
            try:
                prepared = sparql.prepareQuery(text)
            except Exception as exc:  # rdflib cannot parse it: say so in the table
                ctx.rows.append({"query": name, "error": f"{type(exc).__name__}: {exc}"[:80]})
                continue

            def count(p: Any = prepared, b: dict[str, Any] = bindings) -> int:
                return len(list(ds.query(p, initBindings=b)))

            if not _finishes(count, ctx.query_timeout):
                ctx.rows.append({"query": name, "error": f"over {ctx.query_timeout:g} s"})
                continue
            times, rows = _timings(count, max(3, ctx.repeat // 4), 20.0)
            ctx.rows.append({"query": name, "rows": rows, **_summary(times)})


def stage_snapshot(ctx: Ctx) -> None:
    """Read what the projections need from the store (kg.project.read_snapshot)."""
    project = need("kg.project", "read_snapshot")
    store = _store(ctx)
    with ctx.timed():
        snap = project.read_snapshot(store)
    ctx.note = type(snap).__name__


def _projection(kind: str) -> Callable[[Ctx], None]:
    def stage(ctx: Ctx) -> None:
        project = need("kg.project", "read_snapshot", "project")
        snap = project.read_snapshot(_store(ctx))
        with ctx.timed():
            graph = project.project(snap, kind)
        ctx.note = f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"

    stage.__doc__ = f"Project the store to the NetworkX '{kind}' graph."
    return stage


def stage_betweenness(ctx: Ctx) -> None:
    """Betweenness of the co-operation graph (sampled above 3,000 nodes or 10 M nodes x edges)."""
    project = need("kg.project", "read_snapshot", "project")
    analyze = need("kg.analyze", "betweenness")
    graph = project.project(project.read_snapshot(_store(ctx)), "cooperation")
    with ctx.timed():
        result = analyze.betweenness(graph)
    how = f"sampled from k={result.sampled_k} sources" if result.sampled_k else "exact"
    ctx.note = f"{len(result.scores):,} nodes, {graph.number_of_edges():,} edges, {how}"


def stage_view(ctx: Ctx) -> None:
    """The HTML view of the co-operation graph, from the store to the page text."""
    view = need("kg.view", "render_view_html")
    store = _store(ctx)
    with ctx.timed():
        html = view.render_view_html(store)
    out = ctx.scratch / "view.html"
    out.write_text(html, encoding="utf-8")
    ctx.note = f"{len(html.encode()) / 1e6:.1f} MB of HTML"


STAGES: dict[str, tuple[str, Callable[[Ctx], None]]] = {
    "build": ("kg build, from scratch (all stages and outputs)", stage_full_build),
    "rebuild-one": ("kg build after changing one article", stage_rebuild_one),
    "rebuild-none": ("kg build with nothing changed", stage_rebuild_none),
    "curation": ("curation load + validation", stage_curation),
    "graphs": ("build: graph construction", stage_graphs),
    "shacl": ("SHACL validation", stage_shacl),
    "render": ("serialise every graph (4 formats)", stage_render),
    "write": ("write the 4 output files", stage_write),
    "store": ("store load (pyoxigraph, on disk)", stage_store_load),
    "open": ("store open + first query", stage_store_open),
    "queries": ("named queries, pyoxigraph store", stage_queries_oxigraph),
    "rdflib-load": ("rdflib Dataset load (reference)", stage_rdflib_load),
    "rdflib-queries": ("named queries, rdflib (reference)", stage_queries_rdflib),
    "snapshot": ("projection: read the store", stage_snapshot),
    "project-cooperation": ("projection to NetworkX: cooperation", _projection("cooperation")),
    "project-entities": ("projection to NetworkX: entities", _projection("entities")),
    "betweenness": ("betweenness (cooperation graph)", stage_betweenness),
    "view": ("HTML view (cooperation)", stage_view),
}


def child(name: str, ctx: Ctx, result_path: Path) -> None:
    """Run one stage in this (child) process and write what it measured as JSON."""
    result: dict[str, Any] = {"stage": name}
    try:
        STAGES[name][1](ctx)
        result |= {"status": "ok", "seconds": ctx.seconds, "cpu": ctx.cpu, "note": ctx.note}
        result["rows"] = ctx.rows
    except NotAvailable as exc:
        result |= {"status": "not available", "note": str(exc)}
    except Exception as exc:  # a failing stage is reported in the table, the run goes on
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(tb.filename).name}:{tb.lineno}"
        result |= {"status": "failed", "note": f"{type(exc).__name__}: {exc} ({where})"[:300]}
    result["load"] = os.getloadavg()[0]
    result["peak_mb"] = _rss_mb()
    result["added_mb"] = max(0.0, result["peak_mb"] - ctx.rss_before) if ctx.rss_before else None
    result_path.write_text(json.dumps(result))


# ---------------------------------------------------------------- the parent


def run_stage(
    name: str, args: argparse.Namespace, work: Path, profile: bool = False
) -> dict[str, Any]:
    """Run stage ``name`` in a child process; with ``profile``, under pyinstrument (whose
    overhead inflates the time, so that run only writes the profile, not the table)."""
    result_path = work / f"{name}{'-profiled' if profile else ''}.json"
    result_path.unlink(missing_ok=True)
    cmd = [
        sys.executable, __file__, "--child", name, "--project", str(args.project),
        "--build", str(args.build), "--scratch", str(work), "--repeat", str(args.repeat),
        "--query-timeout", str(args.query_timeout),
    ]  # fmt: skip
    if profile:
        cmd += ["--profile", str(args.profile), "--result", str(result_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    if result_path.exists():
        return json.loads(result_path.read_text())
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    note = lines[-1] if lines else f"exit status {proc.returncode}"
    return {"stage": name, "status": "failed", "note": note}


def machine() -> str:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _fmt_mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _query_cells(row: dict[str, Any]) -> list[str]:
    """median, p95, rows of one query on one engine; or why there are none."""
    if "error" in row:
        return [row["error"], "–", "–"]
    return [_fmt_s(row.get("median")), _fmt_s(row.get("p95")), str(row.get("rows", "–"))]


def tables(results: list[dict[str, Any]]) -> tuple[list[list[str]], list[list[str]]]:
    """(stage rows, query rows) as text cells, shared by the rich and Markdown renderings."""
    stage_rows = []
    for r in results:
        ok = r.get("status") == "ok"
        stage_rows.append(
            [
                STAGES[r["stage"]][0],
                _fmt_s(r.get("seconds")) if ok else r.get("status", "?"),
                _fmt_s(r.get("cpu")) if ok else "–",
                _fmt_mb(r.get("peak_mb")) if ok else "–",
                _fmt_mb(r.get("added_mb")) if ok else "–",
                f"{r['load']:.1f}" if "load" in r else "–",
                r.get("note", ""),
            ]
        )
    by_stage = {r["stage"]: r for r in results}
    ox_rows = {q["query"]: q for q in by_stage.get("queries", {}).get("rows", [])}
    rd_rows = {q["query"]: q for q in by_stage.get("rdflib-queries", {}).get("rows", [])}
    query_rows = []
    for name in sorted(set(ox_rows) | set(rd_rows)):
        ox, rd = ox_rows.get(name, {}), rd_rows.get(name, {})
        ox_cells, rd_cells = _query_cells(ox), _query_cells(rd)
        if "rows" in ox and "rows" in rd and ox["rows"] != rd["rows"]:
            rd_cells[2] += " (differs)"  # not the same answer: the time is not comparable
        args = ", ".join(f"{k}={v}" for k, v in ox.get("args", {}).items())
        query_rows.append([name, *ox_cells, *rd_cells, args])
    return stage_rows, query_rows


STAGE_HEAD = ["stage", "wall", "CPU", "peak MB", "added MB", "load", "notes"]
QUERY_HEAD = ["query", "oxigraph median", "p95", "rows", "rdflib median", "p95", "rows", "args"]


def markdown(title: str, results: list[dict[str, Any]], command: str) -> str:
    stage_rows, query_rows = tables(results)

    def table(head: list[str], rows: list[list[str]]) -> list[str]:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return out

    lines = [f"### {title}", "", f"Machine: {machine()}.", "", f"Command: `{command}`", ""]
    lines += [*table(STAGE_HEAD, stage_rows), ""]
    if query_rows:
        lines += [*table(QUERY_HEAD, query_rows), ""]
    build = next((r for r in results if r["stage"] == "build" and r.get("rows")), None)
    if build:
        lines += ["Inside `kg build` (its own stage timings):", ""]
        inner = [[x["stage"], _fmt_s(x["seconds"])] for x in build["rows"]]
        lines += table(["build stage", "wall"], inner)
        lines.append("")
    return "\n".join(lines)


def show(title: str, results: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 140))
    stage_rows, query_rows = tables(results)
    for head, rows, name in ((STAGE_HEAD, stage_rows, title), (QUERY_HEAD, query_rows, "queries")):
        if not rows:
            continue
        table = Table(title=name)
        for i, column in enumerate(head):
            table.add_column(column, justify="left" if i in (0, len(head) - 1) else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)


def ensure_corpus(n: int, seed: int, workdir: Path) -> Path:
    """Generate the synthetic project once per (n, seed); later runs reuse it."""
    project = workdir / f"synth-{n}-seed{seed}"
    stamp = project / ".synth-done"
    if stamp.exists():
        return project
    if project.exists():
        shutil.rmtree(project)
    spec = importlib.util.spec_from_file_location("synth", HERE / "synth.py")
    assert spec and spec.loader
    synth = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = synth
    spec.loader.exec_module(synth)
    start = time.perf_counter()
    counts = synth.generate(n, seed, project)
    print(f"generated {counts['articles']:,} articles in {time.perf_counter() - start:.1f} s")
    stamp.write_text("")
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--articles", type=int, help="generate a synthetic corpus of N articles")
    source.add_argument("--project", type=Path, help="measure this project folder")
    parser.add_argument("--seed", type=int, default=1, help="synthetic corpus seed (default 1)")
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench",
        help="where synthetic corpora and build outputs are kept (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (default 20)")
    parser.add_argument("--stages", help="comma-separated subset of: " + ", ".join(STAGES))
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown here")
    parser.add_argument(
        "--profile", type=Path, help="also run kg build under pyinstrument, writing into this dir"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per stage")
    parser.add_argument(
        "--query-timeout", type=float, default=60, help="give up on a query after this (60 s)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scratch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        sys.path.insert(0, str(REPO))
        ctx = Ctx(args.project, args.build, args.scratch, args.repeat, args.profile)
        ctx.query_timeout = args.query_timeout
        child(args.child, ctx, args.result or args.scratch / f"{args.child}.json")
        return 0

    if args.articles is None and args.project is None:
        parser.error("give --articles N or --project DIR")
    if args.articles is not None:
        if args.articles < 1:
            parser.error("--articles must be at least 1")
        args.project = ensure_corpus(args.articles, args.seed, args.workdir)
    elif not (args.project / "seeds").is_dir():
        parser.error(f"{args.project} has no seeds/ folder: not a kg project")
    args.project = args.project.resolve()
    if args.profile:
        args.profile = args.profile.resolve()
    names = list(STAGES) if not args.stages else [s.strip() for s in args.stages.split(",")]
    unknown = [n for n in names if n not in STAGES]
    if unknown:
        parser.error(f"unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    label = args.project.name
    args.workdir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=args.workdir))
    args.build = work / "build"
    if "build" not in names and (args.project / "build" / "store").exists():
        args.build = args.project / "build"  # measure the reader stages on an existing build
    results = []
    try:
        for name in names:
            print(f"… {STAGES[name][0]}", file=sys.stderr, flush=True)
            results.append(run_stage(name, args, work))
        if args.profile:
            print("… kg build under pyinstrument", file=sys.stderr, flush=True)
            measured, args.build = args.build, work / "build-profiled"
            profiled = run_stage("build", args, work, profile=True)
            args.build = measured
            print(f"profile of kg build ({profiled.get('status')}) in {args.profile}/profile.txt")
    finally:
        shutil.rmtree(work / "store", ignore_errors=True)
    built = work / "build"
    if (built / "store").exists() and args.build == built:
        # keep the build beside the seeds, where later runs of the reader stages find it
        shutil.rmtree(args.project / "build", ignore_errors=True)
        shutil.move(str(built), str(args.project / "build"))
    title = f"{label}"
    show(title, results)
    given = argv if argv is not None else sys.argv[1:]
    command = "python benchmarks/bench_stages.py " + shlex.join(given)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(title, results, command) + "\n", encoding="utf-8")
        print(f"Markdown written to {args.markdown}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.get("status") != "failed" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
