"""One build at a time per output folder, and what a killed build left beside the outputs."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build_project
from kg.buildlock import LOCK_FILE
from kg.cli import main
from kg.problems import CurationError


def test_a_second_build_into_the_same_folder_is_refused(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    out = tmp_path / "out"
    build_project(root, out)
    before = (out / "kg.nq").read_bytes()
    fd = os.open(out / "cache" / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        with pytest.raises(CurationError, match="another kg build is writing to this folder"):
            build_project(root, out, incremental=False)
        result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(out)])
        assert result.exit_code == 1 and "another kg build" in result.output
        assert "Traceback" not in result.output
    finally:
        os.close(fd)
    assert (out / "kg.nq").read_bytes() == before
    assert build_project(root, out).rebuilt == []  # free again once the other has ended


def test_a_killed_builds_temporary_files_are_removed(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    out = tmp_path / "out"
    build_project(root, out)
    left = [".kg.nq.a1b2.tmp", ".kg.ttl.c3d4.tmp.old", ".manifest.json.e5f6.tmp"]
    others = [".view.html.g7h8.tmp", "notes.tmp"]  # not the build's: a `kg view` may be writing
    for name in left + others:
        (out / name).write_bytes(b"x" * 10)
    build_project(root, out)  # nothing changed: the build still takes the lock and sweeps
    assert sorted(p.name for p in out.iterdir() if p.name in left + others) == sorted(others)
