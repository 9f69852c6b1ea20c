"""The standard serialisations of the built dataset, one small function per format.

Each writer takes the sorted quads and returns bytes, so the build can write them all the same
way (atomically) and a test can compare two builds byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Triple

from kg.vocab import PREFIXES

Writer = Callable[[Sequence[Quad]], bytes]


def union_triples(quads: Sequence[Quad]) -> list[Triple]:
    """The union of all named graphs, each triple once, sorted."""
    unique = {Triple(q.subject, q.predicate, q.object) for q in quads}
    return sorted(unique, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def trig(quads: Sequence[Quad]) -> bytes:
    return pyoxigraph.serialize(quads, format=RdfFormat.TRIG, prefixes=PREFIXES) or b""


def nquads(quads: Sequence[Quad]) -> bytes:
    return pyoxigraph.serialize(quads, format=RdfFormat.N_QUADS) or b""


def turtle(quads: Sequence[Quad]) -> bytes:
    triples = union_triples(quads)
    return pyoxigraph.serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def jsonld(quads: Sequence[Quad]) -> bytes:
    return pyoxigraph.serialize(quads, format=RdfFormat.JSON_LD) or b""


@dataclass(frozen=True)
class Output:
    name: str
    filename: str
    write: Writer
    description: str


OUTPUTS = (
    Output("trig", "kg.trig", trig, "TriG: every named graph"),
    Output("turtle", "kg.ttl", turtle, "Turtle: the union of all graphs"),
    Output("jsonld", "kg.jsonld", jsonld, "JSON-LD (expanded): every named graph"),
    Output("nquads", "kg.nq", nquads, "N-Quads: every named graph, one quad per line"),
)
