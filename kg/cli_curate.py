"""Commands for growing the corpus: `kg add`, `kg suggest`, `kg diff`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from kg.problems import CurationError

console = Console(stderr=True, highlight=False, soft_wrap=True)

ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding seeds/.",
)


def _fail(message: str) -> None:
    console.print(f"error: {message}", markup=False)
    sys.exit(1)


def _problems(exc: CurationError) -> None:
    for problem in exc.problems:
        console.print(str(problem), markup=False)
    _fail(f"{len(exc.problems)} problem(s) in the curation; fix them first (`kg check`)")


@click.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "article_id", default=None, help="Article id [default: NNN_<sha256 prefix>].")
@ROOT
def add(file: Path, article_id: str | None, root: Path) -> None:
    """Add an article (plain text, or a saved HTML page reduced to its title and body) to
    seeds/articles, refusing duplicates, empty and binary files."""
    from kg.ingest import IngestError, add_article

    try:
        added = add_article(file, root, article_id)
    except IngestError as exc:
        _fail(str(exc))
    source = "HTML page" if added.from_html else "text"
    console.print(f"added {added.path.as_posix()} from {source}: {added.title}", markup=False)
    console.print(f"next: kg suggest {added.article_id}", markup=False)
    click.echo(added.article_id)


@click.command("suggest")
@click.argument("article")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here instead of seeds/curation/ARTICLE.yaml ('-' for the screen).",
)
@click.option("--force", is_flag=True, help="Replace an existing curation file.")
@click.option(
    "--no-registry",
    is_flag=True,
    help="Ignore the registry: propose every name as a new entity (to measure the rules).",
)
@ROOT
def suggest(article: str, output: Path | None, force: bool, no_registry: bool, root: Path) -> None:
    """Draft the curation file of ARTICLE (an id or a path to its .txt), every item marked
    `suggested: true` with its evidence quote, for a curator to review."""
    from kg.suggest import SuggestError, write_draft

    article_id = Path(article).stem if article.endswith(".txt") else article
    try:
        target, draft, text = write_draft(
            root, article_id, output, force=force, use_registry=not no_registry
        )
    except SuggestError as exc:
        _fail(str(exc))
    if target is None:
        click.echo(text, nl=False)
    else:
        console.print(f"wrote {target.as_posix()}", markup=False)
    counts = (
        f"{len(draft.entities)} new entities, {len(draft.names)} names, {len(draft.facts)} facts, "
        f"{len(draft.posts)} posts, {len(draft.quotes)} quotes, {len(draft.claims)} claims"
    )
    console.print(f"suggested: {counts}; review them, then `kg check`", markup=False)


@click.command("diff")
@click.option("--rev", default=None, help="Compare with the seeds at this git revision.")
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Compare with this build's kg.nq [default: ROOT/build].",
)
@ROOT
def diff(rev: str | None, build_dir: Path | None, root: Path) -> None:
    """What the current seeds add to or remove from the graph (entities, facts), compared
    with the last build or a git revision. Unreviewed suggestions are left out, as
    `kg build --include-drafts` leaves them out."""
    from kg.diff import DiffError, build_quads, compare, current_quads, render, revision_quads

    try:
        now = current_quads(root, include_drafts=True)
        if rev is not None:
            before = revision_quads(root, rev)
        else:
            before = build_quads((build_dir or root / "build") / "kg.nq")
    except CurationError as exc:
        _problems(exc)
    except DiffError as exc:
        _fail(str(exc))
    click.echo(render(compare(before, now)), nl=False)
