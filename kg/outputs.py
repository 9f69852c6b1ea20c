"""The standard serialisations of the built dataset, written graph by graph.

Each named graph is rendered once into its piece of every output file (`Chunks`); a file is
the prefix header followed by the pieces in graph order. Because the pieces of an unchanged
graph can be reused from the build cache, an incremental build writes byte-for-byte the same
files as a full one. The union Turtle file repeats a subject in each graph that describes it,
which Turtle allows; parsers merge them.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Triple

from kg.atomic import file_mode, swap_into_place
from kg.derived import summarise
from kg.vocab import PREFIXES

PREFIX_HEADER = "".join(f"@prefix {k}: <{v}> .\n" for k, v in PREFIXES.items()).encode()


@dataclass(frozen=True)
class Chunks:
    """One graph's piece of each output file, and its summary for the derived graph."""

    trig: bytes
    turtle: bytes
    jsonld: bytes
    nquads: bytes
    derived: bytes = b""  # kg.derived.summarise: what the graph adds to the corpus aggregates

    FIELDS = ("trig", "turtle", "jsonld", "nquads", "derived")


@dataclass(frozen=True)
class Output:
    field: str
    filename: str
    description: str
    head: bytes
    separator: bytes
    tail: bytes


OUTPUTS = (
    Output("trig", "kg.trig", "TriG: every named graph", PREFIX_HEADER, b"", b""),
    Output("turtle", "kg.ttl", "Turtle: the union of all graphs", PREFIX_HEADER, b"", b""),
    Output(
        "jsonld", "kg.jsonld", "JSON-LD (expanded): every named graph", b"[\n", b",\n", b"\n]\n"
    ),
    Output("nquads", "kg.nq", "N-Quads: one quad per line", b"", b"", b""),
)


