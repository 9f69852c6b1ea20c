"""The build cache: each graph's rendered output pieces, keyed by a digest of its inputs.

It lets `kg build` rebuild, re-validate and re-render only the articles whose curation or
text changed. Anything that could change every graph (the code, the ontology, the shapes, any
entity definition, the drafts option) is part of every key, so a stale piece is never reused.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kg.atomic import write_text
from kg.outputs import Chunks, piece_lengths

# 2: pieces carry the graph's summary for kg.derived; 3: pieces in pack files; 4: the pieces'
# lengths in the output files, and which output files the index describes (kg.outputs.Previous)
FORMAT = 4
PACKAGE = Path(__file__).resolve().parent


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_digest() -> str:
    """Digest of the package source and the ontology files: a new kg invalidates the cache."""
    from kg.vocab import ONTOLOGY_PATH, SHAPES_PATH

    digest = hashlib.sha256()
    for path in [*sorted(PACKAGE.rglob("*.py")), ONTOLOGY_PATH, SHAPES_PATH]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class CachedGraph:
    """What the cache remembers of one graph."""

    inputs: str  # digest of the inputs the graph was built from
    quads: int
    entities: list[dict[str, object]] = field(default_factory=list)  # article-local definitions
    left_out: int = 0  # unreviewed suggestions not built (with --include-drafts)
    pack: str = ""  # the pack file holding its pieces, and where in it
    at: int = 0
    size: int = 0
    summary: int = 0  # bytes of its kg.derived summary, the end of its pieces
    pieces: list[int] = field(default_factory=list)  # its pieces' lengths in the output files


@dataclass
class BuildCache:
    """The index (index.json) and the pieces, packed into a few files.

    A build appends every graph it renders to one new pack (``pack-NNNNNN.tmp``), renamed to
    ``.pack`` when the build commits; a pack no graph refers to any more is then deleted. One
    file per build rather than one per graph: at 10,000 articles the per-file creates, renames
    and deletions were ~3 s of a full build.
    """

    folder: Path
    key: str = ""  # digest of everything shared by all graphs
    graphs: dict[str, CachedGraph] = field(default_factory=dict)
    stats: dict[str, list[object]] = field(default_factory=dict)  # see kg.build._scan
    written: set[str] = field(default_factory=set)  # graphs staged by this build
    staging: BinaryIO | None = field(default=None, repr=False)  # this build's pack, being written
    staging_name: str = ""
    readers: dict[str, int] = field(default_factory=dict, repr=False)  # open packs
    # the output files the last build wrote (kg.outputs.describe), and its graphs' records
    outputs: dict[str, Any] = field(default_factory=dict)
    # reads and staging from two threads (kg.build writes the outputs on a thread)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    committed: dict[str, CachedGraph] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        """The cache in ``folder``, or an empty one if it is missing or unreadable."""
        try:
            index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            if index.get("format") != FORMAT:
                raise ValueError("old cache format")
            graphs = {name: CachedGraph(**g) for name, g in index["graphs"].items()}
            ends: dict[str, int] = {}
            for g in graphs.values():
                ends[g.pack] = max(ends.get(g.pack, 0), g.at + g.size)
            for pack, end in ends.items():  # a pack missing or cut short: build afresh
                if (folder / f"{pack}.pack").stat().st_size < end:
                    raise ValueError(f"cache pack {pack} is shorter than its index says")
            cache = cls(folder, index["key"], graphs, index.get("stats", {}))
            cache.outputs = index.get("outputs", {})
            cache.committed = dict(graphs)
            return cache
        except (OSError, ValueError, KeyError, TypeError):
            return cls(folder)

    def committed_pieces(self) -> dict[str, tuple[int, int, int, int]]:
        """Each graph's piece lengths in the output files as of the last commit."""
        lengths = {}
        for name, record in self.committed.items():
            if len(record.pieces) == 4:
                trig, turtle, jsonld, nquads = record.pieces
                lengths[name] = (trig, turtle, jsonld, nquads)
        return lengths

    def valid(self, name: str, inputs: str) -> bool:
        """Whether the cached pieces of ``name`` were built from exactly these inputs."""
        cached = self.graphs.get(name)
        return cached is not None and cached.inputs == inputs and bool(cached.pack)

    def chunks(self, name: str) -> Chunks:
        """The stored pieces of a graph (staged ones included)."""
        record = self.graphs[name]
        data = self._read(record, record.at, record.size)
        parts, at = [], 0
        for _ in Chunks.FIELDS:
            (size,) = struct.unpack_from(">Q", data, at)
            at += 8
            parts.append(data[at : at + size])
            at += size
        return Chunks(*parts)

    def summary(self, name: str) -> bytes:
        """A graph's summary for kg.derived alone (read without the rest of its pieces)."""
        record = self.graphs[name]
        return self._read(record, record.at + record.size - record.summary, record.summary)

    def stage(self, name: str, chunks: Chunks, record: CachedGraph) -> None:
        """Append a graph's new pieces to this build's pack (nothing a later build reads until
        `commit`), so a large build does not hold every rendered graph in memory."""
        blob = b"".join(
            struct.pack(">Q", len(part)) + part
            for part in (getattr(chunks, f) for f in Chunks.FIELDS)
        )
        record.summary = len(chunks.derived)  # the last field: see summary()
        if not record.pieces:
            record.pieces = list(piece_lengths(chunks))
        with self.lock:
            if self.staging is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                numbers = [
                    int(p.stem[5:]) for p in self.folder.glob("pack-*.*") if p.stem[5:].isdigit()
                ]
                self.staging_name = f"pack-{max(numbers, default=0) + 1:06d}"
                self.staging = self._path(self.staging_name, ".tmp").open("wb")
            record.pack, record.at, record.size = self.staging_name, self.staging.tell(), len(blob)
            self.staging.write(blob)
        self.written.add(name)
        self.graphs[name] = record

    def discard_staged(self) -> None:
        """Remove the pieces staged by a build that failed."""
        self._close()
        if self.staging_name:
            self._path(self.staging_name, ".tmp").unlink(missing_ok=True)
        self.staging_name = ""
        self.written.clear()

    def commit(
        self,
        key: str,
        keep: set[str],
        stats: dict[str, list[object]],
        outputs: dict[str, Any],
    ) -> None:
        """Move this build's pack into place and write the index; forget graphs not in
        ``keep`` and delete the packs nothing refers to any more. ``outputs``: the output
        files as they now are (kg.outputs.describe)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._close()
        if self.staging_name:
            self._path(self.staging_name, ".tmp").replace(self._path(self.staging_name, ".pack"))
        self.staging_name = ""
        self.written.clear()
        for name in set(self.graphs) - keep:
            del self.graphs[name]
        self.key = key
        self.stats = stats
        self.outputs = outputs
        self.committed = dict(self.graphs)
        index = {
            "format": FORMAT,
            "key": key,
            # vars(), not dataclasses.asdict: asdict deep-copies every entity of every graph
            # (0.6 s of an incremental build at 10,000 articles)
            "graphs": {name: vars(g) for name, g in sorted(self.graphs.items())},
            "stats": stats,
            "outputs": outputs,
        }
        write_text(self.folder / "index.json", json.dumps(index, sort_keys=True) + "\n")
        used = {g.pack for g in self.graphs.values()}
        for path in self.folder.iterdir():  # old packs, a crashed build's, an older format's
            old_pack = path.name.startswith("pack-") and path.stem not in used
            if old_pack or path.suffix == ".chunks" or path.name.endswith(".chunks.tmp"):
                path.unlink(missing_ok=True)

    def _read(self, record: CachedGraph, at: int, size: int) -> bytes:
        """``size`` bytes at ``at`` of the record's pack (this build's included)."""
        with self.lock:
            if record.pack == self.staging_name and self.staging is not None:
                self.staging.flush()
            fd = self._reader(record.pack)
        data = os.pread(fd, size, at)
        if len(data) != size:
            raise OSError(f"cache pack {record.pack} is shorter than its index says")
        return data

    def _reader(self, pack: str) -> int:
        fd = self.readers.get(pack)
        if fd is None:
            suffix = ".tmp" if pack == self.staging_name else ".pack"
            fd = self.readers[pack] = os.open(self._path(pack, suffix), os.O_RDONLY)
        return fd

    def _close(self) -> None:
        if self.staging is not None:
            self.staging.close()
            self.staging = None
        for fd in self.readers.values():
            os.close(fd)
        self.readers.clear()

    def _path(self, pack: str, suffix: str) -> Path:
        return self.folder / f"{pack}{suffix}"
