"""The `kg` command line: a thin click group; each command calls one library function."""

from __future__ import annotations

import click

from kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Build, check and query curated knowledge graphs of press releases."""


# Commands of other modules register here (one line each), in the order `kg --help` lists them.
from kg.cli_remote import push_command  # noqa: E402

main.add_command(push_command)
