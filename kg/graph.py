"""Turn a checked `Curation` into RDF quads: one named graph per article plus the registry.

Only IRIs are minted (no blank nodes), from ids, offsets and SHA-256 digests, never from
Python's salted ``hash``; the quads are sorted, so the same curation always gives the same
bytes. Terms are pyoxigraph's, so the quads go straight to its serialisers and store.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal

import pycountry
from pyoxigraph import Literal, NamedNode, Quad

from kg import models, vocab
from kg.curation import Article, Curation, FactRecord
from kg.evidence import Span
from kg.vocab import BASE, REGISTRY_GRAPH, article_iri, entity_iri, graph_iri


class _Terms:
    """pyoxigraph nodes of a namespace's terms, made once: rdflib's namespace lookups and
    IRI parsing are the hot path when a corpus has millions of quads."""

    def __init__(self, namespace: object, defined: object = None):
        self._base = str(namespace)
        self._defined = defined

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._defined is not None:
            getattr(self._defined, name)  # a typo is an AttributeError, as with vocab.KG
        node = NamedNode(self._base + name)
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return getattr(self, name)


KG = _Terms(vocab.NS, vocab.KG)
OA = _Terms(vocab.OA)
ORG = _Terms(vocab.ORG)
SCHEMA = _Terms(vocab.SCHEMA)
SKOS = _Terms(vocab.SKOS)
DCTERMS = _Terms(vocab.DCTERMS)

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_SUBJECT = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_PREDICATE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_OBJECT = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {"day": XSD + "date", "month": XSD + "gYearMonth", "year": XSD + "gYear"}


_NODES: dict[str, NamedNode] = {}


def n(iri: object) -> NamedNode:
    """A NamedNode for an IRI, shared between uses (ontology terms recur in every graph)."""
    if isinstance(iri, NamedNode):
        return iri
    key = str(iri)
    node = _NODES.get(key)
    if node is None:
        node = _NODES[key] = NamedNode(key)
    return node


def text(value: str) -> Literal:
    return Literal(value)


def typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(datatype))


def date_literal(value: str) -> Literal:
    """A date at the precision it was written with: xsd:date, xsd:gYearMonth or xsd:gYear."""
    return typed(value, DATE_TYPES[models.precision(value)])


def integer(value: int | str) -> Literal:
    return typed(str(int(value)), XSD + "integer")


def decimal(value: Decimal) -> Literal:
    normal = format(value.normalize(), "f")
    return typed(normal if "." in normal else normal + ".0", XSD + "decimal")


def digest(*parts: str, length: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") or digest(value, length=8)


class GraphWriter:
    """Collects the quads of one named graph."""

    def __init__(self, graph: str):
        self.graph = n(graph)
        self.quads: set[Quad] = set()

    def add(self, s: object, p: object, o: object) -> None:
        subject = s if isinstance(s, NamedNode) else NamedNode(s) if isinstance(s, str) else n(s)
        obj = (
            o
            if isinstance(o, (NamedNode, Literal))
            else NamedNode(o)
            if isinstance(o, str)
            else n(o)
        )
        self.quads.add(Quad(subject, n(p), obj, self.graph))


def entity_quads(out: GraphWriter, entity: models.Entity) -> None:
    """The registry description of one entity: kind, names, parent, country, codes."""
    iri = entity_iri(entity.id)
    out.add(iri, RDF_TYPE, KG[entity.kind])
    out.add(iri, RDFS_LABEL, text(entity.name))
    out.add(iri, DCTERMS.identifier, text(entity.id))
    for alias in entity.aliases:
        if alias != entity.name:
            out.add(iri, SKOS.altLabel, text(alias))
    for span in entity.names:
        record = f"{iri}/name/{digest(span.name, length=8)}"
        out.add(iri, KG.nameRecord, record)
        out.add(record, RDF_TYPE, KG.NameRecord)
        out.add(record, KG.name, text(span.name))
        if span.from_:
            out.add(record, KG.validFrom, date_literal(span.from_))
        if span.until:
            out.add(record, KG.validUntil, date_literal(span.until))
        if span.name != entity.name and span.name not in entity.aliases:
            out.add(iri, SKOS.altLabel, text(span.name))
    if entity.parent:
        out.add(iri, KG.subOrganizationOf, entity_iri(entity.parent))
    if entity.country:
        out.add(iri, KG.country, entity_iri(entity.country))
    if entity.based_in:
        out.add(iri, KG.basedIn, entity_iri(entity.based_in))
    if entity.category:
        out.add(iri, KG.category, text(entity.category))
    if entity.note:
        out.add(iri, KG.note, text(entity.note))
    if entity.iso:
        country = pycountry.countries.get(alpha_2=entity.iso)
        out.add(iri, KG.iso3166Alpha2, text(country.alpha_2))
        out.add(iri, KG.iso3166Alpha3, text(country.alpha_3))


class ArticleGraph:
    """Builds the named graph of one article."""

    def __init__(self, article: Article, curation: Curation):
        self.article = article
        self.curation = curation
        self.iri = article_iri(article.id)
        self.out = GraphWriter(graph_iri(article.id))
        self.spans: set[str] = set()

    def evidence(self, span: Span) -> str:
        """The evidence span node (and its selector), shared by all facts citing the same words."""
        iri = f"{BASE}evidence/{self.article.id}/{span.start}-{span.end}"
        if iri in self.spans:
            return iri
        self.spans.add(iri)
        selector = f"{iri}/selector"
        out = self.out
        out.add(iri, RDF_TYPE, KG.EvidenceSpan)
        out.add(iri, OA.hasSource, self.iri)
        out.add(iri, OA.hasSelector, selector)
        out.add(selector, RDF_TYPE, OA.TextQuoteSelector)
        out.add(selector, RDF_TYPE, OA.TextPositionSelector)
        out.add(selector, OA.exact, text(span.exact))
        out.add(selector, OA.start, integer(span.start))
        out.add(selector, OA.end, integer(span.end))
        return iri

    def record(self, iri: str, kind: object, span: Span, note: str | None = None) -> None:
        """What every record stated by the article carries: type, source, evidence, note."""
        self.out.add(iri, RDF_TYPE, kind)
        self.out.add(iri, KG.statedIn, self.iri)
        self.out.add(iri, KG.evidence, self.evidence(span))
        if note:
            self.out.add(iri, KG.note, text(note))

    def build(self) -> set[Quad]:
        art, out = self.article, self.out
        meta = art.meta
        out.add(self.iri, RDF_TYPE, KG.Article)
        out.add(self.iri, DCTERMS.identifier, text(art.id))
        out.add(self.iri, DCTERMS.title, text(meta.title))
        out.add(
            self.iri, KG.sourceFile, text(art.text_path.relative_to(self.curation.root).as_posix())
        )
        out.add(self.iri, KG.sha256, text(art.sha256))
        out.add(
            self.iri,
            KG.datePrecision,
            text(models.precision(meta.date) if meta.date else "unknown"),
        )
        if meta.date:
            out.add(self.iri, DCTERMS.date, date_literal(meta.date))
        if meta.date_basis:
            out.add(self.iri, KG.dateBasis, text(meta.date_basis))
        if art.date_span:
            out.add(self.iri, KG.dateEvidence, self.evidence(art.date_span))
        if meta.publisher:
            out.add(self.iri, DCTERMS.publisher, entity_iri(meta.publisher))
        if meta.note:
            out.add(self.iri, KG.note, text(meta.note))
        for eid in sorted(art.mentioned()):
            out.add(self.iri, SCHEMA.mentions, entity_iri(eid))
        for entity in art.entities:
            entity_quads(out, entity)
        for eid, name, span in art.names:
            mention = f"{BASE}mention/{art.id}/{eid}/{digest(name, length=8)}"
            self.record(mention, KG.Mention, span)
            out.add(mention, KG.mentionOf, entity_iri(eid))
            out.add(mention, KG.name, text(name))
        for fact in art.facts:
            self.fact(fact)
        posts_by_person: dict[str, list[str]] = {}
        for post, span in art.posts:
            posts_by_person.setdefault(post.person, []).append(self.post(post, span))
        for quote, span in art.quotes:
            self.quote(quote, span, posts_by_person.get(quote.speaker, []))
        for claim, span in art.claims:
            self.claim(claim, span)
        return out.quads

    def fact(self, fact: FactRecord) -> None:
        subject = entity_iri(fact.subject)
        predicate = n(fact.relation.iri)
        obj = self.object_term(fact)
        self.out.add(subject, predicate, obj)
        key = digest(subject, fact.relation.iri, str(obj))
        assertion = f"{BASE}fact/{self.article.id}/{key}"
        self.record(assertion, KG.Assertion, fact.span, fact.note)
        self.out.add(assertion, RDF_SUBJECT, subject)
        self.out.add(assertion, RDF_PREDICATE, predicate)
        self.out.add(assertion, RDF_OBJECT, obj)

    @staticmethod
    def object_term(fact: FactRecord) -> NamedNode | Literal:
        kind = fact.relation.literal
        if kind is None:
            return n(entity_iri(fact.object))
        if kind == "date":
            return date_literal(fact.object)
        if kind == "integer":
            return integer(fact.object)
        if kind == "duration":
            return typed(fact.object, XSD + "duration")
        return text(fact.object)

    def post(self, post: models.Post, span: Span) -> str:
        key = digest(post.person, post.organization or "", post.role, length=12)
        iri = f"{BASE}post/{self.article.id}/{key}"
        role = f"{BASE}role/{slugify(post.role)}"
        self.record(iri, KG.Membership, span, post.note)
        self.out.add(iri, ORG.member, entity_iri(post.person))
        if post.organization:
            self.out.add(iri, ORG.organization, entity_iri(post.organization))
        self.out.add(iri, ORG.role, role)
        self.out.add(role, RDF_TYPE, ORG.Role)
        self.out.add(role, RDFS_LABEL, text(post.role))
        self.out.add(iri, KG.roleTitle, text(post.role))
        label = post.role + (f", {self.name_of(post.organization)}" if post.organization else "")
        self.out.add(iri, RDFS_LABEL, text(f"{self.name_of(post.person)}: {label}"))
        if self.article.meta.date:
            self.out.add(iri, KG.reportedOn, date_literal(self.article.meta.date))
        return iri

    def quote(self, quote: models.Quote, span: Span, posts: list[str]) -> None:
        # the speaker is part of the name: the same words may be quoted from two people, each
        # speaking in their own post
        iri = f"{BASE}quote/{self.article.id}/{span.start}-{span.end}/{quote.speaker}"
        self.record(iri, KG.Quotation, span, quote.note)
        self.out.add(iri, KG.speaker, entity_iri(quote.speaker))
        self.out.add(iri, SCHEMA.text, text(span.exact))
        if quote.at:
            self.out.add(iri, KG.saidAt, entity_iri(quote.at))
        for post in posts:
            self.out.add(iri, KG.speakerPost, post)

    def claim(self, claim: models.Claim, span: Span) -> None:
        iri = f"{BASE}claim/{self.article.id}/{claim.id}"
        self.record(iri, KG.Claim, span, claim.note)
        out = self.out
        out.add(iri, DCTERMS.identifier, text(claim.id))
        out.add(iri, KG.measure, entity_iri(claim.measure))
        out.add(iri, KG.qualifier, text(claim.qualifier))
        if claim.value is not None:
            out.add(iri, KG.value, decimal(claim.value))
            out.add(iri, KG.unit, text(claim.unit or ""))
        if claim.statement:
            out.add(iri, KG.statement, text(claim.statement))
        label = claim.statement or f"{self.name_of(claim.measure)}: {claim.value} {claim.unit}"
        out.add(iri, RDFS_LABEL, text(label))
        for agent in claim.attributed_to:
            out.add(iri, KG.attributedTo, entity_iri(agent))
        for about in claim.about:
            out.add(iri, KG.concerns, entity_iri(about))
        when = claim.date or self.article.meta.date
        if when:
            out.add(iri, KG.claimDate, date_literal(when))
        if claim.period and claim.period.start:
            out.add(iri, KG.periodStart, date_literal(claim.period.start))
        if claim.period and claim.period.end:
            out.add(iri, KG.periodEnd, date_literal(claim.period.end))

    def name_of(self, eid: str) -> str:
        return self.curation.entities[eid].name


def registry_quads(curation: Curation) -> set[Quad]:
    out = GraphWriter(REGISTRY_GRAPH)
    for eid in sorted(curation.entities):
        if curation.origin[eid] == "registry" and not curation.entities[eid].suggested:
            entity_quads(out, curation.entities[eid])
    return out.quads


def article_quads(article: Article, curation: Curation) -> set[Quad]:
    return ArticleGraph(article, curation).build()


def sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    """By N-Quads text (subject, predicate, object within one graph): the output order."""
    return sorted(quads, key=str)


def make_graphs(curation: Curation, registry: bool = True) -> dict[str, list[Quad]]:
    """Sorted quads of the registry graph (unless ``registry`` is false) and of each article
    the curation holds."""
    graphs = {"registry": sort_quads(registry_quads(curation))} if registry else {}
    for article in curation.articles:
        graphs[article.id] = sort_quads(article_quads(article, curation))
    return graphs
