"""`kg diff`: what a curation change adds to or removes from the graph, before it lands.

Both sides are graphs, not YAML: the current seeds are loaded and turned into quads exactly as
`kg build` would (kg.curation + kg.build.make_graphs); the other side is the last build's
N-Quads file or the seeds of a git revision, built the same way. Comparing quads means a
reviewer sees what the graph will say, including facts a renamed id silently moves.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from kg.build import make_graphs
from kg.curation import load_project
from kg.derived import GRAPH as DERIVED_GRAPH
from kg.ontology import load_ontology
from kg.vocab import BASE, KG, entity_id_of

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_FACT_PREFIX = str(KG._NS)
_RECORDS = {"Membership": "posts", "Quotation": "quotes", "Claim": "claims"}


class DiffError(Exception):
    """One side of the comparison cannot be read; the message says why."""


@dataclass
class GraphChange:
    """The change of one named graph: entities and facts added and removed."""

    graph: str
    entities_added: list[str] = field(default_factory=list)
    entities_removed: list[str] = field(default_factory=list)
    facts_added: list[tuple[str, str, str]] = field(default_factory=list)
    facts_removed: list[tuple[str, str, str]] = field(default_factory=list)
    records_added: dict[str, int] = field(default_factory=dict)  # posts, quotes, claims by class
    records_removed: dict[str, int] = field(default_factory=dict)
    other_added: int = 0
    other_removed: int = 0

    @property
    def empty(self) -> bool:
        return not (
            self.entities_added
            or self.entities_removed
            or self.facts_added
            or self.facts_removed
            or self.records_added
            or self.records_removed
            or self.other_added
            or self.other_removed
        )


def current_quads(root: Path, include_drafts: bool = True) -> set[Quad]:
    """The quads `kg build` would write for the seeds under ``root`` now."""
    curation = load_project(root, include_drafts=include_drafts)
    return {q for quads in make_graphs(curation).values() for q in quads}


def build_quads(nq: Path) -> set[Quad]:
    """The curated quads of a previous build (its kg.nq without the derived graph, which
    summarises the others and is not curation)."""
    if not nq.exists():
        raise DiffError(f"no previous build at {nq.as_posix()}: run `kg build` first, or use --rev")
    quads = pyoxigraph.parse(path=str(nq), format=RdfFormat.N_QUADS)
    derived = NamedNode(DERIVED_GRAPH)
    return {q for q in quads if q.graph_name != derived}


def revision_quads(root: Path, rev: str, include_drafts: bool = True) -> set[Quad]:
    """The quads of the seeds as they were at git revision ``rev``."""
    try:
        where = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel", "--show-prefix"],
            check=True,
            capture_output=True,
        ).stdout.decode()
        top, prefix = ([*where.splitlines(), ""])[:2]
        # REV:path archives that folder alone, wherever the project sits in the repository
        archive = subprocess.run(
            [
                "git",
                "-C",
                top,
                "archive",
                "--format=tar",
                "--prefix=seeds/",
                f"{rev}:{prefix}seeds",
            ],
            check=True,
            capture_output=True,
        ).stdout
    except FileNotFoundError:
        raise DiffError("git is not installed; compare with the last build instead") from None
    except subprocess.CalledProcessError as exc:
        msg = exc.stderr.decode(errors="replace").strip().splitlines()
        raise DiffError(
            f"cannot read seeds at revision '{rev}': {msg[-1] if msg else exc}"
        ) from None
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        return current_quads(Path(tmp), include_drafts)


def _label(term: object, labels: dict[str, str]) -> str:
    if isinstance(term, NamedNode):
        eid = entity_id_of(term.value)
        if eid is not None:
            return eid
        if term.value.startswith(_FACT_PREFIX):
            return term.value[len(_FACT_PREFIX) :]
        return labels.get(term.value, term.value)
    if isinstance(term, Literal):
        return term.value
    return str(term)


def compare(before: set[Quad], after: set[Quad]) -> list[GraphChange]:
    """Per named graph, what changed; facts are triples between entities or to literals."""
    added, removed = after - before, before - after
    rels = set(load_ontology().relations)  # the curation relations: facts, not annotations
    changes: dict[str, GraphChange] = {}

    def change(q: Quad) -> GraphChange:
        g = q.graph_name.value if isinstance(q.graph_name, NamedNode) else "default"
        name = g[len(BASE + "graph/") :] if g.startswith(BASE + "graph/") else g
        return changes.setdefault(name, GraphChange(name))

    for quads, sign in ((added, 1), (removed, -1)):
        for q in sorted(quads, key=str):
            c = change(q)
            s = entity_id_of(q.subject.value) if isinstance(q.subject, NamedNode) else None
            p = q.predicate.value
            if s is not None and p == RDF_TYPE:
                (c.entities_added if sign > 0 else c.entities_removed).append(s)
            elif p == RDF_TYPE and _label(q.object, {}) in _RECORDS:
                counts = c.records_added if sign > 0 else c.records_removed
                name = _RECORDS[_label(q.object, {})]
                counts[name] = counts.get(name, 0) + 1
            elif s is not None and p.startswith(_FACT_PREFIX) and p[len(_FACT_PREFIX) :] in rels:
                triple = (s, p[len(_FACT_PREFIX) :], _label(q.object, {}))
                (c.facts_added if sign > 0 else c.facts_removed).append(triple)
            elif sign > 0:
                c.other_added += 1
            else:
                c.other_removed += 1
    return [changes[k] for k in sorted(changes) if not changes[k].empty]


def render(changes: list[GraphChange]) -> str:
    """Plain text for the terminal or a review comment."""
    if not changes:
        return "no change to the graph\n"
    out: list[str] = []
    for c in changes:
        out.append(f"graph {c.graph}:")
        for eid in c.entities_added:
            out.append(f"  + entity {eid}")
        for eid in c.entities_removed:
            out.append(f"  - entity {eid}")
        for s, p, o in c.facts_added:
            out.append(f"  + {s} {p} {o}")
        for s, p, o in c.facts_removed:
            out.append(f"  - {s} {p} {o}")
        for sign, counts in (("+", c.records_added), ("-", c.records_removed)):
            for name, n in sorted(counts.items()):
                out.append(f"  {sign} {n} {name}")
        if c.other_added or c.other_removed:
            out.append(
                f"  ({c.other_added} other triples added, {c.other_removed} removed: "
                "labels, evidence, assertions, mentions)"
            )
    summary = defaultdict(int)
    for c in changes:
        summary["facts +"] += len(c.facts_added)
        summary["facts -"] += len(c.facts_removed)
        summary["entities +"] += len(c.entities_added)
        summary["entities -"] += len(c.entities_removed)
    out.append(
        f"{summary['entities +']} entities added, {summary['entities -']} removed; "
        f"{summary['facts +']} facts added, {summary['facts -']} removed"
    )
    return "\n".join(out) + "\n"
