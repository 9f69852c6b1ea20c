"""`kg build`: curation -> checked model -> RDF quads -> SHACL -> files and embedded store.

Nothing under the output directory changes unless every stage succeeds: files are staged and
renamed into place at the end, so a failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Quad

from kg import __version__
from kg.atomic import write_bytes
from kg.curation import Curation, load_project
from kg.graph import dataset_quads, sort_quads
from kg.outputs import OUTPUTS
from kg.problems import CurationError, Problem
from kg.store import write_store
from kg.validate import graph_bytes, validate_graphs

Progress = Callable[[str], None]


@dataclass
class BuildReport:
    """What a build made and how long each stage took."""

    out: Path
    graphs: dict[str, int] = field(default_factory=dict)  # graph name -> quads
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # article -> suggested items skipped

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())


class _Clock:
    def __init__(self, report: BuildReport, progress: Progress | None):
        self.report, self.progress = report, progress

    def stage(self, name: str) -> _Stage:
        if self.progress:
            self.progress(name)
        return _Stage(self.report, name)


class _Stage:
    def __init__(self, report: BuildReport, name: str):
        self.report, self.name = report, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.report.timings[self.name] = time.perf_counter() - self.start


def make_graphs(curation: Curation) -> dict[str, list[Quad]]:
    """Each named graph's quads, sorted."""
    return {name: sort_quads(quads) for name, quads in dataset_quads(curation)}


def check_shapes(graphs: dict[str, list[Quad]]) -> None:
    """Raise CurationError listing every SHACL violation in any graph."""
    messages = validate_graphs({name: graph_bytes(quads) for name, quads in graphs.items()})
    if messages:
        raise CurationError([Problem("ontology/shapes.ttl", None, m) for m in messages])


def build_project(
    root: Path,
    out: Path | None = None,
    include_drafts: bool = False,
    validate: bool = True,
    store: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build everything under ``root`` into ``out`` (default ``root/build``)."""
    out = out or root / "build"
    report = BuildReport(out)
    clock = _Clock(report, progress)
    with clock.stage("load curation"):
        curation = load_project(root, include_drafts=include_drafts)
    with clock.stage("make graphs"):
        graphs = make_graphs(curation)
    if validate:
        with clock.stage("SHACL validation"):
            check_shapes(graphs)
    report.graphs = {name: len(quads) for name, quads in graphs.items()}
    report.left_out = {a.id: a.left_out for a in curation.articles if a.left_out}
    everything = [q for name in graphs for q in graphs[name]]
    rendered: dict[Path, bytes] = {}
    for output in OUTPUTS:
        with clock.stage(f"write {output.filename}"):
            rendered[out / output.filename] = output.write(everything)
    if store:
        with clock.stage("load store"):
            write_store(everything, out / "store")
        report.files["store"] = out / "store"
    manifest = {
        "kg_version": __version__,
        "graphs": report.graphs,
        "quads": report.quads,
        "left_out": report.left_out,
        "outputs": sorted(p.name for p in rendered),
    }
    rendered[out / "manifest.json"] = (
        json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    ).encode()
    with clock.stage("rename into place"):
        for path, data in rendered.items():
            write_bytes(path, data)
            report.files[path.name] = path
    return report


def check_project(root: Path, include_drafts: bool = False) -> Curation:
    """Everything `kg build` checks (curation rules and SHACL), writing nothing."""
    curation = load_project(root, include_drafts=include_drafts)
    check_shapes(make_graphs(curation))
    return curation
