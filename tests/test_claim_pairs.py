"""The disagreeing-claims listing on a project with a dozen claim pairs: the page found by the
derived kg:pairOrder answers the rows, in the order, of the plain query sorted on the values
themselves, page after page, after a full build and after an incremental one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from _plain_queries import PLAIN

from kg import derived
from kg.build import build_project
from kg.queries import bind_params, load_library, run_named, store_runner
from kg.store import open_store

REGISTRY = """\
entities:
  - id: jane-doe
    kind: Person
    name: Jane Doe
  - id: a-victims
    kind: Measure
    name: Victims identified
  - id: z-cases
    kind: Measure
    name: Cases opened
"""

ARTICLE_1 = """Figures
Published on 1 June 2015. One report counts 10 victims. Jane Doe counts 20 victims.
A third counts 30 victims. Police cite 7 cases. Courts cite 9 cases. Earlier, 11 cases were cited.
"""

ARTICLE_2 = """More figures
Published on 1 February 2016. A survey counts 15 victims. Yet another counts 10 victims.
Officials cite 8 cases. A court counts 12 cases.
"""


def _claim(cid: str, measure: str, value: str, evidence: str, extra: str = "") -> str:
    unit = "persons" if measure == "a-victims" else "cases"
    text = f"  - id: {cid}\n    measure: {measure}\n    value: {value}\n    unit: {unit}\n"
    return text + extra + f"    evidence: {evidence}\n"


def _curation(title: str, date: str, evidence: str, claims: list[str]) -> str:
    head = f'article:\n  title: {title}\n  date: "{date}"\n  date_basis: published\n'
    head += f"  date_evidence: {evidence}\n"
    return head + "claims:\n" + "".join(claims)


PERIOD_2014 = '    period: {start: "2014", end: "2014"}\n'
PERIOD_2013 = PERIOD_2014.replace("2014", "2013")
CURATION_1 = _curation(
    "Figures",
    "2015-06-01",
    "on 1 June 2015",
    [
        _claim("v10", "a-victims", "10", "counts 10 victims", '    date: "2015"\n'),
        _claim("v20", "a-victims", "20", "Jane Doe counts 20 victims",
               '    date: "2015"\n    attributed_to: [jane-doe]\n'),
        _claim("v30", "a-victims", "30", "A third counts 30 victims"),
        _claim("c7", "z-cases", "7", "Police cite 7 cases", PERIOD_2014),
        _claim("c9", "z-cases", "9", "Courts cite 9 cases", PERIOD_2014),
        _claim("c11", "z-cases", "11", "11 cases were cited", PERIOD_2013),
    ],
)  # fmt: skip
CURATION_2 = _curation(
    "More figures",
    "2016-02-01",
    "on 1 February 2016",
    [
        _claim("v15", "a-victims", "15", "A survey counts 15 victims", '    date: "2016"\n'),
        _claim("v10", "a-victims", "10", "Yet another counts 10 victims"),
        _claim("c8", "z-cases", "8", "Officials cite 8 cases", PERIOD_2014),
        _claim("c12", "z-cases", "12", "A court counts 12 cases"),
    ],
)


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project(registry=REGISTRY, curation=CURATION_1, article=ARTICLE_1,
                        article_id="001_figures")  # fmt: skip
    (root / "seeds" / "articles" / "002_more.txt").write_text(ARTICLE_2)
    (root / "seeds" / "curation" / "002_more.yaml").write_text(CURATION_2)
    return root


def _listing_as_plain(store: ox.Store) -> list[dict]:
    """The whole listing, checked against the plain query and against its own pages."""
    run = store_runner(store, limit=None)
    query = load_library()["disagreeing-claims"]
    whole = run_named(run, query, {}, limit=None).result
    plain = run(PLAIN["disagreeing-claims"], bind_params(run, query, {}))
    assert whole.variables == plain.variables
    assert whole.rows == plain.rows  # the same rows in the same order
    for size in (1, 5):
        pages, offset = [], 0
        while True:
            page = run_named(run, query, {}, limit=size, offset=offset).result
            pages.extend(page.rows)
            offset += len(page.rows)
            assert page.truncated == (offset < len(whole.rows)), (size, offset)
            if not page.truncated:
                break
        assert pages == whole.rows, size
    return whole.rows


def _derived(out: Path) -> set[ox.Quad]:
    graph = ox.NamedNode(derived.GRAPH)
    return set(open_store(out / "store").quads_for_pattern(None, None, None, graph))


def test_the_listing_is_the_plain_query_page_by_page(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    rows = _listing_as_plain(open_store(out / "store"))
    names = ("measureLabel", "basis", "value1", "value2")
    cells = [tuple(r[n]["value"] for n in names) for r in rows]
    # claims without a date are dated by their article; 11 cases in 2013 is another period
    # than 2014's, and the two tens agree. Listed by basis, then measure label (the cases'
    # id, z-cases, sorts after a-victims: the order is the labels')
    assert [c[:2] for c in cells] == [
        *[("Cases opened", "different dates")] * 3,
        *[("Victims identified", "different dates")] * 5,
        *[("Cases opened", "same period")] * 3,
        ("Cases opened", "same year"),
        *[("Victims identified", "same year")] * 4,
    ]
    assert cells[3][2:] == ("10", "15") and cells[-1][2:] == ("20", "30")  # then by value
    sources = {r["value2"]["value"]: r.get("source2", {}).get("value") for r in rows}
    assert sources["20"] == "Jane Doe" and sources["30"] is None  # no source: unbound

    # a claim changes value: an incremental build gives the full build's derived graph and
    # the listing still agrees with the plain query
    curation = project / "seeds" / "curation" / "002_more.yaml"
    curation.write_text(CURATION_2.replace("15", "25"))
    (project / "seeds" / "articles" / "002_more.txt").write_text(ARTICLE_2.replace("15", "25"))
    assert build_project(project, out).rebuilt == ["002_more"]
    rows = _listing_as_plain(open_store(out / "store"))
    assert ("10", "25") in {(r["value1"]["value"], r["value2"]["value"]) for r in rows}
    full = tmp_path / "full"
    build_project(project, full, incremental=False)
    assert _derived(out) == _derived(full)
