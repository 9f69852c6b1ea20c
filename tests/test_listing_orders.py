"""The quotations and officials listings, whose pages are found on integers the build derives
(kg:quotationOrder, kg:quotationRows, kg:postOrder): on a small project with words given to
two speakers, a speaker quoted with two posts, a post without an organisation and dates of
every precision, each listing answers the rows, in the order, of a plain query sorted on the
values themselves, page after page, after a full build and after an incremental one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import derived
from kg.build import build_project
from kg.queries import bind_params, load_library, run_named, store_runner
from kg.store import open_store

# the listings' orders as the query descriptions state them, evaluated whole
PLAIN_QUOTATIONS = """
SELECT ?speaker ?speakerLabel ?role ?orgLabel ?event ?eventLabel ?quote ?article ?articleDate
WHERE {
  ?q a kg:Quotation ; kg:speaker ?speaker ; kg:statedIn ?article ;
     kg:evidence/oa:hasSelector/oa:exact ?quote .
  ?speaker rdfs:label ?speakerLabel .
  { SELECT ?q (MIN(?l) AS ?first) WHERE { ?q kg:speaker ?x . ?x rdfs:label ?l } GROUP BY ?q }
  OPTIONAL { ?q kg:saidAt ?event . ?event rdfs:label ?eventLabel }
  OPTIONAL { ?q kg:speakerPost ?post . ?post kg:roleTitle ?role .
             OPTIONAL { ?post org:organization ?o . ?o rdfs:label ?orgLabel } }
  OPTIONAL { ?article dcterms:date ?articleDate }
}
ORDER BY STR(?articleDate) ?first ?q ?speakerLabel ?speaker ?event ?post
"""
PLAIN_OFFICIALS = """
SELECT ?org ?person ?organisation ?orgLabel ?personLabel ?role ?reportedOn ?quote ?article
WHERE {
  ?m a kg:Membership ; org:member ?person ; kg:roleTitle ?role ; kg:statedIn ?article ;
     kg:evidence/oa:hasSelector/oa:exact ?quote .
  ?person rdfs:label ?personLabel .
  OPTIONAL { ?m org:organization ?organisation . ?organisation rdfs:label ?orgLabel }
  OPTIONAL { ?m kg:reportedOn ?reportedOn }
  FILTER(IF(COALESCE(?org = ?org, false), COALESCE(sameTerm(?organisation, ?org), false), true))
}
ORDER BY STR(?reportedOn) ?orgLabel ?personLabel ?role ?m
"""
PLAIN = {"quotations": PLAIN_QUOTATIONS, "officials": PLAIN_OFFICIALS}

REGISTRY = """\
entities:
  - id: zara-kim
    kind: Person
    name: Zara Kim
  - id: amy-zhang
    kind: Person
    name: Amy Zhang
  - id: bob-adams
    kind: Person
    name: Bob Adams
  - id: agency-a
    kind: Organization
    name: Agency A
  - id: bureau-b
    kind: Organization
    name: Bureau B
  - id: forum
    kind: Event
    name: Forum in Osh
