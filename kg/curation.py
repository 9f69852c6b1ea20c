"""Load and check a project's curation: the registry, each article and its curation file.

Every rule is checked and every problem collected before anything is built, so one run of
`kg check` tells a curator all that is wrong. The result is a plain, fully resolved `Curation`
that kg.build turns into RDF without re-checking anything.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

import pycountry
from pydantic import BaseModel, ValidationError

from kg import models
from kg.evidence import Span, Text, explain_missing
from kg.local_entities import entities_alone
from kg.ontology import Ontology, Relation, load_ontology
from kg.problems import Problems
from kg.yamlread import YamlDoc, read_yaml

M = TypeVar("M", bound=BaseModel)
ARTICLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class FactRecord:
    """One (subject, relation, object) the article states; object is an entity id or a literal."""

    subject: str
    relation: Relation
    object: str
    span: Span
    note: str | None = None


@dataclass
class Article:
    """One article with everything its curation file says, resolved and located."""

    id: str
    text_path: Path
    curation_path: Path
    text: str
    sha256: str
    meta: models.ArticleMeta
    date_span: Span | None = None
    entities: list[models.Entity] = field(default_factory=list)
    names: list[tuple[str, str, Span]] = field(default_factory=list)
    facts: list[FactRecord] = field(default_factory=list)
    posts: list[tuple[models.Post, Span]] = field(default_factory=list)
    quotes: list[tuple[models.Quote, Span]] = field(default_factory=list)
    claims: list[tuple[models.Claim, Span]] = field(default_factory=list)
    left_out: int = 0  # suggested items not built (only with --include-drafts)

    def mentioned(self) -> set[str]:
        """Every entity id the article refers to (for schema:mentions)."""
        ids = {e.id for e in self.entities}
        ids.update(name[0] for name in self.names)
        for fact in self.facts:
            ids.add(fact.subject)
            if fact.relation.literal is None:
                ids.add(fact.object)
        for post, _ in self.posts:
            ids.update(x for x in (post.person, post.organization) if x)
        for quote, _ in self.quotes:
            ids.update(x for x in (quote.speaker, quote.at) if x)
        for claim, _ in self.claims:
            ids.update(claim.attributed_to)
            ids.update(claim.about)
        if self.meta.publisher:
            ids.add(self.meta.publisher)
        return ids


@dataclass
class Curation:
    """The whole checked project: entities by id and articles in id order."""

    root: Path
    ontology: Ontology
    entities: dict[str, models.Entity]
    origin: dict[str, str]  # entity id -> "registry" or the article id that defines it
    articles: list[Article]
    pending: list[tuple[str, int | None, str]] = field(default_factory=list)  # drafts left


@dataclass(frozen=True)
class Paths:
    """Where a project keeps its inputs."""

    root: Path

    @property
    def registry(self) -> Path:
        return self.root / "seeds" / "entities.yaml"

    @property
    def articles(self) -> Path:
        return self.root / "seeds" / "articles"

    @property
    def curation(self) -> Path:
        return self.root / "seeds" / "curation"


LOCAL_ENTITIES = re.compile(rb"^(?:entities\s*:|\{)", re.M)


def load_model(path: Path, cls: type[M], problems: Problems, name: str) -> tuple[YamlDoc, M] | None:
    """Read and validate one YAML file; on any problem record it and return None."""
    if not path.exists():
        problems.add(name, None, "file is missing")
        return None
    doc = read_yaml(path, problems, name)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        problems.add(name, 1, "expected a mapping at the top of the file")
        return None
    try:
        return doc, cls.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.add(name, doc.line_of(error["loc"]), _describe(error))
        return None


LocalEntities = tuple[Problems, YamlDoc | None, list[models.Entity]]


def _local_entities(path: Path, name: str, raw: bytes) -> LocalEntities:
    """The entities one curation file (``raw``, its bytes) defines, with the lines of its
    `entities` section only (what error messages need; the rest of the file is read again
    when it is checked)."""
    alone = entities_alone(path, name, raw)
    if alone is not None:
        return alone
    problems = Problems()
    result = load_model(path, models.ArticleCuration, problems, name)
    if result is None:
        return problems, None, []
    doc, curation = result
    lines = {loc: n for loc, n in doc.lines.items() if loc[:1] in ((), ("entities",))}
    return problems, YamlDoc(doc.path, None, lines), curation.entities


@dataclass
class Plan:
    """The shared part of a load: every entity known and checked, and the articles to check.

    Articles are checked separately (`check_article`), so a large corpus can be checked in
    worker processes that each receive the entity table.
    """

    root: Path
    include_drafts: bool
    checker: _Checker
    origin: dict[str, str]
    todo: list[tuple[Path, Path]]  # (curation file, article text) of each article to check

    @property
    def entities(self) -> dict[str, models.Entity]:
        return self.checker.entities

    @property
    def problems(self) -> Problems:
        return self.checker.problems


def plan_project(
    root: Path,
    include_drafts: bool = False,
    only: set[str] | None = None,
    known: dict[str, tuple[models.Entity, str]] | None = None,
) -> Plan:
    """Read the registry and every entity definition; list the articles to check.

    For incremental rebuilds, ``only`` limits the articles to those ids, and ``known``
    supplies the entities the other articles define (id -> (entity, article id)), as remembered
    from the previous build, since references may cross files. Problems are collected in the
    plan, not raised.
    """
    paths = Paths(root)
    checker = _Checker(root, load_ontology(), Problems())
    problems = checker.problems

    registry = checker.model(paths.registry, models.Registry)
    entities: dict[str, models.Entity] = {}
    origin: dict[str, str] = {}
    where: dict[str, tuple[str, YamlDoc, tuple[Any, ...]]] = {}
    checker.complete = registry is not None
    if registry:
        doc, reg = registry
        for i, entity in enumerate(reg.entities):
            checker.define(entity, "registry", doc, ("entities", i), entities, origin, where)

    by_name = attrgetter("name")  # one folder each: the same order as sorting paths, 10x faster
    texts = {p.stem: p for p in sorted(paths.articles.glob("*.txt"), key=by_name)}
    curated = {p.stem: p for p in sorted(paths.curation.glob("*.yaml"), key=by_name)}
    for article_id in sorted(set(texts) - set(curated)):
        if only is None or article_id in only:
            problems.add(
                checker.rel(texts[article_id]),
                None,
                "article has no curation file",
                f"draft one with `kg suggest {article_id}` or write "
                f"seeds/curation/{article_id}.yaml",
            )
    for article_id in sorted(set(curated) - set(texts)):
        problems.add(
            checker.rel(curated[article_id]),
            None,
            f"no article text seeds/articles/{article_id}.txt for this curation file",
            "a curation file is named after its article",
        )

    for eid, (entity, owner) in sorted((known or {}).items()):
        if only is not None and owner not in only and owner in curated:
            entities[eid], origin[eid] = entity, owner
            where[eid] = (checker.rel(curated[owner]), YamlDoc(curated[owner], None), ())

    todo, defining = [], []
    for article_id in sorted(set(curated) & set(texts)):
        if only is not None and article_id not in only:
            continue
        if not ARTICLE_ID.match(article_id):
            problems.add(checker.rel(texts[article_id]), None, f"bad article id '{article_id}'")
            continue
        todo.append((curated[article_id], texts[article_id]))
        raw = curated[article_id].read_bytes()
        # a file that defines no entities of its own is only parsed when it is checked
        if LOCAL_ENTITIES.search(raw):
            defining.append((article_id, raw))
    for article_id, raw in defining:
        path = curated[article_id]
        found, doc, defined = _local_entities(path, checker.rel(path), raw)
        problems.items += found.items
        checker.complete &= doc is not None
        if doc is not None:
            for i, entity in enumerate(defined):
                checker.define(entity, article_id, doc, ("entities", i), entities, origin, where)

    checker.entities = entities
    for eid, entity in sorted(entities.items()):
        checker.check_entity(entity, *where[eid])
    return Plan(root, include_drafts, checker, origin, todo)


def plan_from_table(
    root: Path,
    include_drafts: bool,
    only: set[str],
    entities: Mapping[str, models.Entity],
    origin: dict[str, str],
) -> Plan | None:
    """`plan_project` for the articles ``only``, given the last build's checked entity table
    (kg.entity_table): None unless that table is still exactly right, that is unless every
    article in ``only`` defines exactly the entities it defined then (as models compare), no
    article that defined some was removed, and no article is missing its text or curation.
    The caller knows the registry is unchanged. Anything else goes to `plan_project`, which
    reads every definition and reports any problem."""
    from kg.entity_table import stored

    paths = Paths(root)
    try:
        texts = {n[:-4] for n in os.listdir(paths.articles) if n.endswith(".txt")}
        curated = {n[:-5] for n in os.listdir(paths.curation) if n.endswith(".yaml")}
    except OSError:
        return None
    if texts != curated or not all(ARTICLE_ID.match(a) for a in only) or not only <= texts:
        return None
    owned: dict[str, dict[str, Any]] = {}
    raw_table = getattr(entities, "raw", None)
    for eid, owner in origin.items():
        if owner != "registry" and owner not in texts:
            return None  # a removed article took its definitions with it
        if owner in only:
            owned.setdefault(owner, {})[eid] = (
                raw_table[eid] if raw_table is not None else stored(entities[eid])
            )
    checker = _Checker(root, load_ontology(), Problems())
    todo = []
    for article_id in sorted(only):
        path = paths.curation / f"{article_id}.yaml"
        todo.append((path, paths.articles / f"{article_id}.txt"))
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        defined: list[models.Entity] = []
        if LOCAL_ENTITIES.search(raw):
            found, doc, defined = _local_entities(path, checker.rel(path), raw)
            if found.items or doc is None:
                return None
        now = {e.id: stored(e) for e in defined}
        if len(now) != len(defined) or any(e.suggested for e in defined):
            return None  # a duplicate id, or a draft: reported by plan_project
        if now != owned.get(article_id, {}):
            return None
    checker.entities = entities  # type: ignore[assignment]  # read-only from here on
    checker.complete = True
    return Plan(root, include_drafts, checker, origin, todo)


def check_articles(plan: Plan, todo: list[tuple[Path, Path]]) -> list[Article]:
    """Check and resolve the given articles against the plan's entities."""
    articles = []
    for curation_path, text_path in todo:
        result = plan.checker.model(curation_path, models.ArticleCuration)
        if result:
            article = plan.checker.article(*result, text_path, plan.include_drafts)
            if article:
                articles.append(article)
    return articles


