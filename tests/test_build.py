"""The five seeds build end to end into a graph that says what the articles say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from conftest import ROOT, WORKSHOP_2011_ORGANISERS
from rdflib import Dataset

from kg.build import build_project
from kg.curation import load_project
from kg.problems import CurationError
from kg.vocab import PREFIXES

PREFIX = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def select(store: pyoxigraph.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(PREFIX + query, use_default_graph_as_union=True)
    return sorted(tuple(term.value for term in row) for row in rows)


def ids(store: pyoxigraph.Store, query: str) -> set[str]:
    return {row[0].removeprefix("https://kg.invalid/id/") for row in select(store, query)}


def test_outputs_exist_and_parse(seed_build: Path) -> None:
    for name, fmt in (("kg.trig", "trig"), ("kg.nq", "nquads"), ("kg.jsonld", "json-ld")):
        dataset = Dataset()
        dataset.parse(seed_build / name, format=fmt)
        graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert "https://kg.invalid/graph/registry" in graphs
        assert "https://kg.invalid/graph/004_3cdedc2bc6c43dd1" in graphs
    turtle = pyoxigraph.parse(path=str(seed_build / "kg.ttl"))
    assert sum(1 for _ in turtle) > 3000


def test_the_2011_workshop_co_organisers(seed_store: pyoxigraph.Store) -> None:
    organisers = ids(seed_store, "SELECT ?org WHERE { ?org kg:organised id:almaty-workshop-2011 }")
    assert organisers == WORKSHOP_2011_ORGANISERS


def test_the_2011_workshop_had_twelve_countries(seed_store: pyoxigraph.Store) -> None:
    rows = select(
        seed_store,
        "SELECT ?code WHERE { id:almaty-workshop-2011 kg:countryRepresented ?c . "
        "?c kg:iso3166Alpha2 ?code }",
    )
    assert [r[0] for r in rows] == sorted(
        ["AZ", "KZ", "KG", "RU", "TJ", "TH", "TR", "TM", "AE", "GB", "US", "UZ"]
    )


def test_one_office_two_names_and_two_interior_ministries(seed_store: pyoxigraph.Store) -> None:
    names = select(
        seed_store,
        "SELECT ?name ?article WHERE { ?m kg:mentionOf id:osce-pob ; kg:name ?name ; "
        "kg:statedIn ?a . ?a dcterms:identifier ?article }",
    )
    assert ("OSCE Centre in Bishkek", "000_60e5c23ee0f669b6") in names
    assert ("OSCE Programme Office in Bishkek", "001_8c84a62f7aa6b03e") in names
    countries = select(
        seed_store,
        "SELECT ?m ?code WHERE { VALUES ?m { id:kg-interior-ministry id:kz-interior-ministry } "
        "?m kg:country/kg:iso3166Alpha2 ?code }",
    )
    assert [c[1] for c in countries] == ["KG", "KZ"]


def test_posts_are_records_with_organisation_role_article_and_date(
    seed_store: pyoxigraph.Store,
) -> None:
    rows = select(
        seed_store,
        "SELECT ?role ?org ?date ?quote WHERE { ?p a kg:Membership ; org:member id:john-macgregor ;"
        " kg:roleTitle ?role ; org:organization ?org ; kg:reportedOn ?date ;"
        " kg:evidence/oa:hasSelector/oa:exact ?quote }",
    )
    assert len(rows) == 1
    role, org, date, quote = rows[0]
    assert (role, org, date) == ("Acting Head", "https://kg.invalid/id/osce-pob", "2015-03-18")
    assert "John MacGregor" in quote


def test_the_same_words_quoted_from_two_people_are_two_quotations(
    make_project, tmp_path: Path
) -> None:
    """Each keeps its own speaker and only that speaker's post (they once shared one node)."""
    from conftest import MINI_CURATION, MINI_REGISTRY

    registry = MINI_REGISTRY + "  - id: john-roe\n    kind: Person\n    name: John Roe\n"
    both = "  - speaker: john-roe\n    text: Co-operation matters,\nclaims:\n"
    root = make_project(registry=registry, curation=MINI_CURATION.replace("claims:\n", both, 1))
    build_project(root, tmp_path / "out")
    rows = select(
        pyoxigraph.Store(str(tmp_path / "out" / "store")),
        "SELECT ?q ?who (COUNT(DISTINCT ?post) AS ?posts) WHERE { ?q a kg:Quotation ;"
        " kg:speaker ?who OPTIONAL { ?q kg:speakerPost ?post } } GROUP BY ?q ?who ORDER BY ?who",
    )
    assert [(who.rsplit("/", 1)[1], posts) for _, who, posts in rows] == [
        ("jane-doe", "1"),
        ("john-roe", "0"),
    ]
    assert rows[0][0] != rows[1][0]


