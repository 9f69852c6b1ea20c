"""The derived graph: corpus summaries the build computes (kg/derived.py), checked against what
the articles say, kept up to date by incremental builds, and never counted as facts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from _plain_queries import PLAIN

from kg import derived
from kg.build import build_project
from kg.outputs import PREFIX_HEADER, render
from kg.queries import load_library, run_named, store_runner
from kg.stats import article_counts, class_counts
from kg.store import open_store
from kg.vocab import KG, NS

DERIVED = ox.NamedNode(derived.GRAPH)
SCHEMA_MENTIONS = ox.NamedNode("https://schema.org/mentions")
DCTERMS_DATE = ox.NamedNode("http://purl.org/dc/terms/date")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ID = "https://kg.invalid/id/"


def curated(store: ox.Store) -> list[ox.Quad]:
    """Every quad of the article and registry graphs (not the ontology, not the derived)."""
    skip = {DERIVED, ox.NamedNode("https://kg.invalid/graph/ontology")}
    return [q for q in store if q.graph_name not in skip]


def derived_values(store: ox.Store, name: str) -> dict[str, set[str]]:
    values: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, ox.NamedNode(NS + name), None, DERIVED):
        values[q.subject.value].add(q.object.value)
    return dict(values)


# ------------------------------------------------------------------ what the articles say


def test_first_seen_is_the_earliest_date_of_the_articles_that_mention_it(seed_store) -> None:
    dates = {
        q.subject.value: q.object.value for q in curated(seed_store) if q.predicate == DCTERMS_DATE
    }
    mentioned: dict[str, set[str]] = defaultdict(set)
    for q in curated(seed_store):
        if q.predicate == SCHEMA_MENTIONS:
            mentioned[q.object.value].add(q.subject.value)
    first = derived_values(seed_store, "firstSeen")
    count = derived_values(seed_store, "articleCount")
    first_in = derived_values(seed_store, "firstSeenIn")
    last_year = derived_values(seed_store, "lastSeenYear")
    assert len(mentioned) > 50 and set(count) == set(mentioned)
    for entity, articles in mentioned.items():
        assert count[entity] == {str(len(articles))}, entity
        dated = sorted(dates[a] for a in articles if a in dates)
        if not dated:
            assert entity not in first
            continue
        assert first[entity] == {dated[0]}, entity
        assert first_in[entity] == {a for a in articles if dates.get(a) == dated[0]}
        assert last_year[entity] == {dated[-1][:4]}
    # the 2011 Almaty workshop's organisers are first seen in the 2011 article at the latest
    for org in ("iom", "unodc", "osce-centre-astana"):
        (date,) = first[ID + org]
        assert date <= "2011-12-31", org


def test_article_counts_agree_with_kg_stats(seed_store) -> None:
    facts = derived_values(seed_store, "factCount")
    entities = derived_values(seed_store, "entityCount")
    stats = article_counts(seed_store)
    assert len(stats) == 5
    for row in stats:
        iri = f"https://kg.invalid/article/{row['article']}"
        assert facts[iri] == {str(row["facts"])}
        assert entities[iri] == {str(row["entities"])}


def test_source_count_counts_the_articles_stating_the_same_triple(seed_store) -> None:
    fields: dict[str, dict[str, object]] = defaultdict(dict)
    for q in curated(seed_store):
        if q.predicate.value in (RDF + "subject", RDF + "predicate", RDF + "object"):
            fields[q.subject.value][q.predicate.value] = q.object
        elif q.predicate.value == NS + "statedIn":
            fields[q.subject.value]["article"] = q.object.value
    assertions = {iri: f for iri, f in fields.items() if RDF + "subject" in f}
    stating: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for f in assertions.values():
        stating[(f[RDF + "subject"], f[RDF + "predicate"], f[RDF + "object"])].add(f["article"])
    counts = derived_values(seed_store, "sourceCount")
    assert len(assertions) > 100
    for iri, f in assertions.items():
        n = len(stating[(f[RDF + "subject"], f[RDF + "predicate"], f[RDF + "object"])])
        assert counts.get(iri, {"1"}) == {str(n)}, iri  # given only when two or more


def test_single_source_from_counts_the_single_source_facts_listed_before(seed_store) -> None:
    """kg:singleSourceFrom of an article is the number of single-source facts of the articles
    before it (by date as written, then IRI), counted here from the curated graphs."""
    facts: dict[str, set[str]] = defaultdict(set)
    dates: dict[str, str] = {}
    types: dict[str, set[str]] = defaultdict(set)
    for q in curated(seed_store):
        if q.predicate.value == NS + "statedIn":
            facts[q.object.value].add(q.subject.value)
        elif q.predicate == DCTERMS_DATE:
            dates[q.subject.value] = q.object.value
        elif q.predicate.value == RDF + "type":
            types[q.subject.value].add(q.object.value)
    counted = derived_values(seed_store, "sourceCount")
    single = {
        article: {a for a in stated if NS + "Assertion" in types[a] and a not in counted}
        for article, stated in facts.items()
    }
    listed = sorted((dates.get(a, ""), a) for a, s in single.items() if s)
    expected, before = {}, 0
    for _, article in listed:
        expected[article] = {str(before)}
        before += len(single[article])
    assert len(expected) == 5 and before > 100
    assert derived_values(seed_store, "singleSourceFrom") == expected


def test_the_disagreeing_pair_is_two_claims_about_one_measure(seed_store) -> None:
    first, second = (
        derived_values(seed_store, "firstClaim"),
        derived_values(seed_store, "secondClaim"),
    )
    assert len(first) == 1 and set(first) == set(second)
    (pair,) = first
    (c1,), (c2,) = first[pair], second[pair]

    def value(claim: str, name: str) -> str:
        (q,) = seed_store.quads_for_pattern(ox.NamedNode(claim), ox.NamedNode(NS + name), None)
        return q.object.value

    assert c1 < c2 and value(c1, "measure") == value(c2, "measure")
    assert value(c1, "value") != value(c2, "value")


# ------------------------------------------------------------------ not facts


def test_derived_triples_are_not_counted_as_facts(seed_build: Path, seed_store) -> None:
    # no type, no assertion, no evidence in the derived graph
    predicates = {
        q.predicate.value for q in seed_store.quads_for_pattern(None, None, None, DERIVED)
    }
    assert predicates and all(p.startswith(NS) for p in predicates)
    assert {p[len(NS) :] for p in predicates} <= set(derived.PREDICATES) <= set(KG.__annotations__)
    # kg stats counts classes over every graph: the same as over the curated graphs alone
    curated_store = ox.Store()
    curated_store.extend(curated(seed_store))
    assert class_counts(seed_store) == class_counts(curated_store)
    from kg.project import read_snapshot

    snapshot = read_snapshot(seed_store)
    assert all(f.article != "derived" for f in snapshot.facts)
    assert not {f.p for f in snapshot.facts} & {p[len(NS) :] for p in predicates}


def test_kg_diff_after_a_build_sees_no_change(seed_build: Path) -> None:
    from kg.diff import build_quads, compare, current_quads

    root = Path(__file__).resolve().parent.parent
    assert (
        compare(build_quads(seed_build / "kg.nq"), current_quads(root, include_drafts=False)) == []
    )


# ------------------------------------------------------------------ the outputs


def test_the_written_pieces_are_the_quads(seed_build: Path) -> None:
    from kg.cache import BuildCache

    rows = derived.derive(
        BuildCache.load(seed_build / "cache").chunks(name).derived
        for name in BuildCache.load(seed_build / "cache").graphs
        if name != derived.NAME
    )
    quads = set(derived.to_quads(rows))
    assert len(quads) == len(rows) > 100
    mine, theirs = derived.render_rows(rows), render(sorted(quads, key=str), summary=False)
    for piece, fmt in (("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        assert set(ox.parse(getattr(mine, piece), format=fmt)) == quads, piece
        head = PREFIX_HEADER if piece == "trig" else b""
        assert set(ox.parse(head + getattr(theirs, piece), format=fmt)) == quads, piece
    assert derived.rows_of(mine.nquads) == rows  # what a rebuild reads back from the cache
    odd = [(ID + "x", "basis", 'a "quoted" \\ back\nslash\r', "string")]
    assert derived.rows_of(derived.render_rows(odd).nquads) == odd
    assert set(ox.parse(derived.render_rows(odd).nquads, format=ox.RdfFormat.N_QUADS)) == set(
        derived.to_quads(odd)
    )
    triples = {q.triple for q in quads}
    assert {q.triple for q in ox.parse(mine.turtle, format=ox.RdfFormat.TURTLE)} == triples
    assert set(ox.parse(b"[" + mine.jsonld + b"]", format=ox.RdfFormat.JSON_LD)) == quads
    # the files a build wrote hold exactly the derived graph the store holds
    in_file = {
        q
        for q in ox.parse(path=str(seed_build / "kg.nq"), format=ox.RdfFormat.N_QUADS)
        if q.graph_name == DERIVED
    }
    store = open_store(seed_build / "store")
    assert in_file == set(store.quads_for_pattern(None, None, None, DERIVED)) == quads


# ------------------------------------------------------------------ incremental builds

ARTICLE_2 = "Agency follow-up\nThe Example Agency hosted a roundtable in Bishkek on 2 May 2013.\n"
CURATION_2 = """\
article:
  title: Agency follow-up
  date: "2013-05-02"
  date_basis: event
  date_evidence: on 2 May 2013