def _without_prefixes(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    return b"".join(lines[start:])


def render(quads: Sequence[Quad], summary: bool = True) -> Chunks:
    """The pieces of one graph (its quads sorted) for every output, and (``summary``) what it
    adds to the derived graph."""
    triples = [Triple(q.subject, q.predicate, q.object) for q in quads]
    trig = pyoxigraph.serialize(quads, format=RdfFormat.TRIG, prefixes=PREFIXES) or b""
    turtle = pyoxigraph.serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    jsonld = pyoxigraph.serialize(quads, format=RdfFormat.JSON_LD) or b"[]"
    nquads = pyoxigraph.serialize(quads, format=RdfFormat.N_QUADS) or b""
    return Chunks(
        trig=_without_prefixes(trig),
        turtle=_without_prefixes(turtle),
        jsonld=jsonld.strip()[1:-1],
        nquads=nquads,
        derived=summarise(quads) if summary else b"",
    )


Pieces = tuple[int, int, int, int]  # a graph's piece lengths in each output, OUTPUTS' order


def piece_lengths(chunks: Chunks) -> Pieces:
    trig, turtle, jsonld, nquads = (len(getattr(chunks, o.field)) for o in OUTPUTS)
    return trig, turtle, jsonld, nquads


def describe(out: Path, order: Sequence[str]) -> dict[str, object]:
    """What identifies the output files just written (their graphs in order, and each file's
    size, modification time and inode), kept in the build cache's index so the next build can
    tell the files are still exactly these (see `Previous.open`)."""
    files = {}
    for output in OUTPUTS:
        st = os.stat(out / output.filename)
        files[output.filename] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return {"order": list(order), "files": files}


def as_described(out: Path, described: dict[str, Any]) -> bool:
    """Whether every output file is still as `describe` recorded it."""
    try:
        for output in OUTPUTS:
            st = os.stat(out / output.filename)
            if [st.st_size, st.st_mtime_ns, st.st_ino] != described["files"][output.filename]:
                return False
    except (OSError, KeyError, TypeError):
        return False
    return True


@dataclass
class Previous:
    """The output files of the last build, open for copying the pieces of graphs that did not
    change: after one article changed, the new files are the old bytes but for that article's
    pieces and the derived graph's, so most of ~1 GB is copied by the kernel (a few
    ``copy_file_range`` calls) instead of read from the cache and written from Python.

    Only used while every file is exactly as the last build left it (size, modification time
    and inode as recorded), and its size is what the recorded pieces add up to."""

    fds: dict[str, int]  # output field -> the open previous file
    starts: dict[str, Pieces]  # graph -> where its piece starts in each file
    lengths: dict[str, Pieces]  # graph -> its piece's length in each file

    @classmethod
    def open(
        cls, out: Path, described: dict[str, Any], lengths: dict[str, Pieces]
    ) -> Previous | None:
        """The previous files as `describe` recorded them, with the recorded piece lengths of
        their graphs; None when any file is missing or not what was recorded."""
        fds: dict[str, int] = {}
        try:
            order = described["order"]
            pieces = [lengths[name] for name in order]
            starts = _layout(pieces)
            for i, output in enumerate(OUTPUTS):
                size, mtime, inode = described["files"][output.filename]
                path = out / output.filename
                fd = os.open(path, os.O_RDONLY)
                fds[output.field] = fd
                st = os.fstat(fd)
                if [st.st_size, st.st_mtime_ns, st.st_ino] != [size, mtime, inode]:
                    raise ValueError(f"{path} changed since the last build")
                if starts[-1][i] != size:
                    raise ValueError(f"{path} is not the size its pieces add up to")
        except (OSError, ValueError, KeyError, TypeError):
            for fd in fds.values():
                os.close(fd)
            return None
        at = dict(zip(order, starts[:-1], strict=True))
        return cls(fds, at, dict(zip(order, pieces, strict=True)))

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()


def _layout(pieces: Sequence[Pieces]) -> list[Pieces]:
    """Where each graph's piece starts in each output file, as `write_outputs` lays them out,
    and last the size of each file."""
    at = [len(o.head) for o in OUTPUTS]
    first = [True] * len(OUTPUTS)
    starts: list[Pieces] = []
    for lengths in pieces:
        here = []
        for i, output in enumerate(OUTPUTS):
            if lengths[i]:
                if not first[i]:
                    at[i] += len(output.separator)
                first[i] = False
            here.append(at[i])
            at[i] += lengths[i]
        starts.append((here[0], here[1], here[2], here[3]))
    ends = [at[i] + len(o.tail) for i, o in enumerate(OUTPUTS)]
    starts.append((ends[0], ends[1], ends[2], ends[3]))
    return starts


def write_outputs(
    out: Path,
    pieces: Iterable[Chunks | str],
    previous: Previous | None = None,
    last: Callable[[], Chunks] | None = None,
) -> dict[str, Path]:
    """Stream every output into temp files beside the final ones; return them, not yet renamed.

    Each item of ``pieces`` is a graph's rendered pieces, or the name of a graph whose pieces
    are copied from the ``previous`` files; ``last`` gives the last graph's pieces, asked for
    once everything before them is written (it may wait for them to be made). The caller
    renames the files into place with `commit` once every other stage has succeeded.
    """
    out.mkdir(parents=True, exist_ok=True)
    files: list[_File] = []
    temps: dict[str, Path] = {}
    try:
        for output in OUTPUTS:
            fd, name = tempfile.mkstemp(dir=out, prefix=f".{output.filename}.", suffix=".tmp")
            os.fchmod(fd, file_mode())
            temps[output.filename] = Path(name)
            source = previous.fds[output.field] if previous else -1
            files.append(_File(os.fdopen(fd, "wb"), output.separator, source))
            files[-1].handle.write(output.head)
        for piece in pieces:
            if isinstance(piece, str):
                assert previous is not None
                starts, lengths = previous.starts[piece], previous.lengths[piece]
                for i, file in enumerate(files):
                    file.copy(starts[i], lengths[i])
            else:
                for output, file in zip(OUTPUTS, files, strict=True):
                    file.write(getattr(piece, output.field))
        for file in files:
            file.flush_run()
        if last is not None:
            final = last()
            for output, file in zip(OUTPUTS, files, strict=True):
                file.write(getattr(final, output.field))
        for output, file in zip(OUTPUTS, files, strict=True):
            file.write_tail(output.tail)
    except BaseException:
        for path in temps.values():
            path.unlink(missing_ok=True)
        raise
    finally:
        for file in files:
            file.handle.close()
    return temps


@dataclass
class _File:
    """One output being written: pieces written, or ranges of the previous file copied (runs
    of adjacent pieces gathered into one copy)."""

    handle: BinaryIO
    separator: bytes
    source: int  # the previous file, or -1
    first: bool = True
    run: tuple[int, int] | None = None  # a range of the previous file still to be copied

    def write(self, data: bytes) -> None:
        if data:
            self.flush_run()
            if not self.first:
                self.handle.write(self.separator)
            self.first = False
            self.handle.write(data)

    def copy(self, start: int, length: int) -> None:
        if not length:
            return
        if self.run is not None and self.run[1] + len(self.separator) == start:
            self.run = (self.run[0], start + length)  # the separator between comes with it
        else:
            self.flush_run()
            if not self.first:
                self.handle.write(self.separator)
            self.run = (start, start + length)
        self.first = False

    def write_tail(self, tail: bytes) -> None:
        self.flush_run()
        self.handle.write(tail)

    def flush_run(self) -> None:
        if self.run is None:
            return
        start, end = self.run
        self.run = None
        self.handle.flush()
        _copy_range(self.source, self.handle.fileno(), start, end - start)


def _copy_range(source: int, target: int, start: int, count: int) -> None:
    """Append ``count`` bytes of ``source`` from ``start`` to ``target`` (at its position):
    in the kernel where it can (copy_file_range), else through a buffer."""
    copy = getattr(os, "copy_file_range", None)
    while count:
        if copy is not None:
            try:
                done = copy(source, target, count, start)
            except OSError as err:
                if err.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                    raise
                copy = None
                continue
        else:
            data = os.pread(source, min(count, 1 << 20), start)
            done = os.write(target, data) if data else 0
            if done < len(data):
                raise OSError(errno.EIO, "short write")
        if done <= 0:
            raise OSError(errno.EIO, "the previous output file is shorter than recorded")
        start += done
        count -= done


def commit(out: Path, temps: dict[str, Path]) -> list[Path]:
    """Rename staged outputs into place; return where the files they replaced now are, for
    the caller to delete (kg.atomic.Sweeper: freeing ~1 GB is best done off the main path)."""
    replaced = []
    for filename, temp in temps.items():
        old = swap_into_place(temp, out / filename)
        if old is not None:
            replaced.append(old)
    return replaced


def discard(temps: dict[str, Path]) -> None:
    for temp in temps.values():
        temp.unlink(missing_ok=True)
