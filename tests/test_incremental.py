"""Incremental builds: only what changed is rebuilt, and the result is what a full build makes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI_CURATION

from kg.build import build_project
from kg.store import open_store

SECOND_ARTICLE = "Agency follow-up\nThe Example Agency hosted a roundtable in Bishkek.\n"
SECOND_CURATION = """\
article:
  title: Agency follow-up
facts:
  - s: example-agency
    p: hosted
    o: roundtable-2015
    evidence: The Example Agency hosted a roundtable
"""


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project()
    (root / "seeds" / "articles" / "002_second.txt").write_text(SECOND_ARTICLE)
    (root / "seeds" / "curation" / "002_second.yaml").write_text(SECOND_CURATION)
    return root


def outputs(out: Path) -> dict[str, bytes]:
    names = ("kg.trig", "kg.ttl", "kg.jsonld", "kg.nq", "manifest.json")
    return {name: (out / name).read_bytes() for name in names}


def hosts(out: Path) -> set[str]:
    store = open_store(out / "store")
    rows = store.query(
        "SELECT ?who WHERE { ?who <https://kg.invalid/ns#hosted> ?e }",
        use_default_graph_as_union=True,
    )
    return {row[0].value.rsplit("/", 1)[1] for row in rows}


def test_editing_one_article_rebuilds_only_that_article(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_project(project, out)
    assert first.rebuilt == ["001_mini", "002_second", "registry"]
    assert build_project(project, out).rebuilt == []

    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    again = build_project(project, out)
    assert again.rebuilt == ["002_second"]
    assert hosts(out) == {"interior-ministry"}

    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)


def test_changing_the_registry_rebuilds_everything(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    registry = project / "seeds" / "entities.yaml"
    registry.write_text(registry.read_text().replace("name: Jane Doe", "name: Jane A. Doe"))
    assert build_project(project, out).rebuilt == ["001_mini", "002_second", "registry"]
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)


def test_removing_an_article_drops_its_graph(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    (project / "seeds" / "articles" / "002_second.txt").unlink()
    (project / "seeds" / "curation" / "002_second.yaml").unlink()
    report = build_project(project, out)
    assert "002_second" not in report.graphs
    assert hosts(out) == {"interior-ministry"}
    assert b"002_second" not in (out / "kg.nq").read_bytes()


def test_a_failed_incremental_build_keeps_the_cache_usable(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    curation = project / "seeds" / "curation" / "001_mini.yaml"
    curation.write_text(MINI_CURATION.replace("p: hosted", "p: hostd"))
    second = project / "seeds" / "curation" / "002_second.yaml"
    second.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    with pytest.raises(Exception, match="unknown relation"):
        build_project(project, out)
    assert not list((out / "cache").glob("*.tmp"))  # 002's new pieces were not kept
    second.write_text(SECOND_CURATION)
    curation.write_text(MINI_CURATION)
    assert build_project(project, out).rebuilt == []
    shutil.rmtree(out / "cache")
    assert len(build_project(project, out).rebuilt) == 3


def test_a_store_failure_leaves_the_cache_as_it_was(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    cache = {p.name: p.read_bytes() for p in (out / "cache").iterdir()}
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kg.build._update_store", broken)
    with pytest.raises(OSError, match="disk full"):
        build_project(project, out)
    assert {p.name: p.read_bytes() for p in (out / "cache").iterdir()} == cache
    monkeypatch.undo()
    assert build_project(project, out).rebuilt == ["002_second"]
    assert hosts(out) == {"interior-ministry"}


def test_touching_a_file_without_changing_it_rebuilds_nothing(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(curation.read_text())  # new mtime, same bytes
    assert build_project(project, out).rebuilt == []
    assert hosts(out) == {"example-agency", "interior-ministry"}


def test_the_cache_keeps_one_pack_per_build_and_drops_packs_nothing_uses(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    full = outputs(build_project(project, out).out)

    def packs() -> list[str]:
        return sorted(p.name for p in (out / "cache").iterdir() if p.name.startswith("pack-"))

    assert packs() == ["pack-000001.pack"]
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    build_project(project, out)
    assert packs() == ["pack-000001.pack", "pack-000002.pack"]  # the others' pieces still in 1
    curation.write_text(SECOND_CURATION)
    assert build_project(project, out).rebuilt == ["002_second"]
    assert outputs(out) == full  # pieces read from two packs make the same files
    assert build_project(project, out, incremental=False).rebuilt
    assert packs() == ["pack-000004.pack"]  # a full build replaced every piece


def test_a_missing_pack_means_a_full_rebuild(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    full = outputs(build_project(project, out).out)
    (out / "cache" / "pack-000001.pack").unlink()
    assert build_project(project, out).rebuilt == ["001_mini", "002_second", "registry"]
    assert outputs(out) == full


def test_a_summary_is_read_alone_as_it_was_packed(project: Path, tmp_path: Path) -> None:
    from kg.cache import BuildCache

    out = tmp_path / "out"
    build_project(project, out)
    cache = BuildCache.load(out / "cache")
    summaries = {name: cache.summary(name) for name in cache.graphs}
    assert summaries == {name: cache.chunks(name).derived for name in cache.graphs}
    assert summaries["001_mini"] and summaries["002_second"]


def test_a_pack_cut_short_means_a_full_rebuild(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    full = outputs(build_project(project, out).out)
    pack = out / "cache" / "pack-000001.pack"
    pack.write_bytes(pack.read_bytes()[:-10])
    assert build_project(project, out).rebuilt == ["001_mini", "002_second", "registry"]
    assert outputs(out) == full


THIRD_ARTICLE = "Agency report\nThe Example Agency hosted a roundtable in Bishkek.\n"


def test_a_rebuild_copies_the_unchanged_graphs_from_the_previous_files(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg.cache import BuildCache

    (project / "seeds" / "articles" / "003_third.txt").write_text(THIRD_ARTICLE)
    (project / "seeds" / "curation" / "003_third.yaml").write_text(SECOND_CURATION)
    out = tmp_path / "out"
    build_project(project, out)
    read = []
    chunks = BuildCache.chunks

    def spy(self: BuildCache, name: str):  # type: ignore[no-untyped-def]
        read.append(name)
        return chunks(self, name)

    monkeypatch.setattr(BuildCache, "chunks", spy)
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    assert build_project(project, out).rebuilt == ["002_second"]
    # registry, 001 and 003 came from the previous files (the last derived graph is read to
    # update the store by difference)
    assert set(read) == {"002_second", "derived"}
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)


@pytest.mark.parametrize("change", ["appended", "same size", "removed"])
def test_output_files_changed_by_hand_are_written_whole_again(
    project: Path, tmp_path: Path, change: str
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    ttl = out / "kg.ttl"
    if change == "appended":
        ttl.write_bytes(ttl.read_bytes() + b"# a note\n")
    elif change == "same size":
        ttl.write_bytes(ttl.read_bytes().replace(b"Bishkek", b"Bishkeq"))
    else:
        ttl.unlink()
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    assert build_project(project, out).rebuilt == ["002_second"]
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)


def test_output_files_changed_by_hand_are_rewritten_when_nothing_else_changed(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    built = outputs(build_project(project, out).out)
    (out / "kg.nq").write_bytes(b"")
    assert build_project(project, out).rebuilt == []
    assert outputs(out) == built


def test_adding_and_removing_articles_gives_what_a_full_build_gives(
    project: Path, tmp_path: Path
) -> None:
    out, full = tmp_path / "out", tmp_path / "full"
    build_project(project, out)
    (project / "seeds" / "articles" / "000_first.txt").write_text(THIRD_ARTICLE)
    (project / "seeds" / "curation" / "000_first.yaml").write_text(SECOND_CURATION)
    assert build_project(project, out).rebuilt == ["000_first"]
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)
    (project / "seeds" / "articles" / "001_mini.txt").unlink()
    (project / "seeds" / "curation" / "001_mini.yaml").unlink()
    build_project(project, out)
    build_project(project, full, incremental=False)
    assert outputs(out) == outputs(full)


@pytest.mark.parametrize("broken", ["kg.derived.derive", "kg.outputs._copy_range"])
def test_a_failure_while_the_outputs_are_written_leaves_the_previous_ones(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    import threading

    out = tmp_path / "out"
    build_project(project, out)
    before = outputs(out)
    listing = sorted(p.name for p in out.iterdir())

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(broken, fail)
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(SECOND_CURATION.replace("s: example-agency", "s: interior-ministry"))
    with pytest.raises(OSError, match="disk full"):
        build_project(project, out)
    assert outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == listing  # no staged file left
    assert not [t for t in threading.enumerate() if t.name == "kg-outputs"]
    monkeypatch.undo()
    assert build_project(project, out).rebuilt == ["002_second"]
    assert hosts(out) == {"interior-ministry"}
