"""The command line as a user meets it: help everywhere, readable errors, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main


def commands() -> list[str]:
    return main.list_commands(click.Context(main))


@pytest.mark.parametrize("command", commands())
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [c for c in commands() if f"kg {c}" not in readme]
    assert missing == []


def test_check_reports_every_problem_with_file_and_line(make_project: Callable[..., Path]) -> None:
    root = make_project()
    curation = root / "seeds" / "curation" / "001_mini.yaml"
    curation.write_text(
        curation.read_text().replace("p: hosted", "p: hostd").replace("o: bishkek", "o: bishkeck")
    )
    result = CliRunner().invoke(main, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "seeds/curation/001_mini.yaml:8: unknown relation 'hostd'" in result.output
    assert "seeds/curation/001_mini.yaml:13: object of `heldIn`: unknown entity id" in result.output
    assert "2 problems; nothing was written." in result.output
    assert "Traceback" not in result.output


def test_build_then_stats(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project()
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--root", str(root), "-o", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "kg.trig").exists()
    result = runner.invoke(main, ["stats", "--store", str(tmp_path / "b" / "store")])
    assert result.exit_code == 0
    assert "kg:Membership" in result.output and "001_mini" in result.output


def test_stats_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "run `kg build` first" in result.output
