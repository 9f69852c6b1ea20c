"""Headless Chromium for the page tests: Debian's chromium driven by Playwright.

Missing Chromium is a failure, not a skip, so a machine without it cannot pass the browser tests
silently; `make browser` (part of `make test`) installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# As the machine's notes advise: no sandbox as root, and no background traffic to Google.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless browser, closed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need {CHROMIUM}: run `make browser` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
