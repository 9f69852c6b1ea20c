"""Finding a curator's quote in the article text, and explaining where it went wrong if absent.

A quote must be verbatim; only runs of whitespace may differ, because YAML folds long lines.
The span recorded is the article's own text, so offsets and ``oa:exact`` always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# Look-alike characters that a quote typed by hand often gets wrong.
_LOOKALIKES = {"'": "’‘", '"': "“”", "-": "–—"}


@dataclass(frozen=True)
class Span:
    """A located quote: the article's own text from ``start`` to ``end`` (end excluded)."""

    start: int
    end: int
    exact: str


@lru_cache(maxsize=4096)
def _pattern(quote: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


def locate(quote: str, text: str) -> Span | None:
    """The first occurrence of ``quote`` in ``text``, whitespace-insensitively, or None."""
    if not quote.split():
        return None
    match = _pattern(quote).search(text)
    return Span(match.start(), match.end(), match.group(0)) if match else None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def explain_missing(quote: str, text: str) -> str:
    """A hint naming the closest passage of the article and the likely difference."""
    for plain, fancy in _LOOKALIKES.items():
        for char in fancy:
            if plain in quote and locate(quote.replace(plain, char), text):
                return f"the article writes {char!r} where the quote has {plain!r}"
            if char in quote and locate(quote.replace(char, plain), text):
                return f"the article writes {plain!r} where the quote has {char!r}"
    flat = " ".join(quote.split())
    alignment = fuzz.partial_ratio_alignment(flat, text)
    if alignment is None or alignment.score < 50:
        return "nothing in the article resembles it; copy the words from the article text"
    line, col = line_col(text, alignment.dest_start)
    closest = " ".join(text[alignment.dest_start : alignment.dest_end].split())
    return (
        f"closest passage ({alignment.score:.0f}% alike) at article line {line}:{col}: {closest!r}"
    )
