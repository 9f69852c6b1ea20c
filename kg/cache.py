"""The build cache: each graph's rendered output pieces, keyed by a digest of its inputs.

It lets `kg build` rebuild, re-validate and re-render only the articles whose curation or
text changed. Anything that could change every graph (the code, the ontology, the shapes, any
entity definition, the drafts option) is part of every key, so a stale piece is never reused.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

from kg.atomic import write_text
from kg.outputs import Chunks

FORMAT = 2  # 2: pieces carry the graph's summary for kg.derived
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
    written: set[str] = field(default_factory=set)  # graphs staged by this build

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
        data = (self._staged(name) if name in self.written else self._path(name)).read_bytes()
        parts, at = [], 0
        for _ in Chunks.FIELDS:
            (size,) = struct.unpack_from(">Q", data, at)
            at += 8
            parts.append(data[at : at + size])
            at += size
        return Chunks(*parts)

    def stage(self, name: str, chunks: Chunks, record: CachedGraph) -> None:
        """Write a graph's new pieces beside their final name (nothing a later build reads until
        `commit`), so a large build does not hold every rendered graph in memory."""
        self.folder.mkdir(parents=True, exist_ok=True)
        blob = b"".join(
            struct.pack(">Q", len(part)) + part
            for part in (getattr(chunks, f) for f in Chunks.FIELDS)
        )
        self._staged(name).write_bytes(blob)
        self.written.add(name)
        self.graphs[name] = record

    def discard_staged(self) -> None:
        """Remove the pieces staged by a build that failed."""
        for name in self.written:
            self._staged(name).unlink(missing_ok=True)
        self.written.clear()

    def commit(self, key: str, keep: set[str], stats: dict[str, list[object]]) -> None:
        """Move staged pieces into place and write the index; forget graphs not in ``keep``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in self.written:
            self._staged(name).replace(self._path(name))
        self.written.clear()
        for name in set(self.graphs) - keep:
            del self.graphs[name]
            self._path(name).unlink(missing_ok=True)
        self.key = key
        self.stats = stats
        index = {
            "format": FORMAT,
            "key": key,
            # vars(), not dataclasses.asdict: asdict deep-copies every entity of every graph
            # (0.6 s of an incremental build at 10,000 articles)
            "graphs": {name: vars(g) for name, g in sorted(self.graphs.items())},
            "stats": stats,
        }
        write_text(self.folder / "index.json", json.dumps(index, sort_keys=True) + "\n")

    def _staged(self, name: str) -> Path:
        return self.folder / f"{name}.chunks.tmp"

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.chunks"
