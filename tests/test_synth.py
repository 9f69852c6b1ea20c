"""The synthetic corpus generator: deterministic, quotes that occur, a tree kg accepts."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kg.cli import main as kg_main

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
assert _spec and _spec.loader
synth = importlib.util.module_from_spec(_spec)
sys.modules["synth"] = synth
_spec.loader.exec_module(synth)

N = 20


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "project"
    assert synth.main(["--articles", str(N), "--seed", "3", "--out", str(out)]) == 0
    return out


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_a_byte_identical_tree(tree: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synth.main(["--articles", str(N), "--seed", "3", "--out", str(again)])
    assert _files(again) == _files(tree)


def test_another_seed_gives_another_corpus(tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    synth.main(["--articles", str(N), "--seed", "4", "--out", str(other)])
    assert _files(other) != _files(tree)


def test_tree_has_one_curation_file_per_article_and_the_project_files(tree: Path) -> None:
    texts = sorted(p.stem for p in (tree / "seeds" / "articles").glob("*.txt"))
    curations = sorted(p.stem for p in (tree / "seeds" / "curation").glob("*.yaml"))
    assert len(texts) == N
    assert texts == curations
    assert (tree / "seeds" / "entities.yaml").is_file()
    assert (tree / "ontology" / "kg.ttl").is_file()


def _quotes(doc: dict) -> list[str]:
    quotes = [doc["article"]["date_evidence"]]
    for key in ("facts", "posts", "claims"):
        quotes += [item["evidence"] for item in doc.get(key, [])]
    quotes += [q["text"] for q in doc.get("quotes", [])]
    return quotes


def test_every_evidence_quote_occurs_verbatim_in_its_article(tree: Path) -> None:
    checked = 0
    for path in sorted((tree / "seeds" / "curation").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = (tree / "seeds" / "articles" / f"{path.stem}.txt").read_text(encoding="utf-8")
        for quote in _quotes(doc):
            assert quote in text, f"{path.name}: {quote!r} not in the article"
            checked += 1
    assert checked > 10 * N  # facts, posts, quotes and claims were all there to check


def test_shape_events_participants_quotes_and_claims(tree: Path) -> None:
    participants, quoted, claims = [], [], 0
    for path in sorted((tree / "seeds" / "curation").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        events = [e for e in doc["entities"] if e["kind"] == "Event"]
        assert 1 <= len(events) <= 3
        for fact in doc["facts"]:
            if fact["p"] == "participatedIn":
                participants.append(len(fact["s"]))
        quoted.append(len(doc.get("quotes", [])))
        claims += len(doc.get("claims", []))
    assert min(participants) >= 3 and max(participants) <= 16  # 3-15 orgs, plus a group
    assert 1 <= max(quoted) <= 4
    assert claims > 0


def test_registry_uses_real_iso_codes_and_some_cyrillic_names(tree: Path) -> None:
    reg = yaml.safe_load((tree / "seeds" / "entities.yaml").read_text(encoding="utf-8"))
    entities = reg["entities"]
    isos = {e["iso"] for e in entities if e["kind"] == "Country"}
    assert {"KZ", "KG", "TJ", "UZ", "TM"} <= isos
    assert any(re.search("[а-яА-Я]", e["name"]) for e in entities if e["kind"] == "Person")
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)


def test_generated_tree_passes_kg_check(tree: Path) -> None:
    result = CliRunner().invoke(kg_main, ["check", "--root", str(tree)])
    assert result.exit_code == 0, result.output
    assert f"{N} articles" in result.output


def test_refuses_to_overwrite_an_existing_project(tree: Path, capsys) -> None:
    assert synth.main(["--articles", "2", "--out", str(tree)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert len(list((tree / "seeds" / "articles").glob("*.txt"))) == N
