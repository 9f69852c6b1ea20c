"""The standard serialisations of the built dataset, written graph by graph.

Each named graph is rendered once into its piece of every output file (`Chunks`); a file is
the prefix header followed by the pieces in graph order. Because the pieces of an unchanged
graph can be reused from the build cache, an incremental build writes byte-for-byte the same
files as a full one. The union Turtle file repeats a subject in each graph that describes it,
which Turtle allows; parsers merge them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def write_outputs(out: Path, pieces: Iterable[Chunks]) -> dict[str, Path]:
    """Stream every output into temp files beside the final ones; return them, not yet renamed.

    The caller renames them into place with `commit` once every other stage has succeeded.
    """
    out.mkdir(parents=True, exist_ok=True)
    handles = {}
    temps: dict[str, Path] = {}
    try:
        for output in OUTPUTS:
            fd, name = tempfile.mkstemp(dir=out, prefix=f".{output.filename}.", suffix=".tmp")
            os.fchmod(fd, file_mode())
            handles[output.field] = os.fdopen(fd, "wb")
            temps[output.filename] = Path(name)
            handles[output.field].write(output.head)
        first = {o.field: True for o in OUTPUTS}
        for chunk in pieces:
            for output in OUTPUTS:
                data = getattr(chunk, output.field)
                if not data:
                    continue
                if not first[output.field]:
                    handles[output.field].write(output.separator)
                first[output.field] = False
                handles[output.field].write(data)
        for output in OUTPUTS:
            handles[output.field].write(output.tail)
    except BaseException:
        for path in temps.values():
            path.unlink(missing_ok=True)
        raise
    finally:
        for handle in handles.values():
            handle.close()
    return temps


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
