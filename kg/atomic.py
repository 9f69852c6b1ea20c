"""Atomic file and directory replacement, so a failed run never leaves half an output behind."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # not Linux, or a C library without it
        return None
    at, name = ctypes.c_int, ctypes.c_char_p
    function.argtypes = [at, name, at, name, ctypes.c_uint]
    return function


_RENAMEAT2 = _renameat2()
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names of two existing files in one step (Linux renameat2 RENAME_EXCHANGE);
    False when this system or filesystem cannot."""
    if _RENAMEAT2 is None:
        return False
    done = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.ENOENT):
        return False  # not supported here, or nothing to swap with: the caller renames
    raise OSError(error, os.strerror(error), str(a), None, str(b))


def swap_into_place(staged: Path, final: Path) -> Path | None:
    """Rename ``staged`` over ``final`` atomically, keeping the file it replaces: return the
    path that file now has (to be deleted later, see :class:`Sweeper`), or None if there was
    none.

    Why not ``os.replace``: replacing a large file makes the rename itself free the old file's
    blocks, and on ext4 it also starts writing the new file out first (the ``auto_da_alloc``
    safeguard); for the ~1 GB of build outputs at 10,000 articles that was ~1 s of kernel work
    in the rename on a VM whose ext4 is mounted with ``discard``. Swapping the two names
    (renameat2 ``RENAME_EXCHANGE``) does neither; elsewhere the old file is kept by a hard link
    and ``os.replace`` used."""
    if _exchange(staged, final):
        return staged  # the staged name now holds the previous file
    keep: Path | None = staged.with_name(staged.name + ".old")
    assert keep is not None
    try:
        keep.unlink(missing_ok=True)
        os.link(final, keep)
    except FileNotFoundError:
        keep = None  # nothing to replace
    except OSError:  # no hard links here: the rename frees the old file itself
        keep = None
    try:
        os.replace(staged, final)
    except BaseException:
        if keep is not None:
            keep.unlink(missing_ok=True)
        raise
    return keep


class Sweeper:
    """Deletes files on a thread while the caller goes on; :meth:`wait` before returning.

    Freeing a large file's blocks is kernel work that does not need the interpreter (the
    thread runs while the GIL is released in ``unlink``); a failure only leaves the file."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None

    def delete(self, paths: list[Path]) -> None:
        self.wait()
        if paths:
            self.thread = threading.Thread(
                target=_delete, args=(paths,), name="kg-sweep", daemon=True
            )
            self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None


def _delete(paths: list[Path]) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink()
