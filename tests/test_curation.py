"""Each curation rule, on a small project: one readable `file:line: message` per problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI_CURATION, MINI_REGISTRY

from kg.curation import load_project
from kg.problems import CurationError

CURATION = "seeds/curation/001_mini.yaml"
REGISTRY = "seeds/entities.yaml"


def problems_of(root: Path, **kwargs: object) -> list[str]:
    with pytest.raises(CurationError) as info:
        load_project(root, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_valid_project_loads(make_project: Callable[..., Path]) -> None:
    curation = load_project(make_project())
    [article] = curation.articles
    assert len(article.facts) == 4  # the participant list makes two facts
    assert article.date_span is not None
    assert article.text[article.date_span.start : article.date_span.end] == "on 18 March 2015"
    assert {f.subject for f in article.facts} >= {"interior-ministry", "example-agency"}


def test_unknown_key_is_reported_with_its_line(make_project: Callable[..., Path]) -> None:
    root = make_project(
        curation=MINI_CURATION.replace("    role: Head\n", "    role: Head\n    rank: 1\n")
    )
    assert problems_of(root) == [f"{CURATION}:23: unknown key 'rank'"]


def test_evidence_not_in_article_names_the_closest_passage(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(
        curation=MINI_CURATION.replace("a roundtable in Bishkek", "a round-table in Bishkek")
    )
    [problem] = problems_of(root)
    assert problem.startswith(f"{CURATION}:14: evidence not found in article 001_mini")
    assert "closest passage" in problem and "line 2" in problem


def test_typographic_quote_hint(make_project: Callable[..., Path]) -> None:
    root = make_project(
        curation=MINI_CURATION.replace(
            "text: Co-operation matters,", "text: '\"Co-operation matters,'"
        )
    )
    [problem] = problems_of(root)
    assert "the article writes '“' where the quote has '\"'" in problem


def test_unknown_entity_id_suggests_the_close_one(make_project: Callable[..., Path]) -> None:
    root = make_project(curation=MINI_CURATION.replace("o: bishkek", "o: bishkeck"))
    [problem] = problems_of(root)
    assert problem.startswith(f"{CURATION}:13: object of `heldIn`: unknown entity id 'bishkeck'")
    assert "did you mean 'bishkek'?" in problem


def test_kinds_must_fit_the_relation(make_project: Callable[..., Path]) -> None:
    root = make_project(
        curation=MINI_CURATION.replace("o: bishkek", "o: jane-doe").replace(
            "  - s: interior-ministry\n    p: hosted", "  - s: bishkek\n    p: hosted"
        )
    )
    problems = problems_of(root)
    assert (
        f"{CURATION}:7: subject of `hosted`: 'bishkek' is a City, but a Agent is needed here"
        in problems
    )
    assert (
        f"{CURATION}:13: object of `heldIn`: 'jane-doe' is a Person, but a Place is needed here"
        in problems
    )


def test_unknown_relation(make_project: Callable[..., Path]) -> None:
    root = make_project(curation=MINI_CURATION.replace("p: heldIn", "p: heldAt"))
    [problem] = problems_of(root)
    assert problem.startswith(f"{CURATION}:12: unknown relation 'heldAt'")
    assert "did you mean 'heldIn'?" in problem


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2015-02-30", "'2015-02-30' is not a day of the calendar"),
        ("2015-13", "'2015-13' has no month 13"),
        ("18 March 2015", "is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
    ],
)
def test_invalid_and_impossible_dates(
    make_project: Callable[..., Path], date: str, message: str
) -> None:
    root = make_project(curation=MINI_CURATION.replace('date: "2015-03-18"', f'date: "{date}"'))
    [problem] = problems_of(root)
    assert problem.startswith(f"{CURATION}:3: article.date: ") and message in problem


def test_unquoted_date_is_checked_like_a_quoted_one(make_project: Callable[..., Path]) -> None:
    root = make_project(curation=MINI_CURATION.replace('date: "2015-03-18"', "date: 2015-03-18"))
    assert load_project(root).articles[0].meta.date == "2015-03-18"


def test_duplicate_ids_name_both_places(make_project: Callable[..., Path]) -> None:
    registry = MINI_REGISTRY + "  - id: bishkek\n    kind: City\n    name: Bishkek again\n"
    [problem] = problems_of(make_project(registry=registry))
    assert problem.startswith(
        f"{REGISTRY}:26: duplicate id 'bishkek' (first defined at {REGISTRY}:16)"
    )


def test_duplicate_keys_in_registry(make_project: Callable[..., Path]) -> None:
    registry = MINI_REGISTRY.replace(
        "    name: Jane Doe\n", "    name: Jane Doe\n    name: J. Doe\n"
    )
    [problem] = problems_of(make_project(registry=registry))
    assert problem.startswith(f"{REGISTRY}:12: duplicate key 'name' (first at line 11)")


def test_country_code_is_checked_with_pycountry(make_project: Callable[..., Path]) -> None:
    [problem] = problems_of(make_project(registry=MINI_REGISTRY.replace("iso: KG", "iso: KQ")))
    assert problem == f"{REGISTRY}:15: 'KQ' is not an ISO 3166-1 alpha-2 country code"


def test_norway_stays_norway(make_project: Callable[..., Path]) -> None:
    registry = MINI_REGISTRY + "  - id: norway\n    kind: Country\n    name: Norway\n    iso: NO\n"
    curation = load_project(make_project(registry=registry))
    assert curation.entities["norway"].iso == "NO"


def test_decimal_comma_is_refused_with_a_hint(make_project: Callable[..., Path]) -> None:
    [problem] = problems_of(
        make_project(curation=MINI_CURATION.replace("value: 25", "value: 11,4"))
    )
    assert problem.startswith(f"{CURATION}:31: claims.0.value: Input should be a valid decimal")
    assert "write decimals with a dot" in problem


def test_every_problem_is_reported_at_once(make_project: Callable[..., Path]) -> None:
    curation = (
        MINI_CURATION.replace("o: bishkek", "o: nowhere")
        .replace("p: hosted", "p: hosts")
        .replace("Jane Doe, Head", "Jane Roe, Head")
    )
    assert len(problems_of(make_project(curation=curation))) == 3


def test_article_without_curation_file(make_project: Callable[..., Path]) -> None:
    root = make_project()
    (root / "seeds" / "articles" / "002_new.txt").write_text("New article.\n")
    [problem] = problems_of(root)
    assert problem.startswith("seeds/articles/002_new.txt: article has no curation file")
    assert "kg suggest 002_new" in problem


def test_suggested_items_block_the_build_unless_drafts_are_included(
    make_project: Callable[..., Path],
) -> None:
    curation = MINI_CURATION.replace(
        "    p: heldIn\n", "    p: heldIn\n    suggested: true\n    score: 91\n"
    )
    root = make_project(curation=curation)
    [problem] = problems_of(root)
    assert problem.startswith(
        f"{CURATION}:11: suggested fact ['roundtable-2015'] heldIn ['bishkek'] is not reviewed yet"
    )
    loaded = load_project(root, include_drafts=True)
    assert loaded.articles[0].left_out == 1
    assert all(f.relation.name != "heldIn" for f in loaded.articles[0].facts)
