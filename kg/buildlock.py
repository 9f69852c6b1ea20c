"""One `kg build` at a time per output folder, and what a killed build left there removed.

Two builds writing one folder would stage into the same cache and swap each other's files;
the second is refused at once with a message instead. A build killed at the wrong moment
(power cut, SIGKILL) can leave hidden temporary files beside the outputs: files being written
(``.kg.nq.XXXX.tmp``) or, since outputs are swapped into place and the replaced files deleted
afterwards (kg.atomic.swap_into_place), the previous outputs under such a name, ~1 GB at
10,000 articles. Holding the lock, a build knows no other one is writing them, so it removes
them before it starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.problems import CurationError, Problem

try:
    import fcntl
except ImportError:  # not POSIX: no lock, and leftovers are left alone
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "build.lock"  # in the build cache's folder, which only builds write


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """Hold ``out``'s build lock while the block runs; refuse if another build holds it."""
    if fcntl is None:
        yield
        return
    (out / "cache").mkdir(parents=True, exist_ok=True)
    fd = os.open(out / "cache" / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            problem = Problem(
                str(out), None, "another kg build is writing to this folder", "wait for it to end"
            )
            raise CurationError([problem]) from None
        remove_leftovers(out)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_leftovers(out: Path) -> list[str]:
    """Delete the temporary files earlier builds left beside their output files in ``out``
    (those of the outputs and the manifest only: a `kg view` may be writing its own there);
    return their names."""
    from kg.outputs import OUTPUTS

    prefixes = tuple(f".{name}." for name in [o.filename for o in OUTPUTS] + ["manifest.json"])
    gone = []
    for entry in os.scandir(out):
        name = entry.name
        if name.startswith(prefixes) and name.endswith((".tmp", ".tmp.old")) and entry.is_file():
            try:
                os.unlink(entry.path)
                gone.append(name)
            except OSError:
                pass  # left for the next build
    return sorted(gone)
