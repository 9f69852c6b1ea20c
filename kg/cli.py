"""The `kg` command line: a thin click group; each command calls one library function.

Errors in the user's input become one readable line per problem and exit code 1, never a
traceback (the DESIGN notes' "CLI is thin" rule, after datasette and sqlite-utils).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from kg import __version__
from kg.cli_options import STORE_OPTION
from kg.problems import CurationError

console = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False)

ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding seeds/ (and build/).",
)
DRAFTS_OPTION = click.option(
    "--include-drafts",
    is_flag=True,
    help="Accept curation files with unreviewed suggestions, leaving those suggestions out.",
)


def fail(problems: CurationError) -> None:
    """Print every problem and exit 1."""
    for problem in problems.problems:
        console.print(str(problem), markup=False)
    count = len(problems.problems)
    console.print(f"[red]{count} problem{'s' if count != 1 else ''}; nothing was written.[/red]")
    sys.exit(1)


class LazyGroup(click.Group):
    """A click group whose commands from LAZY_COMMANDS are imported on first use (the lazy
    loading pattern of click's documentation)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            module, attribute = LAZY_COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build, check and query curated knowledge graphs of press releases."""


@main.command()
@ROOT_OPTION
@DRAFTS_OPTION
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder [default: ROOT/build].",
)
@click.option(
    "--full", is_flag=True, help="Rebuild every graph, ignoring the cache of the last build."
)
def build(root: Path, include_drafts: bool, out: Path | None, full: bool) -> None:
    """Build the graph: check the curation, validate with SHACL, write TriG, Turtle, JSON-LD,
    N-Quads and the embedded store. On any problem nothing is written. Only articles changed
    since the last build are rebuilt."""
    from kg.build import build_project

    with console.status("building") as status:
        try:
            report = build_project(
                root,
                out,
                include_drafts=include_drafts,
                incremental=not full,
                progress=lambda s: status.update(s),
            )
        except CurationError as exc:
            fail(exc)
    table = Table(title="kg build", show_header=True)
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for stage, seconds in report.timings.items():
        table.add_row(stage, f"{seconds:.3f}")
    console.print(table)
    for article, skipped in sorted(report.left_out.items()):
        console.print(f"{article}: left out {skipped} unreviewed suggestion(s)")
    console.print(
        f"{len(report.graphs)} graphs ({len(report.rebuilt)} rebuilt), {report.quads} quads "
        f"written to {report.out}/: " + ", ".join(sorted(report.files))
    )


@main.command()
@ROOT_OPTION
@DRAFTS_OPTION
def check(root: Path, include_drafts: bool) -> None:
    """Check the curation (schema, ids, kinds, evidence quotes) and SHACL shapes; write nothing."""
    from kg.build import check_project

    try:
        summary = check_project(root, include_drafts=include_drafts)
    except CurationError as exc:
        fail(exc)
    for file, line, what in summary.pending:
        console.print(f"{file}:{line}: {what} left out (not reviewed)", markup=False)
    console.print(
        f"ok: {summary.entities} entities, {summary.articles} articles, {summary.facts} facts"
    )


@main.command()
@STORE_OPTION
def stats(store_path: Path) -> None:
    """Counts per class and per article in the built graph."""
    from kg.stats import article_counts, class_counts
    from kg.store import StoreMissing, open_store

    try:
        store = open_store(store_path)
    except StoreMissing as exc:
        console.print(f"error: {exc}")
        sys.exit(1)
    table = Table(title="entities and records per class")
    table.add_column("class")
    table.add_column("count", justify="right")
    for name, count in class_counts(store):
        table.add_row(name, str(count))
    out.print(table)
    table = Table(title="per article")
    columns = ("article", "date", "facts", "posts", "quotes", "claims", "entities")
    for column in columns:
        table.add_column(column, justify="left" if column in ("article", "date") else "right")
    for row in article_counts(store):
        table.add_row(*(str(row[c]) for c in columns))
    out.print(table)


# Commands of other modules, imported only when used: their dependencies (networkx, numpy,
# SPARQLWrapper, starlette) would otherwise slow every command's start, `kg serve` included.
LAZY_COMMANDS = {
    "queries": "kg.cli_query:queries_command",
    "query": "kg.cli_query:query_command",
    "serve": "kg.cli_query:serve_command",
    "analyze": "kg.cli_view:analyze",
    "path": "kg.cli_view:path",
    "view": "kg.cli_view:view",
    "export": "kg.cli_view:export",
    "add": "kg.cli_curate:add",
    "suggest": "kg.cli_curate:suggest",
    "diff": "kg.cli_curate:diff",
    "push": "kg.cli_remote:push_command",
}
