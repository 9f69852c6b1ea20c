"""The documentation is true: its YAML examples load, and they say what the seeds say."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT

from kg import models
from kg.curation import load_project
from kg.evidence import Text
from kg.problems import Problems
from kg.yamlread import read_yaml

BLOCK = re.compile(r"```yaml\n(.*?)```", re.S)


def yaml_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def load(text: str, tmp_path: Path) -> object:
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    doc = read_yaml(path, problems)
    assert not problems, problems.items
    return doc.data  # type: ignore[union-attr]


def test_readme_examples_match_the_seed_curation(tmp_path: Path) -> None:
    registry_block, article_block = yaml_blocks(ROOT / "README.md")
    registry = models.Registry.model_validate(load(registry_block, tmp_path))
    article = models.ArticleCuration.model_validate(load(article_block, tmp_path))
    seeds = load_project(ROOT)
    [example] = registry.entities
    real = seeds.entities[example.id]
    assert example.model_dump(exclude={"note", "category"}) == real.model_dump(
        exclude={"note", "category"}
    )
    text = Text((ROOT / "seeds" / "articles" / "000_60e5c23ee0f669b6.txt").read_text())
    for fact in article.facts:
        assert text.locate(fact.evidence)
        assert all(s in seeds.entities for s in fact.s)
    for post in article.posts:
        assert text.locate(post.evidence) and post.person in seeds.entities


def test_format_reference_examples_are_valid_yaml_of_the_schema(tmp_path: Path) -> None:
    blocks = yaml_blocks(ROOT / "docs" / "curation-format.md")
    assert len(blocks) == 2
    models.Registry.model_validate(load(blocks[0], tmp_path))
    models.ArticleCuration.model_validate(load(blocks[1], tmp_path))


def test_every_relation_of_the_ontology_is_documented() -> None:
    from kg.ontology import load_ontology

    reference = (ROOT / "docs" / "curation-format.md").read_text(encoding="utf-8")
    missing = [r for r in load_ontology().relations if f"`{r}`" not in reference]
    assert missing == []


def test_readme_error_example_is_what_kg_check_prints(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from kg.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ kg check        # after two typos in ", 1)[1].split("```", 1)[0]
    expected = block.splitlines()[1:]
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    curation = tmp_path / "seeds" / "curation" / "004_3cdedc2bc6c43dd1.yaml"
    text = curation.read_text(encoding="utf-8")
    text = text.replace(
        "evidence: The two-day workshop is organized by the OSCE Centre in Astana\n",
        "evidence: The two-day workshop is organised by the OSCE Centre in Astana\n",
        1,
    ).replace("    o: almaty\n", "    o: almati\n", 1)
    curation.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == expected
