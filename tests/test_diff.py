"""kg diff: the facts and entities a curation change adds or removes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner

from kg.build import build_project
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
ART = "002_3afb119e97f63a94"


def test_diff_against_the_last_build_shows_a_removed_fact(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    build_project(tmp_path, store=False)
    runner = CliRunner()
    same = runner.invoke(main, ["diff", "--root", str(tmp_path)])
    assert same.exit_code == 0 and "no change to the graph" in same.output
    path = tmp_path / "seeds" / "curation" / f"{ART}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - s: bishkek-press-cafe-2022\n    p: heldIn")
    end = text.index("\n  - ", start + 5) + 1
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    result = runner.invoke(main, ["diff", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"graph {ART}:" in result.output
    assert "  - bishkek-press-cafe-2022 heldIn bishkek" in result.output


def test_diff_against_a_git_revision_shows_an_added_article(tmp_path: Path) -> None:
    repo, tmp_path = tmp_path, tmp_path / "project"  # the project in a folder of the repository
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "seeds"], check=True)
    arts = tmp_path / "seeds" / "articles"
    (arts / "005_new.txt").write_text(
        "A title\nThe OSCE met in Osh on 1 May 2020.", encoding="utf-8"
    )
    (tmp_path / "seeds" / "curation" / "005_new.yaml").write_text(
        "article:\n  title: A title\nentities:\n  - id: osh-meeting-2020\n    kind: Event\n"
        "    name: Meeting, Osh, 1 May 2020\nfacts:\n  - s: osh-meeting-2020\n    p: heldIn\n"
        "    o: osh\n    evidence: met in Osh\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["diff", "--rev", "HEAD", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "+ entity osh-meeting-2020" in result.output
    assert "+ osh-meeting-2020 heldIn osh" in result.output


def test_diff_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    result = CliRunner().invoke(main, ["diff", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "run `kg build` first" in result.output
    bad = CliRunner().invoke(main, ["diff", "--rev", "nope", "--root", str(tmp_path)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
