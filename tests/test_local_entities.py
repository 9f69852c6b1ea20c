"""Entities defined in a curation file are read from its `entities:` section alone
(kg.local_entities) when that is safe: the same entities and line numbers as reading the whole
file, and problems reported as a check of the whole file reports them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI_CURATION, MINI_REGISTRY

from kg import models
from kg.curation import load_model, load_project
from kg.local_entities import entities_alone
from kg.problems import CurationError, Problems

# a local event between the article and the facts, a comment inside the section and a
# sequence written at the key's own indentation
LOCAL = """\
article:
  title: Ministry meets agency
  date: "2015-03-18"
  date_basis: event
  date_evidence: on 18 March 2015
# events of this article
entities:
- id: briefing-2015
  kind: Event
  name: Briefing in Bishkek, 18 March 2015
# a second one
- id: follow-up-2015
  kind: Event
  name: Follow-up meeting
facts:
  - s: interior-ministry
    p: hosted
    o: briefing-2015
    evidence: The Interior Ministry hosted a roundtable
"""


def _whole(path: Path) -> tuple[list[models.Entity], dict[tuple[object, ...], int]]:
    result = load_model(path, models.ArticleCuration, Problems(), path.name)
    assert result is not None
    doc, curation = result
    return curation.entities, {k: v for k, v in doc.lines.items() if k[:1] == ("entities",)}


def test_the_section_alone_gives_the_entities_and_lines_of_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "001_mini.yaml"
    path.write_text(LOCAL, encoding="utf-8")
    alone = entities_alone(path, path.name)
    assert alone is not None
    _, doc, entities = alone
    assert [e.id for e in entities] == ["briefing-2015", "follow-up-2015"]
    assert (entities, {k: v for k, v in doc.lines.items() if k[:1] == ("entities",)}) == _whole(
        path
    )
    assert doc.line_of(("entities", 1, "name")) == 14


@pytest.mark.parametrize(
    "text",
    [
        LOCAL + "entities: []\n",  # two sections: YAML's own rules decide, on the whole file
        "{article: {title: T}, entities: [{id: a-b, kind: Event, name: A}]}\n",  # flow style
        LOCAL.replace("  name: Follow", "  nmae: Follow"),  # not a field of an entity
        LOCAL.replace("- id: follow-up-2015", "- id: [follow-up-2015"),  # malformed
    ],
)
def test_the_whole_file_is_read_when_the_section_cannot_be_taken_alone(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "001_mini.yaml"
    path.write_text(text, encoding="utf-8")
    assert entities_alone(path, path.name) is None


def test_a_problem_in_a_local_entity_is_reported_as_reading_the_whole_file_reports_it(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(
        curation=LOCAL.replace("kind: Event\n  name: Follow", "kind: Evnt\n  name: Follow")
    )

    def problems() -> list[tuple[str, int | None, str]]:
        with pytest.raises(CurationError) as failure:
            load_project(root)
        return [(p.file, p.line, p.message) for p in failure.value.problems]

    curation = root / "seeds" / "curation" / "001_mini.yaml"
    assert entities_alone(curation, curation.name) is not None  # the section is read alone
    alone = problems()
    monkeypatch.setattr("kg.curation.entities_alone", lambda *args: None)
    assert alone == problems()
    assert [(f, line) for f, line, m in alone if "Evnt" in m] == [
        ("seeds/curation/001_mini.yaml", 12)
    ]


def test_local_entities_are_known_to_every_article(make_project: Callable[..., Path]) -> None:
    root = make_project(curation=LOCAL)
    curation = load_project(root)
    assert {"briefing-2015", "follow-up-2015"} <= set(curation.entities)
    assert MINI_CURATION and MINI_REGISTRY  # the registry the local events sit beside
