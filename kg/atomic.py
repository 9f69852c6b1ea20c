"""Atomic file and directory replacement, so a failed run never leaves half an output behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def file_mode() -> int:
    """The mode a newly created file gets under the current umask (mkstemp's temp files are
    0600, which would make every output private to its writer)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temp file beside ``path`` and rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, file_mode())
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def new_staging_dir(parent: Path, name: str) -> Path:
    """A fresh hidden temp directory beside the final one (``parent/name``), to be swapped in
    with :func:`replace_dir` or removed by the caller."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}."))


@contextmanager
def staging_dir(parent: Path, name: str) -> Iterator[Path]:
    """A fresh temp directory beside the final one; removed if the block fails."""
    tmp = new_staging_dir(parent, name)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_dir(staged: Path, final: Path) -> None:
    """Swap ``staged`` into place as ``final`` with renames; the old copy is removed after."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(staged, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