facts:
  - s: example-agency
    p: hosted
    o: roundtable-2015
    evidence: The Example Agency hosted a roundtable
  - s: roundtable-2015
    p: heldIn
    o: bishkek
    evidence: a roundtable in Bishkek
"""


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project()
    (root / "seeds" / "articles" / "002_second.txt").write_text(ARTICLE_2)
    (root / "seeds" / "curation" / "002_second.yaml").write_text(CURATION_2)
    return root


def answer(out: Path, name: str, **args: str) -> list[dict[str, str]]:
    store = open_store(out / "store")
    result = run_named(store_runner(store), load_library()[name], args, limit=None).result
    return [{k: v["value"] for k, v in row.items()} for row in result.rows]


def single_source_pages_match_the_plain_query(out: Path) -> int:
    """Every page of one row of `single-source-facts` (found by kg:singleSourceFrom) is the
    plain query's row at that place; returns the number of rows."""
    run = store_runner(open_store(out / "store"))
    query = load_library()["single-source-facts"]
    plain = run(PLAIN["single-source-facts"], {}).rows
    for offset, row in enumerate(plain):
        page = run_named(run, query, {}, limit=1, offset=offset).result
        assert page.rows == [row] and page.truncated == (offset + 1 < len(plain)), offset
    assert run_named(run, query, {}, limit=1, offset=len(plain)).result.rows == []
    return len(plain)