def draft_problems(plan: Plan) -> None:
    """Unreviewed suggestions are problems unless drafts are included."""
    if plan.include_drafts:
        return
    for file, line, what in plan.checker.pending:
        plan.problems.add(
            file,
            line,
            f"{what} is not reviewed yet",
            "check it, then delete it or remove `suggested: true`; "
            "or build with --include-drafts to leave it out",
        )


def load_project(
    root: Path,
    include_drafts: bool = False,
    only: set[str] | None = None,
    known: dict[str, tuple[models.Entity, str]] | None = None,
) -> Curation:
    """Read and check everything under ``root`` in this process; raise CurationError listing
    every problem. (`plan_project` explains ``only`` and ``known``.)"""
    plan = plan_project(root, include_drafts, only, known)
    articles = check_articles(plan, plan.todo)
    draft_problems(plan)
    plan.problems.raise_if_any()
    return Curation(
        root, plan.checker.ontology, plan.entities, plan.origin, articles, plan.checker.pending
    )


class _Checker:
    """The rules, with the state they share (entities, problems, pending drafts)."""

    def __init__(self, root: Path, ontology: Ontology, problems: Problems):
        self.root = root
        self.ontology = ontology
        self.problems = problems
        self.entities: dict[str, models.Entity] = {}
        self.complete = True  # every file defining entities loaded, so unknown ids are errors
        self.pending: list[tuple[str, int | None, str]] = []
        self._shown: dict[Path, str] = {}

    def rel(self, path: Path) -> str:
        """The path as messages show it (relative to the project); remembered, as every entity
        a file defines asks for it again."""
        shown = self._shown.get(path)
        if shown is None:
            try:
                shown = str(path.relative_to(self.root))
            except ValueError:
                shown = str(path)
            self._shown[path] = shown
        return shown

    # ------------------------------------------------------------------ schema

    def model(self, path: Path, cls: type[M]) -> tuple[YamlDoc, M] | None:
        return load_model(path, cls, self.problems, self.rel(path))

    # ------------------------------------------------------------------ entities

    def define(
        self,
        entity: models.Entity,
        owner: str,
        doc: YamlDoc,
        loc: tuple[Any, ...],
        entities: dict[str, models.Entity],
        origin: dict[str, str],
        where: dict[str, tuple[str, YamlDoc, tuple[Any, ...]]],
    ) -> None:
        name, line = self.rel(doc.path), doc.line_of(loc)
        if entity.id in entities:
            first_file, first_doc, first_loc = where[entity.id]
            first_line = first_doc.line_of(first_loc)
            self.problems.add(
                name,
                line,
                f"duplicate id '{entity.id}' (first defined at {first_file}:{first_line})",
                "an entity is defined once; refer to it by its id elsewhere",
            )
            return
        entities[entity.id] = entity
        origin[entity.id] = owner
        where[entity.id] = (name, doc, loc)
        if entity.suggested:
            self.pending.append((name, line, f"suggested entity '{entity.id}' ({entity.name})"))

    def check_entity(
        self, entity: models.Entity, file: str, doc: YamlDoc, loc: tuple[Any, ...]
    ) -> None:
        def line_of(key: str) -> int | None:
            return doc.line_of((*loc, key))

        line = doc.line_of(loc)
        kinds = self.ontology.entity_kinds
        if entity.kind not in kinds:
            self.problems.add(
                file,
                line,
                f"unknown kind '{entity.kind}' for '{entity.id}'",
                _close(entity.kind, kinds),
            )
            return
        if entity.kind == "Country":
            if not entity.iso:
                self.problems.add(file, line, f"country '{entity.id}' needs an `iso:` code")
            elif pycountry.countries.get(alpha_2=entity.iso) is None:
                self.problems.add(
                    file,
                    line_of("iso"),
                    f"'{entity.iso}' is not an ISO 3166-1 alpha-2 country code",
                )
        elif entity.iso:
            self.problems.add(file, line, f"`iso:` is for countries, not a {entity.kind}")
        for key, required in (
            ("parent", "Organization"),
            ("country", "Country"),
            ("based_in", "Place"),
        ):
            what = f"`{key}` of '{entity.id}'"
            self.ref(getattr(entity, key), required, file, line_of(key), what)
        for span in entity.names:
            if span.from_ and span.until and span.until < span.from_:
                self.problems.add(
                    file, line, f"name '{span.name}' of '{entity.id}' ends before it starts"
                )

    def ref(
        self, eid: str | None, required: str | None, file: str, line: int | None, what: str
    ) -> bool:
        """Check that ``eid`` is a known entity of kind ``required`` (or a subkind)."""
        if eid is None:
            return True
        entity = self.entities.get(eid)
        if entity is None:
            if not self.complete:
                return False  # a file that defines entities failed to load: can't tell
            self.problems.add(
                file, line, f"{what}: unknown entity id '{eid}'", _close(eid, self.entities)
            )
            return False
        if entity.kind in self.ontology.superkinds and not self.ontology.is_a(
            entity.kind, required
        ):
            self.problems.add(
                file,
                line,
                f"{what}: '{eid}' is a {entity.kind}, but a {required} is needed here",
            )
            return False
        return True

    # ------------------------------------------------------------------ articles

    def article(
        self,
        doc: YamlDoc,
        cur: models.ArticleCuration,
        text_path: Path,
        include_drafts: bool,
    ) -> Article | None:
        file = self.rel(doc.path)
        raw = text_path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problems.add(self.rel(text_path), None, "article text is not UTF-8")
            return None
        art = Article(
            id=text_path.stem,
            text_path=text_path,
            curation_path=doc.path,
            text=text,
            sha256=hashlib.sha256(raw).hexdigest(),
            meta=cur.article,
            entities=[e for e in cur.entities if not e.suggested],
        )

        searchable = Text(text)

        def find(quote: str, loc: tuple[Any, ...]) -> Span | None:
            span = searchable.locate(quote)
            if span is None:
                self.problems.add(
                    file,
                    doc.line_of(loc),
                    f"evidence not found in article {art.id}: {_short(quote)!r}",
                    explain_missing(quote, text),
                )
            return span

        meta = cur.article
        if meta.date and not meta.date_evidence:
            self.problems.add(
                file, doc.line_of(("article", "date")), "a date needs `date_evidence`"
            )
        if meta.date and not meta.date_basis:
            self.problems.add(
                file,
                doc.line_of(("article", "date")),
                "a date needs `date_basis` (published or event)",
            )
        if meta.date_evidence:
            art.date_span = find(meta.date_evidence, ("article", "date_evidence"))
        self.ref(meta.publisher, "Agent", file, doc.line_of(("article", "publisher")), "publisher")

        for eid, names in cur.names.items():
            line = doc.line_of(("names", eid))
            if self.ref(eid, None, file, line, "names"):
                for name in names:
                    span = find(name, ("names", eid))
                    if span:
                        art.names.append((eid, name, span))

        def keep(item: models.Reviewable, section: str, i: int, what: str) -> bool:
            if not item.suggested:
                return True
            line = doc.line_of((section, i))
            self.pending.append((file, line, f"suggested {what}"))
            if include_drafts:
                art.left_out += 1
            return False

        for i, fact in enumerate(cur.facts):
            records = self.fact(fact, file, doc, i, find)
            if keep(fact, "facts", i, f"fact {fact.s} {fact.p} {fact.o}"):
                art.facts.extend(records)
        for i, post in enumerate(cur.posts):
            line = doc.line_of(("posts", i))
            self.ref(post.person, "Person", file, line, "post `person`")
            self.ref(post.organization, "Agent", file, line, "post `organization`")
            span = find(post.evidence, ("posts", i, "evidence"))
            if span and keep(post, "posts", i, f"post {post.person}: {post.role}"):
                art.posts.append((post, span))
        for i, quote in enumerate(cur.quotes):
            line = doc.line_of(("quotes", i))
            self.ref(quote.speaker, "Agent", file, line, "quote `speaker`")
            self.ref(quote.at, "Event", file, line, "quote `at`")
            span = find(quote.text, ("quotes", i, "text"))
            if span and keep(quote, "quotes", i, f"quote by {quote.speaker}"):
                art.quotes.append((quote, span))
        seen: dict[str, int | None] = {}
        for i, claim in enumerate(cur.claims):
            line = doc.line_of(("claims", i))
            if claim.id in seen:
                self.problems.add(
                    file, line, f"duplicate claim id '{claim.id}' (first at line {seen[claim.id]})"
                )
            seen[claim.id] = line
            self.ref(claim.measure, "Measure", file, line, "claim `measure`")
            for agent in claim.attributed_to:
                self.ref(agent, "Agent", file, line, "claim `attributed_to`")
            for about in claim.about:
                self.ref(about, None, file, line, "claim `about`")
            if claim.value is not None and not claim.unit:
                self.problems.add(file, line, f"claim '{claim.id}' has a value but no `unit`")
            if claim.value is None and not claim.statement:
                self.problems.add(
                    file, line, f"claim '{claim.id}' needs a `value` (with `unit`) or a `statement`"
                )
            span = find(claim.evidence, ("claims", i, "evidence"))
            if span and keep(claim, "claims", i, f"claim {claim.id}"):
                art.claims.append((claim, span))
        return art

    def fact(
        self, fact: models.Fact, file: str, doc: YamlDoc, i: int, find: Any
    ) -> list[FactRecord]:
        relation = self.ontology.relations.get(fact.p)
        if relation is None:
            self.problems.add(
                file,
                doc.line_of(("facts", i, "p")),
                f"unknown relation '{fact.p}'",
                _close(fact.p, self.ontology.relations),
            )
            return []
        ok = True
        for subject in fact.s:
            what = f"subject of `{fact.p}`"
            ok &= self.ref(subject, relation.domain, file, doc.line_of(("facts", i, "s")), what)
        values = []
        for value in fact.o:
            if relation.literal:
                error = _literal_error(relation.literal, value)
                if error:
                    self.problems.add(file, doc.line_of(("facts", i, "o")), f"`{fact.p}`: {error}")
                    ok = False
                values.append(value)
            else:
                try:
                    models.check_slug(value)
                except ValueError as exc:
                    self.problems.add(file, doc.line_of(("facts", i, "o")), str(exc))
                    ok = False
                    continue
                what = f"object of `{fact.p}`"
                ok &= self.ref(value, relation.range, file, doc.line_of(("facts", i, "o")), what)
                values.append(value)
        span = find(fact.evidence, ("facts", i, "evidence"))
        if not (ok and span):
            return []
        return [FactRecord(s, relation, o, span, fact.note) for s in fact.s for o in values]


def _literal_error(kind: str, value: str) -> str | None:
    if kind == "date":
        try:
            models.check_date(value)
        except ValueError as exc:
            return str(exc)
    elif kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"'{value}' is not a whole number"
    elif kind == "duration" and not models.DURATION.match(value):
        return f"'{value}' is not an ISO 8601 duration such as P2D"
    return None


def _describe(error: Any) -> str:
    loc = ".".join(str(x) for x in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'"
    if kind == "missing":
        return f"missing required key '{loc}'"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "decimal_parsing":
        message += " (write decimals with a dot and no thousands separators: 11.4, 750000)"
    return f"{loc}: {message}"


def _close(word: str, choices: Any) -> str | None:
    from rapidfuzz import process

    match = process.extractOne(word, list(choices), score_cutoff=60)
    return f"did you mean '{match[0]}'?" if match else None


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
