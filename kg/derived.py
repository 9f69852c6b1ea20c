"""Derived triples: summaries of the whole dataset that every build computes into their own graph.

Some named queries aggregate over the whole corpus (the first article that mentions an entity,
how many articles mention it, which facts only one article states, which claims disagree).
Evaluated at query time they take seconds at 10,000 articles; computed once per build they are
a lookup. They are computed summaries, not curated facts: no evidence, no kg:Assertion, no
rdf:type, and they live only in ``<https://kg.invalid/graph/derived>`` (docs/scale.md lists
every term and what it is computed from; ontology/kg.ttl declares them).

How: when a graph is rendered (kg.outputs.render) its quads are boiled down to a small JSON
*summary* of what the aggregates read (article dates and mentions, assertion triples, claims,
entity labels), kept with the graph's other pieces in the build cache. After every build that
changed anything, :func:`stream` reads the summaries as the outputs are written (the pieces
are read then anyway), merges them and appends the derived graph last, so a rebuild of one
article recomputes the derived graph from cached summaries without touching the store.
Merging by IRI gives the union-graph semantics the queries had.
"""

from __future__ import annotations

import hashlib
import json
import struct
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad

from kg.vocab import BASE, NS, ONTOLOGY_PATH, graph_iri

if TYPE_CHECKING:
    from kg.cache import BuildCache
    from kg.outputs import Chunks

NAME = "derived"
GRAPH = graph_iri(NAME)
PAIR_PREFIX = f"{BASE}derived/claim-pair/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA_MENTIONS = "https://schema.org/mentions"
DCTERMS_DATE = "http://purl.org/dc/terms/date"
OA = "http://www.w3.org/ns/oa#"
ENTITY_PREFIX = f"{BASE}id/"

# the predicates a summary reads; every other quad is skipped at once
_READ = {
    RDF + "type": "type",
    SCHEMA_MENTIONS: "mentions",
    DCTERMS_DATE: "date",
    RDFS_LABEL: "label",
    RDF + "subject": "s",
    RDF + "predicate": "p",
    RDF + "object": "o",
    NS + "statedIn": "statedIn",
    NS + "evidence": "evidence",
    OA + "hasSelector": "selector",
    OA + "exact": "exact",
    NS + "measure": "measure",
    NS + "value": "value",
    NS + "unit": "unit",
    NS + "concerns": "concerns",
    NS + "periodStart": "periodStart",
    NS + "periodEnd": "periodEnd",
    NS + "claimDate": "claimDate",
    NS + "attributedTo": "attributedTo",
}
_ARTICLE, _ASSERTION, _CLAIM = NS + "Article", NS + "Assertion", NS + "Claim"


# ------------------------------------------------------------------------------ summaries


def _term(term: Any) -> list[str]:
    """A term as [value, tag]: tag "" for an IRI, else the literal's datatype or @language."""
    if isinstance(term, Literal):
        return [term.value, f"@{term.language}" if term.language else term.datatype.value]
    return [term.value, ""]


def summarise(quads: Sequence[Quad]) -> bytes:
    """What one graph contributes to the aggregates, as compact JSON (deterministic: the quads
    come sorted). Read by :func:`derive` after the graph has been rendered and cached."""
    props: dict[str, dict[str, list[Any]]] = {}
    for q in quads:
        key = _READ.get(q.predicate.value)
        if key is not None:
            props.setdefault(q.subject.value, {}).setdefault(key, []).append(q.object)

    def values(subject: str, key: str) -> list[str]:
        return [o.value for o in props.get(subject, {}).get(key, ())]

    def quotes(subject: str) -> list[str]:
        return [
            exact
            for ev in values(subject, "evidence")
            for sel in values(ev, "selector")
            for exact in values(sel, "exact")
        ]

    out: dict[str, Any] = {"articles": [], "dates": {}, "mentions": {}, "labels": {}}
    out["facts"], out["claims"] = [], []
    for subject, p in props.items():
        types = {o.value for o in p.get("type", ())}
        if _ARTICLE in types:
            out["articles"].append(subject)
        if "date" in p:
            out["dates"][subject] = values(subject, "date")
        if "mentions" in p:
            out["mentions"][subject] = values(subject, "mentions")
        if "label" in p and subject.startswith(ENTITY_PREFIX):
            out["labels"][subject] = values(subject, "label")
        if "s" in p:  # one row per subject, predicate and object (built assertions have one)
            typed = int(_ASSERTION in types)
            stated = values(subject, "statedIn")
            for s_, p_, o in product(values(subject, "s"), values(subject, "p"), p.get("o", ())):
                out["facts"].append([subject, typed, s_, p_, *_term(o), stated])
        if "measure" in p and "value" in p:
            claim = {k: values(subject, k) for k in _CLAIM_KEYS}
            claim.update(iri=subject, quotes=quotes(subject))
            out["claims"].append(claim)
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode()


