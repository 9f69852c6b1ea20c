"""Finding a curator's quote in the article text, and explaining where it went wrong if absent.

A quote must be verbatim; only runs of whitespace may differ, because YAML folds long lines.
The span recorded is the article's own text, so offsets and ``oa:exact`` always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

# Look-alike characters that a quote typed by hand often gets wrong.
_LOOKALIKES = {"'": "’‘", '"': "“”", "-": "–—"}


@dataclass(frozen=True)
class Span:
    """A located quote: the article's own text from ``start`` to ``end`` (end excluded)."""

    start: int
    end: int
    exact: str


class Text:
    """An article's text with a whitespace-folded copy, so quotes are found without regexes.

    ``folded`` has every run of whitespace replaced by one space; ``origin[i]`` is the index in
    the original text of folded character ``i`` (one extra entry marks the end).
    """

    def __init__(self, text: str):
        self.text = text
        folded: list[str] = []
        origin: list[int] = []
        for match in _WORDS.finditer(text):
            if folded:
                folded.append(" ")
                origin.append(match.start() - 1)
            folded.append(match.group(0))
            origin.extend(range(match.start(), match.end()))
        self.folded = "".join(folded)
        self.origin = origin
        self.origin.append(len(text))

    def locate(self, quote: str) -> Span | None:
        """The first occurrence of ``quote``, whitespace-insensitively, or None."""
        at = self.text.find(quote)
        if at >= 0 and quote.strip() == quote and quote:
            return Span(at, at + len(quote), quote)
        needle = " ".join(quote.split())
        if not needle:
            return None
        at = self.folded.find(needle)
        if at < 0:
            return None
        start, end = self.origin[at], self.origin[at + len(needle) - 1] + 1
        return Span(start, end, self.text[start:end])


_WORDS = re.compile(r"\S+")


def locate(quote: str, text: str) -> Span | None:
    """The first occurrence of ``quote`` in ``text``, whitespace-insensitively, or None."""
    return Text(text).locate(quote)


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
