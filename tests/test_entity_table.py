"""A rebuild that changes no entity definition takes the entity table from the last build
(kg.entity_table) instead of reading every definition again; any change to a definition, a
removed defining article, or a problem in a changed file goes back to reading every file, so
the build is what it would have been without the table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINI_ARTICLE, MINI_CURATION

from kg import curation, entity_table
from kg.build import build_project
from kg.problems import CurationError

ARTICLE_2 = "Follow-up\nThe Example Agency hosted a briefing in Bishkek.\n"
# defines an event of its own, which article 3 refers to
CURATION_2 = """\
article:
  title: Follow-up
entities:
  - id: briefing-2016
    kind: Event
    name: Briefing in Bishkek, 2016
    aliases: [Bishkek briefing]
facts:
  - s: example-agency
    p: hosted
    o: briefing-2016
    evidence: The Example Agency hosted a briefing
"""
ARTICLE_3 = "Briefing held\nThe briefing was held in Bishkek.\n"
CURATION_3 = """\
article:
  title: Briefing held
facts:
  - s: briefing-2016
    p: heldIn
    o: bishkek
    evidence: held in Bishkek
"""
ALL = ["001_mini", "002_follow", "003_held", "registry"]


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    root = make_project()
    for name, text, cur in (
        ("002_follow", ARTICLE_2, CURATION_2),
        ("003_held", ARTICLE_3, CURATION_3),
    ):
        (root / "seeds" / "articles" / f"{name}.txt").write_text(text)
        (root / "seeds" / "curation" / f"{name}.yaml").write_text(cur)
    return root


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each build planned: "table" or "files"."""
    how: list[str] = []
    real_table, real_files = curation.plan_from_table, curation.plan_project

    def from_table(*args, **kwargs):  # type: ignore[no-untyped-def]
        plan = real_table(*args, **kwargs)
        how.append("table" if plan is not None else "refused")
        return plan

    def from_files(*args, **kwargs):  # type: ignore[no-untyped-def]
        how.append("files")
        return real_files(*args, **kwargs)

    monkeypatch.setattr("kg.build.plan_from_table", from_table)
    monkeypatch.setattr("kg.build.plan_project", from_files)
    return how


def _outputs(out: Path) -> dict[str, bytes]:
    names = ("kg.trig", "kg.ttl", "kg.jsonld", "kg.nq", "manifest.json")
    return {name: (out / name).read_bytes() for name in names}


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "seeds" / "curation" / f"{name}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _same_as_full(root: Path, out: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    build_project(root, full, incremental=False)
    assert _outputs(out) == _outputs(full)


def test_a_rebuild_that_changes_no_definition_uses_the_table(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    assert planned == ["files"]
    _edit(project, "003_held", "title: Briefing held", "title: The briefing was held")
    assert build_project(project, out).rebuilt == ["003_held"]
    # the article that defines an entity, changed elsewhere than in its definitions
    _edit(project, "002_follow", "title: Follow-up", "title: A follow-up")
    assert build_project(project, out).rebuilt == ["002_follow"]
    assert planned == ["files", "table", "table"]
    _same_as_full(project, out, tmp_path)


def test_a_changed_definition_rebuilds_everything(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    _edit(project, "002_follow", "aliases: [Bishkek briefing]", "aliases: [Bishkek meeting]")
    assert build_project(project, out).rebuilt == ALL
    assert planned[1:3] == ["refused", "files"]
    _same_as_full(project, out, tmp_path)


def test_a_new_definition_is_checked_against_the_others(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    # article 3 now defines the id article 2 defines
    _edit(
        project,
        "003_held",
        "facts:",
        "entities:\n  - id: briefing-2016\n    kind: Event\n    name: Another\nfacts:",
    )
    with pytest.raises(CurationError, match="duplicate id 'briefing-2016'"):
        build_project(project, out)
    assert "refused" in planned


def test_removing_an_article_that_defines_entities_reads_every_file(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    (project / "seeds" / "articles" / "002_follow.txt").unlink()
    (project / "seeds" / "curation" / "002_follow.yaml").unlink()
    with pytest.raises(CurationError, match="unknown entity id 'briefing-2016'"):
        build_project(project, out)
    assert planned[1:] == ["refused", "files", "files"]


def test_a_problem_in_a_changed_files_definitions_is_reported_as_before(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    _edit(project, "002_follow", "    kind: Event\n", "    kind: Event\n    colour: red\n")
    with pytest.raises(CurationError) as failed:
        build_project(project, out)
    assert [str(p) for p in failed.value.problems] == [
        "seeds/curation/002_follow.yaml:6: unknown key 'colour'"
    ]
    assert planned[1] == "refused"


def test_the_table_gives_back_the_entities_it_was_given(project: Path, tmp_path: Path) -> None:
    plan = curation.plan_project(project)
    entity_table.save(tmp_path, "k", plan.entities, plan.origin)
    assert entity_table.load(tmp_path, "another key") is None
    loaded = entity_table.load(tmp_path, "k")
    assert loaded is not None
    table, origin = loaded
    assert origin == plan.origin
    assert sorted(table) == sorted(plan.entities) and len(table) == len(plan.entities)
    assert all(table[eid] == plan.entities[eid] for eid in plan.entities)
    assert "briefing-2016" in table and "nobody" not in table
    assert table.get("nobody") is None


def test_a_new_article_without_definitions_uses_the_table(
    project: Path, tmp_path: Path, planned: list[str]
) -> None:
    out = tmp_path / "out"
    build_project(project, out)
    (project / "seeds" / "articles" / "004_more.txt").write_text(MINI_ARTICLE)
    (project / "seeds" / "curation" / "004_more.yaml").write_text(MINI_CURATION)
    assert build_project(project, out).rebuilt == ["004_more"]
    assert planned[1:] == ["table"]
    _same_as_full(project, out, tmp_path)
