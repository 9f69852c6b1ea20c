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
import re
import struct
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph
from pyoxigraph import Literal, NamedNode, Quad

from kg.gcpause import no_cyclic_gc
from kg.vocab import BASE, NS, graph_iri

if TYPE_CHECKING:
    from kg.cache import BuildCache
    from kg.outputs import Chunks

NAME = "derived"
GRAPH = graph_iri(NAME)
PAIR_PREFIX = f"{BASE}derived/claim-pair/"
# every predicate of the derived graph (kg: terms, declared in ontology/kg.ttl as derived)
PREDICATES = (
    "articleCount",
    "firstSeen",
    "firstSeenYear",
    "lastSeenYear",
    "firstSeenIn",
    "factCount",
    "entityCount",
    "sourceCount",
    "firstClaim",
    "secondClaim",
    "basis",
    "pairOrder",
    "quotationOrder",
    "quotationRows",
    "postOrder",
    "singleSourceFrom",
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA_MENTIONS = "https://schema.org/mentions"
ORG = "http://www.w3.org/ns/org#"
DCTERMS_DATE = "http://purl.org/dc/terms/date"
OA = "http://www.w3.org/ns/oa#"
ENTITY_PREFIX = f"{BASE}id/"

# the predicates a summary reads; every other quad is skipped at once
_READ = {
    RDF + "type": "type",
    SCHEMA_MENTIONS: "mentions",
    DCTERMS_DATE: "date",
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
    RDFS_LABEL: "label",
    # the quotations and officials listings' keys (_listing_rows)
    NS + "speaker": "speaker",
    NS + "saidAt": "saidAt",
    NS + "speakerPost": "speakerPost",
    ORG + "member": "member",
    ORG + "organization": "organization",
    NS + "roleTitle": "roleTitle",
    NS + "reportedOn": "reportedOn",
}
_ARTICLE, _ASSERTION, _CLAIM = NS + "Article", NS + "Assertion", NS + "Claim"
_MEASURE = NS + "Measure"


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

    # long lists travel as one string of lines: 10,000 summaries are parsed on every build
    out: dict[str, Any] = {"articles": [], "dates": {}, "mentions": {}, "facts": {}, "claims": []}
    facts: dict[str, list[str]] = defaultdict(list)
    for subject, p in props.items():
        types = {o.value for o in p.get("type", ())}
        if _ARTICLE in types:
            out["articles"].append(subject)
        if "date" in p:
            out["dates"][subject] = values(subject, "date")
        if "mentions" in p:
            out["mentions"][subject] = "\n".join(values(subject, "mentions"))
        if "s" in p:  # "typed iri key" per subject, predicate and object, by kg:statedIn
            typed = int(_ASSERTION in types)
            stated = " ".join(values(subject, "statedIn"))
            for s_, p_, o in product(values(subject, "s"), values(subject, "p"), p.get("o", ())):
                key = hashlib.sha256("\x1f".join((s_, p_, *_term(o))).encode()).hexdigest()
                facts[stated].append(f"{typed} {subject} {key[:32]}")
        if "measure" in p and "value" in p:
            claim = {k: values(subject, k) for k in _CLAIM_KEYS}
            claim.update(iri=subject, quotes=quotes(subject))
            out["claims"].append(claim)
        if _MEASURE in types and "label" in p:  # the claim pairs are listed by measure label
            out.setdefault("labels", {})[subject] = values(subject, "label")
    out["facts"] = {stated: "\n".join(lines) for stated, lines in facts.items()}
    out.update(_listing_rows(props))
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode()


def _listing_rows(props: dict[str, dict[str, list[Any]]]) -> dict[str, Any]:
    """What the quotations and officials listings sort on, as lines of IRIs (a quotation or
    post is in its article's graph alone: its IRI names the article): "quotation rows
    article speaker…", its rows in the listing being its speakers x events x posts; "post
    date organisation member" (empty for none) with the role titles in a list beside; and
    the names (rdfs:label) of the entities the graph describes."""
    out: dict[str, Any] = {}
    quotes, posts, roles, names = [], [], [], {}

    def first(p: dict[str, list[Any]], key: str) -> str:
        return min((o.value for o in p.get(key, ())), default="")

    for subject, p in props.items():
        if "speaker" in p and "statedIn" in p:
            speakers = sorted(o.value for o in p["speaker"])
            rows = (
                len(speakers)
                * max(1, len(p.get("saidAt", ())))
                * max(1, len(p.get("speakerPost", ())))
            )
            quotes.append(" ".join((subject, str(rows), first(p, "statedIn"), *speakers)))
        if "member" in p and "roleTitle" in p:
            keys = ("reportedOn", "organization", "member")
            posts.append(" ".join((subject, *(first(p, k) for k in keys))))
            roles.append(first(p, "roleTitle"))
        if "label" in p and subject.startswith(ENTITY_PREFIX):
            names[subject] = [o.value for o in p["label"]]
    if quotes:
        out["quotes"] = "\n".join(quotes)
    if posts:
        out.update(posts="\n".join(posts), roles=roles)
    if names:
        out["names"] = names
    return out


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
    facts: list[tuple[list[str], list[str]]] = field(default_factory=list)  # (articles, lines)
    claims: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # measures'
    names: dict[str, list[str]] = field(default_factory=dict)  # entities' labels
    quotes: list[str] = field(default_factory=list)  # lines: see _listing_rows
    posts: list[tuple[str, str]] = field(default_factory=list)  # (line, role title)

    def add(self, summary: bytes) -> None:
        data = json.loads(summary)
        names = data.get("names")
        if names:
            both = {s: self.names[s] for s in self.names.keys() & names.keys()}
            self.names.update(names)
            for subject, known in both.items():  # an entity named in two graphs
                self.names[subject] = sorted({*known, *names[subject]})
        if "quotes" in data:
            self.quotes.extend(data["quotes"].split("\n"))
        if "posts" in data:
            self.posts.extend(zip(data["posts"].split("\n"), data["roles"], strict=True))
        self.articles.update(data["articles"])
        for subject, labels in data.get("labels", {}).items():
            self.labels[subject].update(labels)
        mentions = {subject: text.split("\n") for subject, text in data["mentions"].items()}
        for target, part in ((self.dates, data["dates"]), (self.mentions, mentions)):
            for subject, values in part.items():
                known = target.get(subject)
                target[subject] = sorted({*known, *values}) if known else values
        for stated, text in data["facts"].items():
            self.facts.append((stated.split(" ") if stated else [], text.split("\n")))
        self.claims.extend(data["claims"])


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
    for entity in sorted(count):
        out.integer(entity, "articleCount", count[entity])
        date = first.get(entity)
        if date is None:
            continue
        out.string(entity, "firstSeen", date)
        out.integer(entity, "firstSeenYear", int(date[:4]))
        out.integer(entity, "lastSeenYear", int(last[entity][:4]))
        for article in sorted(first_in[entity]):
            out.iri(entity, "firstSeenIn", article)


def _articles(m: _Merged, single: dict[str, set[str]], out: _Writer) -> None:
    """kg:factCount and kg:entityCount of every article, and kg:singleSourceFrom of every
    article that states a single-source fact (see :func:`_single_source_from`)."""
    facts: dict[str, set[str]] = defaultdict(set)
    for stated, lines in m.facts:
        typed = {line.split(" ", 2)[1] for line in lines if line[0] == "1"}
        for article in stated:
            facts[article].update(typed)
    start = _single_source_from(m, single)
    for article in sorted(m.articles | start.keys()):
        if article in m.articles:
            out.integer(article, "factCount", len(facts.get(article, ())))
            out.integer(article, "entityCount", len(set(m.mentions.get(article, ()))))
        if article in start:
            out.integer(article, "singleSourceFrom", start[article])


def _single_source_from(m: _Merged, single: dict[str, set[str]]) -> dict[str, int]:
    """kg:singleSourceFrom: how many single-source facts the `single-source-facts` listing
    puts before an article's, the listing being ordered by the article's date (as a string;
    none first), the article's IRI and the fact's IRI. The query finds a page's articles on
    it and numbers their facts itself (docs/queries.md, "Pages by row number"), so the
    derived graph carries one integer per article, not one per fact (109,483 at 10,000
    articles, which every rebuild would write)."""

    def listed(article: str) -> tuple[int, str, str]:
        dates = m.dates.get(article)
        return (1, dates[0], article) if dates else (0, "", article)

    start: dict[str, int] = {}
    before = 0
    for article in sorted(single, key=listed):
        start[article] = before
        before += len(single[article])
    return start


def _source_counts(m: _Merged) -> tuple[dict[str, int], dict[str, set[str]]]:
    """kg:sourceCount of each assertion whose subject, predicate and object more than one
    article states (an assertion without it is its triple's only source), and the
    single-source assertions of each article that states some."""
    first: dict[str, str] = {}  # triple key -> the first article seen stating it
    more: dict[str, set[str]] = {}  # triple key -> every article, once there are two
    for stated, lines in m.facts:
        for line in lines:
            key = line[-32:]
            for article in stated:
                known = first.setdefault(key, article)
                if known != article:
                    more.setdefault(key, {known}).add(article)
    counted: dict[str, int] = {}
    for _, lines in m.facts:
        for line in lines:
            if line[0] == "1" and line[-32:] in more:
                iri = line[2:-33]
                n = len(more[line[-32:]])
                counted[iri] = max(counted.get(iri, n), n)
    single: dict[str, set[str]] = defaultdict(set)
    for stated, lines in m.facts:
        for line in lines:
            if line[0] == "1" and line[2:-33] not in counted:
                for article in stated:
                    single[article].add(line[2:-33])
    return counted, single


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class _Claim:
    iri: str
    value: Decimal
    period: str  # "start/end", "/" when the claim states no period
    year: str | None  # of kg:claimDate
    article: str  # kg:statedIn (the least, should a claim have several)


# kg:pairOrder is (group << 32) + place: a pair's group (basis, measure label) in the high bits,
# its place within the group in the low ones, so a change renumbers only its own group's pairs
_PLACE_BITS = 32


def _disagreements(m: _Merged, out: _Writer) -> None:
    """Pairs of claims about the same measure, unit and kg:concerns set whose values differ,
    unless both state periods and the periods differ (docs/queries.md): one node per pair
    with kg:firstClaim (the lesser IRI), kg:secondClaim, kg:basis and kg:pairOrder, the
    pair's place in the listing's order (basis, measure label, the two values, the two
    articles, the two claims), so that a page of the listing is found by sorting integers."""
    groups: dict[tuple[Any, ...], list[_Claim]] = defaultdict(list)
    for c in m.claims:
        value = _decimal(c["value"][0]) if len(c["value"]) == 1 else None
        if len(c["measure"]) != 1 or value is None:
            continue  # built claims have one measure and one value
        unit = c["unit"][0] if c["unit"] else ""
        start = c["periodStart"][0] if c["periodStart"] else ""
        end = c["periodEnd"][0] if c["periodEnd"] else ""
        year = c["claimDate"][0][:4] if c["claimDate"] else None
        article = min(c["statedIn"], default="")
        claim = _Claim(c["iri"], value, f"{start}/{end}", year, article)
        groups[(c["measure"][0], unit, frozenset(c["concerns"]))].append(claim)
    pairs = []
    for (measure, _, _), claims in groups.items():
        label = min(m.labels.get(measure, ()), default="")
        claims.sort(key=lambda c: c.iri)
        for i, c1 in enumerate(claims):
            for c2 in claims[i + 1 :]:
                if c1.value == c2.value:
                    continue
                if c1.period != "/" and c2.period != "/":
                    if c1.period != c2.period:
                        continue
                    basis = "same period"
                elif c1.year is not None and c1.year == c2.year:
                    basis = "same year"
                else:
                    basis = "different dates"
                key = f"{c1.iri}\x1f{c2.iri}".encode()
                pair = PAIR_PREFIX + hashlib.sha256(key).hexdigest()[:16]
                order = (basis, label, c1.value, c2.value, c1.article, c2.article, c1.iri, c2.iri)
                pairs.append((order, pair, c1, c2, basis))
    pairs.sort(key=lambda p: p[0])
    orders: dict[str, int] = {}
    group, place, last = -1, 0, None
    for order, pair, *_ in pairs:
        if order[:2] != last:
            group, place, last = group + 1, 0, order[:2]
        orders[pair] = (group << _PLACE_BITS) + place
        place += 1
    pairs.sort(key=lambda p: p[1])
    for _, pair, c1, c2, basis in pairs:
        out.iri(pair, "firstClaim", c1.iri)
        out.iri(pair, "secondClaim", c2.iri)
        out.string(pair, "basis", basis)
        out.integer(pair, "pairOrder", orders[pair])


# kg:quotationOrder and kg:postOrder are (date << 32) + place: the date (of the article, of the
# post) as the number YYYYMMDD in the high bits, the place among the rows of that date in the
# low ones, so an article's change renumbers only the rows of its own date
_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?")


def _date_groups(dates: Iterable[str]) -> dict[str, int]:
    """A number per date that sorts as the dates' text does (the listings sort on STR of the
    date): YYYYMMDD, with 00 for a month or day not given ("2015" < "2015-06" < "2015-06-01").
    Should any date be written otherwise, the dates' ranks instead (every group renumbered
    when a date comes or goes, but still in order)."""
    dates = set(dates)
    matches = [_DATE.fullmatch(d) for d in dates]
    if all(matches):
        return {
            m[0]: int(m[1]) * 10_000 + int(m[2] or 0) * 100 + int(m[3] or 0)
            for m in matches
            if m is not None
        }
    return {d: rank for rank, d in enumerate(sorted(dates))}


class _NameKeys(dict[str, str]):
    """An entity's name as the listings sort it, once per entity: its (least) label after
    "\x01", and "\x00" for no entity or no label, which sorts first as SPARQL sorts an
    unbound key."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, entity: str) -> str:
        labels = self.names.get(entity)
        key = self[entity] = "\x01" + min(labels) if labels else "\x00"
        return key


def _places(by_date: dict[str | None, list[tuple[str, ...]]]) -> Iterator[tuple[str, int]]:
    """(subject, (date group << 32) + place) of every subject, in the listing's order, from
    the rows of each date (tuples that sort as the listing does within the date, ending
    with the subject's IRI). No date is group -1: first, as SPARQL sorts an unbound key."""
    groups: dict[str | None, int] = {None: -1}
    groups.update(_date_groups(d for d in by_date if d is not None))
    for date in sorted(by_date, key=groups.__getitem__):
        base = groups[date] << _PLACE_BITS
        for place, row in enumerate(sorted(by_date[date])):
            yield row[-1], base + place


def _quotation_orders(m: _Merged, out: _Writer) -> None:
    """kg:quotationOrder of every quotation with a speaker and an article: its place in the
    quotations listing, by the article's date, the speaker's name (the least, should it have
    several speakers), then the quotation's IRI; and kg:quotationRows, how many rows it has
    there (speakers x events x posts), where that is more than one, so that the listing
    unfolds only those quotations before paging."""
    name, dates = _NameKeys(m.names), m.dates
    by_date: dict[str | None, list[tuple[str, ...]]] = defaultdict(list)
    rows: dict[str, str] = {}
    for line in m.quotes:
        iri, n, article, *speakers = line.split(" ")
        date = dates.get(article)
        key = name[speakers[0]] if len(speakers) == 1 else min([name[s] for s in speakers])
        by_date[min(date) if date else None].append((key, iri))
        if n != "1":
            rows[iri] = n
    for iri, order in _places(by_date):
        out.integer(iri, "quotationOrder", order)
        if iri in rows:
            out.integer(iri, "quotationRows", int(rows[iri]))


def _post_orders(m: _Merged, out: _Writer) -> None:
    """kg:postOrder of every post (a membership with a member and a role title): its place in
    the officials listing, by the date it was reported, the organisation's name (none first),
    the person's name, the role title, then the post's IRI."""
    name = _NameKeys(m.names)
    by_date: dict[str | None, list[tuple[str, ...]]] = defaultdict(list)
    for line, role in m.posts:
        iri, date, org, member = line.split(" ")
        by_date[date or None].append((name[org] if org else "\x00", name[member], role, iri))
    for iri, order in _places(by_date):
        out.integer(iri, "postOrder", order)


def derive(summaries: Iterable[bytes]) -> list[Row]:
    """The derived graph of a dataset as rows in a fixed order (entities, articles, assertions
    and claim pairs, each by IRI; quotations and posts in their listings' order; a subject's
    rows together), from all its graphs' summaries."""
    # hundreds of thousands of small objects, none of them cyclic (kg.gcpause: 0.9 -> 0.7 s at 10k)
    with no_cyclic_gc():
        merged = _Merged()
        for summary in summaries:
            if summary:
                merged.add(summary)
        out = _Writer()
        _entities(merged, out)
        counted, single = _source_counts(merged)
        _articles(merged, single, out)
        for iri in sorted(counted):  # the assertions' rows after the articles' (by IRI)
            out.integer(iri, "sourceCount", counted[iri])
        _disagreements(merged, out)
        _quotation_orders(merged, out)
        _post_orders(merged, out)
        return out.rows


# ------------------------------------------------------------------------------ serialisation


_SPECIAL = re.compile(r'["\\\n\r]')


def _quoted(text: str) -> str:
    """A Turtle / N-Triples string literal (STRING_LITERAL_QUOTE)."""
    if _SPECIAL.search(text):
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return f'"{text}"'


def render_rows(rows: Sequence[Row]) -> Chunks:
    """The derived graph's piece of every output, written directly from the rows (the terms
    are the build's own IRIs, integers and short strings, and pyoxigraph's terms cost ~3 µs
    each to make); tests/test_derived.py parses each piece back and compares it with
    pyoxigraph's rendering of the same quads. JSON-LD gets one node object per triple, which
    JSON-LD merges by @id."""
    from kg.outputs import Chunks

    if not rows:
        return Chunks(b"", b"", b"", b"")
    integer = f"^^<{XSD}integer>"
    lines = []
    nodes = []
    for s, p, o, kind in rows:
        if not kind:  # an IRI has no '"', '\\' or control character to escape
            lines.append(f"<{s}> <{NS}{p}> <{o}>")
            nodes.append(f'{{"@id":"{s}","{NS}{p}":[{{"@id":"{o}"}}]}}')
        elif kind == "integer":
            lines.append(f'<{s}> <{NS}{p}> "{o}"{integer}')
            nodes.append(f'{{"@id":"{s}","{NS}{p}":[{{"@type":"{XSD}integer","@value":"{o}"}}]}}')
        else:
            lines.append(f"<{s}> <{NS}{p}> {_quoted(o)}")
            value = json.dumps(o, ensure_ascii=False)
            nodes.append(f'{{"@id":"{s}","{NS}{p}":[{{"@value":{value}}}]}}')
    graph = f"<{GRAPH}>"
    turtle = " .\n".join(lines) + " .\n"
    nquads = f" {graph} .\n".join(lines) + f" {graph} .\n"
    trig = f"{graph} {{\n{turtle}}}\n"
    jsonld = f'{{"@id":"{GRAPH}","@graph":[' + ",".join(nodes) + "]}"
    return Chunks(trig.encode(), turtle.encode(), jsonld.encode(), nquads.encode())


_ESCAPES = re.compile(r"\\(.)")
_UNESCAPE = {"n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def rows_of(nquads: bytes) -> list[Row]:
    """The rows :func:`render_rows` wrote as N-Quads, read back (only that writer's lines)."""
    integer = f'"^^<{XSD}integer>'
    tail = f"> <{GRAPH}> ."
    rows: list[Row] = []
    for line in nquads.decode().splitlines():
        s, rest = line[1:].split("> <", 1)
        p, o = rest.split("> ", 1)
        o = o[: -len(tail) + 1]  # the object, without " <graph> ."
        p = p[len(NS) :]
        if o.startswith("<"):
            rows.append((s, p, o[1:-1], ""))
        elif o.endswith(integer):
            rows.append((s, p, o[1 : -len(integer)], "integer"))
        else:
            rows.append((s, p, _ESCAPES.sub(lambda m: _UNESCAPE[m.group(1)], o[1:-1]), "string"))
    return rows


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
    """The derived graph in one build: computed before the outputs are written, then applied
    to the store as a difference from the last build's (a few hundred triples after one
    article changed, instead of rewriting ~250,000 at 10,000 articles)."""

    def __init__(self, cache: BuildCache, timings: dict[str, float] | None = None) -> None:
        self.cache = cache
        self.timings = timings if timings is not None else {}
        self.old: bytes | None = None  # the last build's N-Quads of the derived graph
        self.new: bytes = b""
        self.chunks: Chunks | None = None
        self.ready = threading.Event()  # prepare() has ended (see made)

    def prepare(self, names: Sequence[str]) -> None:
        """Compute the derived graph from the summaries of ``names`` (all staged or cached):
        the last build's when no summary changed, else computed afresh and staged in the cache
        under :data:`NAME`. Done before the derived graph is written, so a store being loaded
        can be given it and compacted meanwhile."""
        try:
            self._prepare(names)
        finally:
            self.ready.set()

    def _prepare(self, names: Sequence[str]) -> None:
        from kg.cache import CachedGraph, code_digest
        from kg.outputs import Chunks, piece_lengths

        start = time.perf_counter()
        summaries = [self.cache.summary(name) for name in names]
        digest = hashlib.sha256(code_digest().encode())  # a new kg may derive other triples
        for summary in summaries:
            digest.update(b"%d\0%b" % (len(summary), summary))
        inputs = digest.hexdigest()
        last = self.cache.graphs.get(NAME)
        old = None
        if last is not None and NAME not in self.cache.written:
            try:
                old = self.cache.chunks(NAME)
            except (OSError, struct.error):
                old = None
        self.old = old.nquads if old is not None else None
        if old is not None and last is not None and last.inputs == inputs:
            self.new = old.nquads  # the same summaries give the same graph
            self.chunks = render_rows(rows_of(old.nquads))
            self._spent(start)
            return
        rows = derive(summaries)
        self.chunks = render_rows(rows)
        self.new = self.chunks.nquads
        # only the N-Quads are kept (the store update diffs them; the other pieces are written
        # from them again when reused): 24 of 83 MB at 10,000 articles
        kept = Chunks(b"", b"", b"", self.chunks.nquads)
        record = CachedGraph(inputs, len(rows), pieces=list(piece_lengths(self.chunks)))
        self.cache.stage(NAME, kept, record)
        self._spent(start)

    def stream(
        self, names: Sequence[str], reuse: Callable[[str], bool] | None = None
    ) -> Iterator[Chunks | str]:
        """The cached pieces of ``names`` in order (the derived graph's come after them: see
        `made`); a graph ``reuse`` accepts is given by name alone (kg.outputs.write_outputs
        copies its pieces from the previous output files)."""
        for name in names:
            yield name if reuse is not None and reuse(name) else self.cache.chunks(name)

    def made(self) -> Chunks:
        """The derived graph's pieces, once `prepare` has made them (the others may be written
        on another thread meanwhile)."""
        self.ready.wait()
        if self.chunks is None:
            raise RuntimeError("the derived graph was not made")
        return self.chunks

    def update_store(self, path: Path) -> None:
        """Bring the derived graph of the store at ``path`` (which holds the last build's)
        to this build's, deleting and inserting only the triples that changed."""
        if self.old is not None and self.old is self.new:
            return  # reused: the store holds it already
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
