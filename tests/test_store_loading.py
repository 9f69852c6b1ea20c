"""A full build loads the store while the articles are still being built (kg.store.StoreLoader):
the store then holds exactly what the output files hold, and a build that fails - in the
articles or in the store - leaves the previous store, outputs and cache as they were."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build_project
from kg.problems import CurationError
from kg.store import ontology_quads, open_store, write_store
from kg.vocab import ONTOLOGY_GRAPH

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = 24


def _synth():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    assert _synth().main(["--articles", str(ARTICLES), "--seed", "5", "--out", str(root)]) == 0
    # articles go to worker processes (as in a large corpus) rather than in-process
    monkeypatch.setattr("kg.pipeline.PARALLEL_FROM", 8)
    monkeypatch.setattr("kg.pipeline.BATCH", 5)
    return root


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _cache(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "cache").iterdir())}


def _leftovers(out: Path) -> list[str]:
    """Staging directories or files a build left behind."""
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def _loading_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "kg-store-load"]


def _by_graph(store: ox.Store) -> tuple[set[ox.Quad], int]:
    """The data quads, and the number of ontology quads (its blank nodes differ per load)."""
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    data = {q for q in store if q.graph_name != ontology}
    return data, len(list(store.quads_for_pattern(None, None, None, ontology)))


def test_the_store_holds_what_kg_nq_holds_and_the_ontology(project: Path, tmp_path: Path) -> None:
    out = project / "build"
    report = build_project(project, out, incremental=False)
    assert len(report.graphs) == ARTICLES + 1  # the articles and the registry
    # the store a load of the written N-Quads file makes (literals in the store's canonical form)
    write_store(out / "kg.nq", tmp_path / "from-file")
    expected = _by_graph(open_store(tmp_path / "from-file"))
    assert _by_graph(open_store(out / "store")) == expected
    assert expected[1] == len(ontology_quads()) > 0
    assert len(expected[0]) == sum(report.graphs.values())
    assert _leftovers(out) == []
    assert _loading_threads() == []


def test_a_failing_store_leaves_the_previous_build_untouched(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = project / "build"
    build_project(project, out, incremental=False)
    before = _quads(open_store(out / "store"))
    files, cache = _files(out), _cache(out)

    def disk_full(store: ox.Store) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kg.store._complete", disk_full)
    with pytest.raises(OSError, match="disk full"):
        build_project(project, out, incremental=False)
    assert _quads(open_store(out / "store")) == before
    assert _files(out) == files
    assert _cache(out) == cache
    assert _leftovers(out) == []
    assert _loading_threads() == []


def test_a_curation_problem_stops_the_load_and_keeps_the_previous_store(project: Path) -> None:
    out = project / "build"
    build_project(project, out, incremental=False)
    before = _quads(open_store(out / "store"))
    files = _files(out)
    # the last article: the load has taken every other article's graph by the time it fails
    curation = sorted((project / "seeds" / "curation").glob("*.yaml"))[-1]
    text = curation.read_text(encoding="utf-8")
    curation.write_text(text.replace("evidence: ", "evidence: not in the article ", 1))
    with pytest.raises(CurationError, match="not in the article"):
        build_project(project, out, incremental=False)
    assert _quads(open_store(out / "store")) == before
    assert _files(out) == files
    assert _leftovers(out) == []
    assert _loading_threads() == []
