"""The build cache: each graph's rendered output pieces, keyed by a digest of its inputs.

It lets `kg build` rebuild, re-validate and re-render only the articles whose curation or
text changed. Anything that could change every graph (the code, the ontology, the shapes, any
entity definition, the drafts option) is part of every key, so a stale piece is never reused.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.atomic import write_text
from kg.outputs import Chunks

FORMAT = 1
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


@dataclass
class BuildCache:
    folder: Path
    key: str = ""  # digest of everything shared by all graphs
    graphs: dict[str, CachedGraph] = field(default_factory=dict)
    stats: dict[str, list[object]] = field(default_factory=dict)  # see kg.build._scan
    staged: dict[str, Chunks] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # staged pieces already on disk as .tmp

    @classmethod
    def load(cls, folder: Path) -> BuildCache:
        """The cache in ``folder``, or an empty one if it is missing or unreadable."""
        try:
            index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
            if index.get("format") != FORMAT:
                raise ValueError("old cache format")
            graphs = {name: CachedGraph(**g) for name, g in index["graphs"].items()}
            return cls(folder, index["key"], graphs, index.get("stats", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(folder)

    def valid(self, name: str, inputs: str) -> bool:
        """Whether the cached pieces of ``name`` were built from exactly these inputs."""
        cached = self.graphs.get(name)
        return cached is not None and cached.inputs == inputs and self._path(name).exists()

    def chunks(self, name: str) -> Chunks:
        """The stored pieces of a graph (staged ones first)."""
        if name in self.staged:
            return self.staged[name]
        data = self._path(name).read_bytes()
        parts, at = [], 0
        for _ in Chunks.FIELDS:
            (size,) = struct.unpack_from(">Q", data, at)
            at += 8
            parts.append(data[at : at + size])
            at += size
        return Chunks(*parts)

    def stage(self, name: str, chunks: Chunks, record: CachedGraph) -> None:
        self.staged[name] = chunks
        self.graphs[name] = record

    def write_staged(self) -> None:
        """Write the staged pieces beside their final names; `commit` renames them. Safe to run
        in a thread while the store loads: nothing is visible to a later build until commit."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, chunks in list(self.staged.items()):
            if name in self.written:
                continue
            blob = b"".join(
                struct.pack(">Q", len(part)) + part
                for part in (getattr(chunks, f) for f in Chunks.FIELDS)
            )
            self._path(name).with_suffix(".tmp").write_bytes(blob)
            self.written.add(name)

    def discard_staged(self) -> None:
        """Remove pieces written for a build that failed."""
        for name in self.written:
            self._path(name).with_suffix(".tmp").unlink(missing_ok=True)
        self.written.clear()

    def commit(self, key: str, keep: set[str], stats: dict[str, list[object]]) -> None:
        """Move staged pieces into place and write the index; forget graphs not in ``keep``."""
        self.write_staged()
        for name in self.staged:
            self._path(name).with_suffix(".tmp").replace(self._path(name))
        for name in set(self.graphs) - keep:
            del self.graphs[name]
            self._path(name).unlink(missing_ok=True)
        self.key = key
        self.stats = stats
        index = {
            "format": FORMAT,
            "key": key,
            "graphs": {name: asdict(g) for name, g in sorted(self.graphs.items())},
            "stats": stats,
        }
        write_text(self.folder / "index.json", json.dumps(index, sort_keys=True) + "\n")
        self.staged.clear()
        self.written.clear()

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.chunks"