"""

ARTICLE_1 = """Forum in Osh
Published on 1 June 2015. Zara Kim, Head of Agency A and Deputy of Bureau B, spoke.
Bob Adams, Director of Bureau B, and Amy Zhang, Adviser, were there.
“We act together,” they said. “Zara speaks first,” said Zara Kim.
“Amy speaks too,” said Amy Zhang. “Bob closes,” said Bob Adams.
"""
ARTICLE_2 = """A year in review
Published in 2015. Amy Zhang, Director of Agency A, said: “The year went well.”
Bob Adams added: “It did.”
"""
ARTICLE_3 = """Undated note
Zara Kim, Head of Bureau B, said: “No date here.”
"""


def _post(person: str, org: str | None, role: str, evidence: str) -> str:
    text = f"  - person: {person}\n"
    text += f"    organization: {org}\n" if org else ""
    return text + f"    role: {role}\n    evidence: {evidence}\n"


def _quote(speaker: str, text: str, at: str | None = None) -> str:
    return f"  - speaker: {speaker}\n" + (f"    at: {at}\n" if at else "") + f"    text: {text}\n"


def _curation(title: str, date: str | None, evidence: str | None, posts: str, quotes: str) -> str:
    head = f"article:\n  title: {title}\n"
    if date:
        head += f'  date: "{date}"\n  date_basis: published\n  date_evidence: {evidence}\n'
    return head + "posts:\n" + posts + "quotes:\n" + quotes


CURATION_1 = _curation(
    "Forum in Osh",
    "2015-06-01",
    "on 1 June 2015",
    _post("zara-kim", "agency-a", "Head", "Zara Kim, Head of Agency A")
    + _post("zara-kim", "bureau-b", "Deputy", "Deputy of Bureau B")
    + _post("bob-adams", "bureau-b", "Director", "Bob Adams, Director of Bureau B")
    + _post("amy-zhang", None, "Adviser", "Amy Zhang, Adviser"),
    # the same words given to two speakers: two quotations, each with its speaker's post
    _quote("bob-adams", "We act together", "forum")
    + _quote("amy-zhang", "We act together", "forum")
    + _quote("zara-kim", "Zara speaks first", "forum")
    + _quote("amy-zhang", "Amy speaks too")
    + _quote("bob-adams", "Bob closes", "forum"),
)
CURATION_2 = _curation(
    "A year in review",
    "2015",
    "Published in 2015",
    _post("amy-zhang", "agency-a", "Director", "Amy Zhang, Director of Agency A"),
    _quote("amy-zhang", "The year went well.") + _quote("bob-adams", "It did."),
)
CURATION_3 = _curation(
    "Undated note",
    None,
    None,
    _post("zara-kim", "bureau-b", "Head", "Zara Kim, Head of Bureau B"),
    _quote("zara-kim", "No date here."),
)
ARTICLES = {
    "001_forum": (ARTICLE_1, CURATION_1),
    "002_review": (ARTICLE_2, CURATION_2),
    "003_note": (ARTICLE_3, CURATION_3),
}


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project(registry=REGISTRY, curation=CURATION_1, article=ARTICLE_1,
                        article_id="001_forum")  # fmt: skip
    for name, (article, curation) in ARTICLES.items():
        (root / "seeds" / "articles" / f"{name}.txt").write_text(article)
        (root / "seeds" / "curation" / f"{name}.yaml").write_text(curation)
    return root


def _cells(rows: list[dict], *names: str) -> list[tuple[str | None, ...]]:
    return [tuple(r.get(n, {}).get("value") for n in names) for r in rows]


def _as_plain(store: ox.Store, name: str, raw: dict[str, str]) -> list[dict]:
    """The listing, whole and page by page, against its plain formulation, in order."""
    run = store_runner(store, limit=None)
    query = load_library()[name]
    whole = run_named(run, query, raw, limit=None).result
    plain = run(PLAIN[name], bind_params(run, query, raw))
    assert whole.variables == plain.variables
    assert whole.rows == plain.rows, (name, raw)  # the same rows in the same order
    for size in (1, 2, 5):
        pages, offset = [], 0
        while True:
            page = run_named(run, query, raw, limit=size, offset=offset).result
            pages.extend(page.rows)
            offset += len(page.rows)
            assert page.truncated == (offset < len(whole.rows)), (name, raw, size, offset)
            if not page.truncated:
                break
        assert pages == whole.rows, (name, raw, size)
    return whole.rows


def _check_all(store: ox.Store) -> tuple[list[dict], list[dict]]:
    for speaker in ("zara-kim", "amy-zhang", "bob-adams"):
        _as_plain(store, "quotations", {"speaker": speaker})
    for raw in (
        {"org": "bureau-b"},
        {"person": "zara-kim"},
        {"org": "agency-a", "person": "amy-zhang"},
    ):
        _as_plain(store, "officials", raw)
    return _as_plain(store, "quotations", {}), _as_plain(store, "officials", {})


def _derived(out: Path) -> set[ox.Quad]:
    graph = ox.NamedNode(derived.GRAPH)
    return set(open_store(out / "store").quads_for_pattern(None, None, None, graph))


def test_the_listings_are_their_plain_queries_page_by_page(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    quotes, posts = _check_all(open_store(out / "store"))
    # the undated article first, then "2015" before "2015-06-01"; by speaker within a date,
    # then the quotation's IRI (the words' place in the article, then the speaker): the words
    # given to two speakers are two quotations, each with its speaker's post alone
    assert _cells(quotes, "articleDate", "speakerLabel", "quote") == [
        (None, "Zara Kim", "No date here."),
        ("2015", "Amy Zhang", "The year went well."),
        ("2015", "Bob Adams", "It did."),
        ("2015-06-01", "Amy Zhang", "We act together"),
        ("2015-06-01", "Amy Zhang", "Amy speaks too"),
        ("2015-06-01", "Bob Adams", "We act together"),
        ("2015-06-01", "Bob Adams", "Bob closes"),
        *[("2015-06-01", "Zara Kim", "Zara speaks first")] * 2,
    ]
    assert {r[0] for r in _cells(quotes, "role")[-2:]} == {"Head", "Deputy"}  # her two posts
    together = [
        r[1:] for r in _cells(quotes, "quote", "speakerLabel", "role") if r[0] == "We act together"
    ]
    assert together == [("Amy Zhang", "Adviser"), ("Bob Adams", "Director")]
    # by date, then organisation (none first), person and role
    assert _cells(posts, "reportedOn", "orgLabel", "personLabel", "role") == [
        (None, "Bureau B", "Zara Kim", "Head"),
        ("2015", "Agency A", "Amy Zhang", "Director"),
        ("2015-06-01", None, "Amy Zhang", "Adviser"),
        ("2015-06-01", "Agency A", "Zara Kim", "Head"),
        ("2015-06-01", "Bureau B", "Bob Adams", "Director"),
        ("2015-06-01", "Bureau B", "Zara Kim", "Deputy"),
    ]

    # the 2015 article is re-dated: an incremental build renumbers its rows, gives the full
    # build's derived graph, and the listings still agree with the plain queries
    curation = project / "seeds" / "curation" / "002_review.yaml"
    curation.write_text(CURATION_2.replace('"2015"', '"2016-02"'))
    (project / "seeds" / "articles" / "002_review.txt").write_text(ARTICLE_2)
    assert build_project(project, out).rebuilt == ["002_review"]
    quotes, posts = _check_all(open_store(out / "store"))
    assert _cells(quotes, "articleDate")[-2:] == [("2016-02",), ("2016-02",)]
    assert _cells(posts, "reportedOn", "personLabel")[-1] == ("2016-02", "Amy Zhang")
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert _derived(out) == _derived(full)


def test_the_order_integers_group_by_date() -> None:
    """The date is the high part (YYYYMMDD), the place within the date the low part."""
    groups = derived._date_groups(["2015", "2015-06", "2015-06-01", "2016"])
    assert sorted(groups, key=groups.__getitem__) == ["2015", "2015-06", "2015-06-01", "2016"]
    assert groups["2015-06-01"] == 20150601
    # a date written otherwise falls back to the dates' ranks, still in the text's order
    assert derived._date_groups(["2015-06-01", "-0044"]) == {"-0044": 0, "2015-06-01": 1}


def test_the_seed_listings_come_in_the_plain_queries_order(seed_store: ox.Store) -> None:
    """On the seeds, for every speaker, organisation and person they name."""

    def values(text: str) -> list[str]:
        return sorted({r["x"]["value"] for r in run(text, None).rows})

    run = store_runner(seed_store, limit=None)
    cases: list[tuple[str, dict[str, str]]] = [("quotations", {}), ("officials", {})]
    cases += [("quotations", {"speaker": x}) for x in values("SELECT ?x { ?q kg:speaker ?x }")]
    orgs = values("SELECT ?x { ?m org:organization ?x }")
    people = values("SELECT ?x { ?m org:member ?x }")
    cases += [("officials", {"org": x}) for x in orgs]
    cases += [("officials", {"person": x}) for x in people]
    cases += [("officials", {"org": "osce-pob", "person": x}) for x in people]
    library = load_library()
    sizes = []
    for name, raw in cases:
        query = library[name]
        whole = run_named(run, query, raw, limit=None).result.rows
        assert whole == run(PLAIN[name], bind_params(run, query, raw)).rows, (name, raw)
        sizes.append(len(whole))
    assert sizes[0] > 10 and sizes[1] > 10 and min(sizes[2:]) == 0 < max(sizes[2:])
