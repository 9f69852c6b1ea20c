"""Replacing output files: the new file is in place in one rename, and the file it replaced is
kept (under another name) for the caller to delete later, off the build's main path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg import atomic
from kg.atomic import Sweeper, swap_into_place
from kg.outputs import commit


@pytest.fixture(params=["exchange", "hard link"])
def how(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of keeping the old file: renameat2's exchange (Linux) and a hard link."""
    if request.param == "hard link":
        monkeypatch.setattr(atomic, "_RENAMEAT2", None)
    elif atomic._RENAMEAT2 is None:
        pytest.skip("renameat2 is not available here")
    return str(request.param)


def test_the_new_file_is_in_place_and_the_old_one_kept(tmp_path: Path, how: str) -> None:
    final, staged = tmp_path / "kg.nq", tmp_path / ".kg.nq.x.tmp"
    final.write_bytes(b"old\n")
    reader = final.open("rb")  # a reader of the old file keeps reading it
    staged.write_bytes(b"new\n")
    old = swap_into_place(staged, final)
    assert final.read_bytes() == b"new\n"
    assert old is not None and old.read_bytes() == b"old\n"
    assert old.parent == tmp_path and old.name.startswith(".kg.nq.")
    assert reader.read() == b"old\n"
    reader.close()


def test_nothing_to_replace(tmp_path: Path, how: str) -> None:
    final, staged = tmp_path / "kg.nq", tmp_path / ".kg.nq.x.tmp"
    staged.write_bytes(b"new\n")
    assert swap_into_place(staged, final) is None
    assert final.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_a_missing_staged_file_changes_nothing(tmp_path: Path, how: str) -> None:
    final = tmp_path / "kg.nq"
    final.write_bytes(b"old\n")
    with pytest.raises(FileNotFoundError):
        swap_into_place(tmp_path / "missing.tmp", final)
    assert final.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_commit_hands_back_the_replaced_files_and_the_sweeper_deletes_them(
    tmp_path: Path, how: str
) -> None:
    temps = {}
    for name in ("kg.nq", "kg.ttl"):
        (tmp_path / name).write_bytes(b"old " + name.encode())
        temps[name] = tmp_path / f".{name}.x.tmp"
        temps[name].write_bytes(b"new " + name.encode())
    old = commit(tmp_path, temps)
    assert sorted(p.read_bytes() for p in old) == [b"old kg.nq", b"old kg.ttl"]
    sweeper = Sweeper()
    sweeper.delete(old)
    sweeper.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq", "kg.ttl"]
    assert (tmp_path / "kg.nq").read_bytes() == b"new kg.nq"


def test_a_rebuild_leaves_no_replaced_file_behind(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.build import build_project

    root = make_project()
    out = tmp_path / "out"
    build_project(root, out)
    inode = os.stat(out / "kg.nq").st_ino
    curation = root / "seeds" / "curation" / "001_mini.yaml"
    curation.write_text(curation.read_text().replace("meets agency", "meets an agency"))
    report = build_project(root, out)
    assert "001_mini" in report.rebuilt
    assert os.stat(out / "kg.nq").st_ino != inode
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["cache", "store", "kg.jsonld", "kg.nq", "kg.trig", "kg.ttl", "manifest.json"]
    )