def test_disagreeing_claims_are_both_kept_with_attribution(seed_store: pyoxigraph.Store) -> None:
    profit = select(
        seed_store,
        "SELECT ?value ?date ?who WHERE { ?c a kg:Claim ; kg:measure ?m ; kg:value ?value ;"
        " kg:claimDate ?date ; kg:attributedTo ?who . ?c2 a kg:Claim ; kg:measure ?m ;"
        " kg:value ?other . FILTER (?other != ?value) }",
    )
    values = {(v, d[:4]) for v, d, _ in profit}
    assert ("3", "2015") in values and ("1", "2022") in values


def test_every_evidence_quote_is_in_its_article(seed_store: pyoxigraph.Store) -> None:
    rows = select(
        seed_store,
        "SELECT ?file ?start ?end ?exact WHERE { ?span oa:hasSource ?a ;"
        " oa:hasSelector [ oa:start ?start ; oa:end ?end ; oa:exact ?exact ] ."
        " ?a kg:sourceFile ?file }",
    )
    assert len(rows) > 100
    texts: dict[str, str] = {}
    for file, start, end, exact in rows:
        text = texts.setdefault(file, (ROOT / file).read_text(encoding="utf-8"))
        assert text[int(start) : int(end)] == exact


def test_every_fact_links_to_article_and_evidence(seed_store: pyoxigraph.Store) -> None:
    orphans = select(
        seed_store,
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } ?p kg:curationRelation true ."
        " FILTER (?g != <https://kg.invalid/graph/registry>)"
        " FILTER NOT EXISTS { ?s a kg:Claim }"
        " FILTER NOT EXISTS { GRAPH ?g { ?f rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;"
        " kg:statedIn ?a ; kg:evidence ?e } } }",
    )
    assert orphans == []


def test_seed_articles_are_byte_identical_to_the_shared_copies() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("the shared seed folder is not beside this checkout")
    for original in shared.glob("*.txt"):
        assert (ROOT / "seeds" / "articles" / original.name).read_bytes() == original.read_bytes()


def test_outputs_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "kg",
                "build",
                "--root",
                str(ROOT),
                "--out",
                str(tmp_path / seed),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
    for name in ("kg.trig", "kg.ttl", "kg.jsonld", "kg.nq", "manifest.json"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


def test_failed_build_leaves_previous_outputs_untouched(make_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_project()
    out = tmp_path / "out"
    build_project(root, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    curation = root / "seeds" / "curation" / "001_mini.yaml"
    curation.write_text(curation.read_text().replace("p: hosted", "p: hostd"))
    with pytest.raises(CurationError):
        build_project(root, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, "cache", "store"])


def test_shacl_violation_fails_the_build(make_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kg import build as build_module
    from kg import graph

    real = graph.article_quads

    def drop_titles(article, curation):  # type: ignore[no-untyped-def]
        return {q for q in real(article, curation) if not q.predicate.value.endswith("/title")}

    monkeypatch.setattr(graph, "article_quads", drop_titles)
    with pytest.raises(CurationError) as info:
        build_module.check_project(make_project())
    assert any("SHACL violation" in str(p) and "title" in str(p) for p in info.value.problems)


def test_the_seed_curation_loads_every_article() -> None:
    curation = load_project(ROOT)
    assert [a.id for a in curation.articles] == sorted(
        p.stem for p in (ROOT / "seeds" / "articles").glob("*.txt")
    )
