"""Options several commands share, declared once so their names, defaults and help agree."""

from __future__ import annotations

from pathlib import Path

import click

STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build/store"),
    show_default=True,
    help="The built store.",
)
