"""Problems found in curation input, reported all at once as ``file:line: message``.

Collecting every problem before failing (rather than stopping at the first) lets a curator fix a
whole file in one pass; followthemoney's ``InvalidData(errors=...)`` works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, where it is, and how to fix it."""

    file: str
    line: int | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass
class Problems:
    """An accumulator handed through the loading stages."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self, file: str | Path, line: int | None, message: str, hint: str | None = None
    ) -> None:
        self.items.append(Problem(str(file), line, message, hint))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise CurationError(sorted(set(self.items), key=_sort_key))


def _sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.file, problem.line or 0, problem.message)


class CurationError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
