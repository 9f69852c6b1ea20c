"""Shared fixtures: the real seed project built once per session, and small throwaway projects."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five seed articles built once into a temp folder; returns that build folder."""
    from kg.build import build_project

    out = tmp_path_factory.mktemp("seed-build")
    build_project(ROOT, out)
    return out


@pytest.fixture(scope="session")
def seed_store(seed_build: Path):  # type: ignore[no-untyped-def]
    """The seed graph's embedded store, opened read-only."""
    from kg.store import open_store

    return open_store(seed_build / "store")


# who article 004 says organised the 2011 Almaty workshop: checked by several suites
WORKSHOP_2011_ORGANISERS = {
    "osce-centre-astana",
    "kz-interior-ministry",
    "unodc",
    "iom",
    "us-embassy-kazakhstan",
    "osce-pob",
    "osce-office-tajikistan",
}


MINI_ARTICLE = """Ministry meets agency
The Interior Ministry hosted a roundtable in Bishkek on 18 March 2015 with the Example Agency.
“Co-operation matters,” said Jane Doe, Head of the Example Agency.
Some 25 representatives took part.
"""

MINI_REGISTRY = """\
entities:
  - id: interior-ministry
    kind: Organization
    name: Interior Ministry
    country: kyrgyzstan
  - id: example-agency
    kind: Organization
    name: Example Agency
  - id: jane-doe
    kind: Person
    name: Jane Doe
  - id: kyrgyzstan
    kind: Country
    name: Kyrgyzstan
    iso: KG
  - id: bishkek
    kind: City
    name: Bishkek
    country: kyrgyzstan
  - id: roundtable-2015
    kind: Event
    name: Roundtable in Bishkek, 18 March 2015
  - id: participants
    kind: Measure
    name: Number of participants
"""

MINI_CURATION = """\
article:
  title: Ministry meets agency
  date: "2015-03-18"
  date_basis: event
  date_evidence: on 18 March 2015
facts:
  - s: interior-ministry
    p: hosted
    o: roundtable-2015
    evidence: The Interior Ministry hosted a roundtable
  - s: roundtable-2015
    p: heldIn
    o: bishkek
    evidence: a roundtable in Bishkek
  - s: [interior-ministry, example-agency]
    p: participatedIn
    o: roundtable-2015
    evidence: with the Example Agency
posts:
  - person: jane-doe
    organization: example-agency
    role: Head
    evidence: Jane Doe, Head of the Example Agency
quotes:
  - speaker: jane-doe
    at: roundtable-2015
    text: Co-operation matters,
claims:
  - id: participants-25
    measure: participants
    value: 25
    unit: persons
    qualifier: approximately
    about: [roundtable-2015]
    evidence: Some 25 representatives took part.
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a small project (registry, one article, its curation) and return its root.

    Each argument replaces one file's text; the defaults make a valid project.
    """

    def make(
        registry: str = MINI_REGISTRY,
        curation: str = MINI_CURATION,
        article: str = MINI_ARTICLE,
        article_id: str = "001_mini",
    ) -> Path:
        root = tmp_path / "project"
        if root.exists():
            shutil.rmtree(root)
        (root / "seeds" / "articles").mkdir(parents=True)
        (root / "seeds" / "curation").mkdir()
        (root / "seeds" / "entities.yaml").write_text(textwrap.dedent(registry), encoding="utf-8")
        (root / "seeds" / "articles" / f"{article_id}.txt").write_text(article, encoding="utf-8")
        (root / "seeds" / "curation" / f"{article_id}.yaml").write_text(
            textwrap.dedent(curation), encoding="utf-8"
        )
        return root

    return make