_CLAIM_KEYS = (
    "measure",
    "value",
    "unit",
    "concerns",
    "periodStart",
    "periodEnd",
    "claimDate",
    "statedIn",
    "attributedTo",
)


# ------------------------------------------------------------------------------ the aggregates


@dataclass
class _Merged:
    """The summaries of every graph, merged by IRI (the union graph the queries read)."""

    articles: set[str] = field(default_factory=set)
    dates: dict[str, list[str]] = field(default_factory=dict)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # the least label, as ORDER BY sees it
    facts: list[list[Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)

    def add(self, summary: bytes) -> None:
        data = json.loads(summary)
        self.articles.update(data["articles"])
        for key in ("dates", "mentions"):
            target = getattr(self, key)
            for subject, values in data[key].items():
                target[subject] = (
                    sorted({*target[subject], *values}) if subject in target else values
                )
        labels = self.labels
        for subject, values in data["labels"].items():
            least = min(values)
            labels[subject] = min(labels[subject], least) if subject in labels else least
        self.facts.extend(data["facts"])
        self.claims.extend(data["claims"])


@lru_cache(maxsize=1)
def relation_labels() -> dict[str, str]:
    """rdfs:label of each ontology term (the `relation` column of single-source-facts)."""
    labels: dict[str, str] = {}
    for t in pyoxigraph.parse(path=str(ONTOLOGY_PATH), format=pyoxigraph.RdfFormat.TURTLE):
        if t.predicate.value == RDFS_LABEL and isinstance(t.subject, NamedNode):
            iri, label = t.subject.value, t.object.value
            labels[iri] = min(labels.get(iri, label), label)
    return labels


Row = tuple[str, str, str, str]  # subject, kg: predicate name, object, "" (IRI) or xsd type


class _Writer:
    """Collects the derived triples as rows of plain strings (pyoxigraph terms cost ~3 µs
    each to make, and the graph has ~250,000 triples at 10,000 articles)."""

    def __init__(self) -> None:
        self.rows: list[Row] = []

    def iri(self, s: str, p: str, o: str) -> None:
        self.rows.append((s, p, o, ""))

    def integer(self, s: str, p: str, n: int) -> None:
        self.rows.append((s, p, str(n), "integer"))

    def string(self, s: str, p: str, o: str) -> None:
        self.rows.append((s, p, o, "string"))


def _entities(m: _Merged, out: _Writer) -> None:
    """kg:articleCount, kg:firstSeen, kg:firstSeenYear, kg:lastSeenYear and kg:firstSeenIn of
    every entity an article mentions, from the articles' schema:mentions and dcterms:date."""
    count: dict[str, int] = defaultdict(int)
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    first_in: dict[str, list[str]] = {}
    for article in m.articles:
        dates = m.dates.get(article)
        mentions = m.mentions.get(article, ())
        for entity in mentions:
            count[entity] += 1
        if not dates:
            continue
        low, high = min(dates), max(dates)
        for entity in mentions:
            known = first.get(entity)
            if known is None or low < known:
                first[entity] = low
                first_in[entity] = [article]
            elif low == known:
                first_in[entity].append(article)
            if high > last.get(entity, ""):
                last[entity] = high
    for entity, n in count.items():
        out.integer(entity, "articleCount", n)
        date = first.get(entity)
        if date is None:
            continue
        out.string(entity, "firstSeen", date)
        out.integer(entity, "firstSeenYear", int(date[:4]))
        out.integer(entity, "lastSeenYear", int(last[entity][:4]))
        for article in first_in[entity]:
            out.iri(entity, "firstSeenIn", article)


def _articles(m: _Merged, out: _Writer) -> None:
    """kg:factCount and kg:entityCount of every article."""
    facts: dict[str, set[str]] = defaultdict(set)
    for iri, typed, *_, stated in m.facts:
        if typed:
            for article in stated:
                facts[article].add(iri)
    for article in m.articles:
        out.integer(article, "factCount", len(facts.get(article, ())))
        out.integer(article, "entityCount", len(set(m.mentions.get(article, ()))))


def _source_counts(m: _Merged, out: _Writer) -> None:
    """kg:sourceCount of each assertion: how many articles state its subject, predicate and
    object (1: a single-source fact)."""
    sources: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for _, _, s, p, value, tag, stated in m.facts:
        sources[(s, p, value, tag)].update(stated)
    counted: dict[str, int] = {}
    for iri, typed, s, p, value, tag, _ in m.facts:
        if typed:
            n = len(sources[(s, p, value, tag)])
            counted[iri] = max(counted.get(iri, n), n)
    for iri, n in counted.items():
        out.integer(iri, "sourceCount", n)


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _disagreements(m: _Merged, out: _Writer) -> None:
    """Pairs of claims about the same measure, unit and kg:concerns set whose values differ,
    unless both state periods and the periods differ (docs/queries.md): one node per pair
    with kg:firstClaim (the lesser IRI), kg:secondClaim and kg:basis."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for c in m.claims:
        if len(c["measure"]) != 1 or len(c["value"]) != 1 or _decimal(c["value"][0]) is None:
            continue  # built claims have one of each
        unit = c["unit"][0] if c["unit"] else ""
        groups[(c["measure"][0], unit, frozenset(c["concerns"]))].append(c)
    for claims in groups.values():
        claims.sort(key=lambda c: c["iri"])
        for i, c1 in enumerate(claims):
            for c2 in claims[i + 1 :]:
                basis = _basis(c1, c2)
                if basis is None or _decimal(c1["value"][0]) == _decimal(c2["value"][0]):
                    continue
                key = f"{c1['iri']}\x1f{c2['iri']}".encode()
                pair = PAIR_PREFIX + hashlib.sha256(key).hexdigest()[:16]
                out.iri(pair, "firstClaim", c1["iri"])
                out.iri(pair, "secondClaim", c2["iri"])
                out.string(pair, "basis", basis)


def _basis(c1: dict[str, Any], c2: dict[str, Any]) -> str | None:
    """How comparable two claims are; None when both state periods and they differ."""

    def period(c: dict[str, Any]) -> str:
        start = c["periodStart"][0] if c["periodStart"] else ""
        end = c["periodEnd"][0] if c["periodEnd"] else ""
        return f"{start}/{end}"

    p1, p2 = period(c1), period(c2)
    if p1 != "/" and p2 != "/":
        return "same period" if p1 == p2 else None
    d1, d2 = c1["claimDate"], c2["claimDate"]
    if d1 and d2 and d1[0][:4] == d2[0][:4]:
        return "same year"
    return "different dates"


def derive(summaries: Iterable[bytes]) -> list[Row]:
    """The derived graph of a dataset as sorted rows, from the summaries of all its graphs."""
    merged = _Merged()
    for summary in summaries:
        if summary:
            merged.add(summary)
    out = _Writer()
    _entities(merged, out)
    _articles(merged, out)
    _source_counts(merged, out)
    _disagreements(merged, out)
    return sorted(set(out.rows))


# ------------------------------------------------------------------------------ serialisation


def _quoted(text: str) -> str:
    """A Turtle / N-Triples string literal (STRING_LITERAL_QUOTE)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def _object(o: str, kind: str) -> str:
    if not kind:
        return f"<{o}>"
    if kind == "string":
        return _quoted(o)
    return f"{_quoted(o)}^^<{XSD}{kind}>"


def _jsonld_value(o: str, kind: str) -> dict[str, str]:
    if not kind:
        return {"@id": o}
    if kind == "string":
        return {"@value": o}
    return {"@type": XSD + kind, "@value": o}


def render_rows(rows: Sequence[Row]) -> Chunks:
    """The derived graph's piece of every output, written directly from the rows (the terms
    are the build's own IRIs, integers and short strings); tests/test_derived.py parses each
    piece back and compares it with pyoxigraph's rendering of the same quads."""
    from kg.outputs import Chunks

    graph = f"<{GRAPH}>"
    lines = [f"<{s}> <{NS}{p}> {_object(o, kind)}" for s, p, o, kind in rows]
    nquads = "".join(f"{line} {graph} .\n" for line in lines)
    turtle = "".join(f"{line} .\n" for line in lines)
    trig = f"{graph} {{\n" + "".join(f"\t{line} .\n" for line in lines) + "}\n" if rows else ""
    subjects: list[dict[str, Any]] = []
    for s, p, o, kind in rows:
        if not subjects or subjects[-1]["@id"] != s:
            subjects.append({"@id": s})
        subjects[-1].setdefault(NS + p, []).append(_jsonld_value(o, kind))
    jsonld = (
        json.dumps({"@id": GRAPH, "@graph": subjects}, separators=(",", ":"), ensure_ascii=False)
        if rows
        else ""
    )
    return Chunks(trig.encode(), turtle.encode(), jsonld.encode(), nquads.encode())


def to_quads(rows: Iterable[Row]) -> list[Quad]:
    """The rows as pyoxigraph quads (for tests and tools; the build writes text)."""
    graph = NamedNode(GRAPH)
    return [
        Quad(
            NamedNode(s),
            NamedNode(NS + p),
            NamedNode(o) if not kind else Literal(o, datatype=NamedNode(XSD + kind)),
            graph,
        )
        for s, p, o, kind in rows
    ]


# ------------------------------------------------------------------------------ the build hook


class Step:
    """The derived graph in one build: computed while the outputs are written, then applied
    to the store as a difference from the last build's (a few hundred triples after one
    article changed, instead of rewriting ~250,000 at 10,000 articles)."""

    def __init__(self, cache: BuildCache, timings: dict[str, float] | None = None) -> None:
        self.cache = cache
        self.timings = timings if timings is not None else {}
        self.old: bytes | None = None  # the last build's N-Quads of the derived graph
        self.new: bytes = b""

    def stream(self, names: Sequence[str]) -> Iterator[Chunks]:
        """The cached pieces of ``names`` in order, then the derived graph's, computed from
        their summaries and staged in the cache under :data:`NAME`."""
        from kg.cache import CachedGraph

        summaries = []
        for name in names:
            chunks = self.cache.chunks(name)
            summaries.append(chunks.derived)
            yield chunks
        start = time.perf_counter()
        if NAME in self.cache.graphs and NAME not in self.cache.written:
            try:
                self.old = self.cache.chunks(NAME).nquads
            except (OSError, struct.error):
                self.old = None
        rows = derive(summaries)
        chunks = render_rows(rows)
        self.new = chunks.nquads
        self.cache.stage(NAME, chunks, CachedGraph("", len(rows)))
        self._spent(start)
        yield chunks

    def update_store(self, path: Path) -> None:
        """Bring the derived graph of the store at ``path`` (which holds the last build's)
        to this build's, deleting and inserting only the triples that changed."""
        start = time.perf_counter()
        store = pyoxigraph.Store(str(path))
        try:
            old = set(self.old.splitlines()) if self.old is not None else None
            if old is None or _triples(store) != len(old):
                # no record of what the store holds (a build that failed after updating the
                # store, say): replace the whole graph
                store.remove_graph(NamedNode(GRAPH))
                store.load(self.new, format=pyoxigraph.RdfFormat.N_QUADS)
            else:
                new = set(self.new.splitlines())
                update = _update_text(sorted(old - new), sorted(new - old))
                if update:
                    store.update(update)
            store.flush()
        finally:
            del store
        self._spent(start)

    def _spent(self, start: float) -> None:
        key = "derived graph"
        self.timings[key] = self.timings.get(key, 0.0) + time.perf_counter() - start


def _triples(store: pyoxigraph.Store) -> int:
    """How many triples the store's derived graph holds."""
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[index, union-attr]


def _update_text(removed: list[bytes], added: list[bytes]) -> str:
    """One SPARQL update (one transaction) that deletes and inserts N-Quads lines of the
    derived graph (each line ends with the graph's name, which the GRAPH block gives)."""
    tail = f" <{GRAPH}> .".encode()

    def block(lines: list[bytes]) -> str:
        body = "\n".join(line[: -len(tail)].decode() + " ." for line in lines)
        return f"GRAPH <{GRAPH}> {{\n{body}\n}}"

    parts = []
    if removed:
        parts.append(f"DELETE DATA {{ {block(removed)} }}")
    if added:
        parts.append(f"INSERT DATA {{ {block(added)} }}")
    return " ;\n".join(parts)
