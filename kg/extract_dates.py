"""Dates in press releases: absolute ("18 March 2015", "July 26, 2022"), partial ("on 30 July",
"in 2021") completed from the article's date, relative ("today"), and datelines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "|".join(MONTHS)


@dataclass(frozen=True)
class DateMention:
    """A date found in the text; value is YYYY-MM-DD, YYYY-MM or YYYY."""

    start: int
    end: int
    text: str
    value: str
    relative: bool = False


# ---------------------------------------------------------------- dates

_ABS_DMY = re.compile(rf"\b(\d{{1,2}}) ({_MONTH}),? (\d{{4}})\b")
_ABS_MDY = re.compile(rf"\b({_MONTH}) (\d{{1,2}}),? (\d{{4}})\b")
_DM = re.compile(rf"\b(\d{{1,2}}) ({_MONTH})\b(?!,? \d{{4}})")
_MD = re.compile(rf"\b({_MONTH}) (\d{{1,2}})\b(?!,? \d{{4}})(?!\d)")
_MY = re.compile(rf"\b({_MONTH}) (\d{{4}})\b")
_YEAR = re.compile(r"\bin (\d{4})\b(?![-–]\d)")
_RELATIVE = re.compile(r"\b(today|yesterday|last week|this week|last month)\b", re.I)


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str, ref: str | None) -> list[DateMention]:
    """Dates in text; partial and relative ones are completed from the reference date."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def put(m: re.Match[str], value: str | None, relative: bool = False) -> None:
        if value and free(m.start(), m.end()):
            found.append(DateMention(m.start(), m.end(), m.group(), value, relative))
            taken.append((m.start(), m.end()))

    for m in _ABS_DMY.finditer(text):
        put(m, _iso(int(m[3]), MONTHS.index(m[2]) + 1, int(m[1])))
    for m in _ABS_MDY.finditer(text):
        put(m, _iso(int(m[3]), MONTHS.index(m[1]) + 1, int(m[2])))
    ref_year = int(ref[:4]) if ref else None
    for m in _DM.finditer(text):
        if ref_year:
            put(m, _iso(ref_year, MONTHS.index(m[2]) + 1, int(m[1])), True)
    for m in _MD.finditer(text):
        if ref_year:
            put(m, _iso(ref_year, MONTHS.index(m[1]) + 1, int(m[2])), True)
    for m in _MY.finditer(text):
        put(m, f"{int(m[2]):04d}-{MONTHS.index(m[1]) + 1:02d}")
    for m in _YEAR.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(DateMention(m.start(1), m.end(1), m[1], m[1]))
            taken.append((m.start(1), m.end(1)))
    if ref and len(ref) == 10:
        day = date.fromisoformat(ref)
        for m in _RELATIVE.finditer(text):
            word = m[1].lower()
            if word == "today":
                put(m, ref, True)
            elif word == "yesterday":
                put(m, (day - timedelta(days=1)).isoformat(), True)
    return sorted(found, key=lambda d: d.start)


DATELINE = re.compile(
    rf"^([A-Z][A-Z’' -]{{2,}}[A-Z]), ([A-Z][\w ]+?), "
    rf"(\d{{1,2}} (?:{_MONTH}) \d{{4}}|(?:{_MONTH}) \d{{1,2}},? \d{{4}})\s*[–—-]",
    re.M,
)


def article_date(text: str) -> tuple[str | None, str | None, str | None, tuple[int, int] | None]:
    """(date, basis, evidence, dateline city span): the dateline's date, else the first full date.

    A dateline ("ALMATY, Kazakhstan, 9 November 2011 –") dates publication; otherwise the
    first full date of the body is the event the article reports, which is how the seeds read.
    """
    m = DATELINE.search(text)
    if m:
        d = find_dates(m[3], None)
        if d:
            return d[0].value, "published", m[3], (m.start(1), m.end(1))
    body = text.split("\n", 1)[1] if "\n" in text else text
    offset = len(text) - len(body)
    for d in find_dates(body, None):
        if len(d.value) == 10 and not d.relative:
            start = offset + d.start
            before = text[max(0, start - 3) : start]
            evidence = ("on " + d.text) if before.endswith("on ") else d.text
            return d.value, "event", evidence, None
    return None, None, None, None