def test_an_incremental_build_updates_the_derived_values(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    single = single_source_pages_match_the_plain_query(out)
    example = ID + "example-agency"
    first = derived_values(open_store(out / "store"), "firstSeen")
    assert first[example] == {"2013-05-02"}  # the second article is the earlier one
    bishkek_facts = answer(out, "single-source-facts", entity="bishkek")
    assert len(bishkek_facts) == 0  # both articles say the roundtable was held in Bishkek
    held_in = [
        q.subject.value
        for q in open_store(out / "store").quads_for_pattern(
            None, ox.NamedNode(RDF + "predicate"), ox.NamedNode(NS + "heldIn")
        )
    ]
    counts = derived_values(open_store(out / "store"), "sourceCount")
    assert len(held_in) == 2 and all(counts[a] == {"2"} for a in held_in)
    assert [r["entity"] for r in answer(out, "first-seen", year="2013")].count(example) == 1

    # the second article is re-dated after the first and stops saying where the event was held
    curation = project / "seeds" / "curation" / "002_second.yaml"
    text = CURATION_2.replace('"2013-05-02"', '"2016-05-02"')
    text = text[: text.index("  - s: roundtable-2015")]
    curation.write_text(text)
    assert build_project(project, out).rebuilt == ["002_second"]

    store = open_store(out / "store")
    assert derived_values(store, "firstSeen")[example] == {"2015-03-18"}
    assert derived_values(store, "lastSeenYear")[example] == {"2016"}
    assert derived_values(store, "firstSeenIn")[example] == {"https://kg.invalid/article/001_mini"}
    assert answer(out, "first-seen", year="2013") == []
    assert example in {r["entity"] for r in answer(out, "first-seen", year="2015")}
    bishkek_facts = answer(out, "single-source-facts", entity="bishkek")
    assert [(r["relation"], r["article"][-8:]) for r in bishkek_facts] == [("held in", "001_mini")]
    articles = {r["article"][-10:]: (r["facts"], r["date"]) for r in answer(out, "articles")}
    assert articles["002_second"] == ("1", "2016-05-02")
    # the held-in fact became single-source, and the second article now comes last
    assert single_source_pages_match_the_plain_query(out) == single + 1
    del store

    # the same as a full build: files byte for byte, and the store's derived graph
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    for name in ("kg.trig", "kg.ttl", "kg.jsonld", "kg.nq", "manifest.json"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    mine = set(open_store(out / "store").quads_for_pattern(None, None, None, DERIVED))
    assert mine == set(open_store(full / "store").quads_for_pattern(None, None, None, DERIVED))


def test_removing_a_mention_lowers_the_article_count(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    bishkek = ID + "bishkek"
    assert derived_values(open_store(out / "store"), "articleCount")[bishkek] == {"2"}
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(CURATION_2[: CURATION_2.index("  - s: roundtable-2015")])
    build_project(project, out)
    store = open_store(out / "store")
    assert derived_values(store, "articleCount")[bishkek] == {"1"}
    assert derived_values(store, "entityCount")["https://kg.invalid/article/002_second"] == {"2"}


def test_a_new_kg_derives_the_graph_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same summaries under another kg (whose derived terms may differ) are derived
    again, not reused from the last build's cache."""
    out = tmp_path / "out"
    build_project(project, out)
    monkeypatch.setattr("kg.cache.code_digest", lambda: "another kg")
    monkeypatch.setattr("kg.build.code_digest", lambda: "another kg")
    real = derived.derive
    extra = (ID + "bishkek", "entityCount", "7", "integer")
    monkeypatch.setattr(derived, "derive", lambda summaries: [*real(summaries), extra])
    build_project(project, out)
    assert derived_values(open_store(out / "store"), "entityCount")[ID + "bishkek"] == {"7"}


def test_a_store_out_of_step_with_the_cache_is_repaired(project: Path, tmp_path: Path) -> None:
    """If the store's derived graph is not what the last build recorded (a build that failed
    after updating the store), the next build replaces it instead of applying a difference."""
    out = tmp_path / "out"
    build_project(project, out)
    store = ox.Store(str(out / "store"))
    stray = ox.Quad(ox.NamedNode(ID + "bishkek"), ox.NamedNode(NS + "articleCount"),
                    ox.Literal("99", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                    DERIVED)  # fmt: skip
    store.add(stray)
    store.flush()
    del store
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(CURATION_2.replace('"2013-05-02"', '"2014-05-02"'))
    build_project(project, out)
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    mine = set(open_store(out / "store").quads_for_pattern(None, None, None, DERIVED))
    assert stray not in mine
    assert mine == set(open_store(full / "store").quads_for_pattern(None, None, None, DERIVED))


def test_entity_pages_show_only_what_the_curated_graphs_say(seed_build: Path) -> None:
    import httpx
    from _kgserver import live_server

    with live_server(seed_build / "store", workers=1) as base:
        page = httpx.get(base + "/entity/osce-pob", timeout=30).text
        turtle = httpx.get(base + "/entity/osce-pob?format=ntriples", timeout=30).text
    assert "OSCE Programme Office in Bishkek" in page
    for name in ("article count", "first seen", "articleCount", "firstSeen"):
        assert name not in page, name
    curated_store = ox.Store()
    curated_store.extend(curated(open_store(seed_build / "store")))
    about = {
        q.triple
        for q in curated_store
        if q.subject.value == ID + "osce-pob" or q.object.value == ID + "osce-pob"
    }
    assert {q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.N_TRIPLES)} == about


def test_a_change_that_leaves_every_summary_as_it_was_reuses_the_derived_graph(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    before = (out / "kg.nq").read_bytes()
    curation = project / "seeds" / "curation" / "002_second.yaml"
    curation.write_text(CURATION_2 + "# a note that changes nothing in the graph\n")

    def fail(*args: object) -> None:
        raise AssertionError("the derived graph was recomputed")

    monkeypatch.setattr(derived, "derive", fail)
    assert build_project(project, out).rebuilt == ["002_second"]
    assert (out / "kg.nq").read_bytes() == before
    monkeypatch.undo()
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    for name in ("kg.trig", "kg.ttl", "kg.jsonld", "kg.nq"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
