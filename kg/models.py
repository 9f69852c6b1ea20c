"""The curation file schema: strict pydantic models that reject unknown keys.

Values arrive as text from kg.yamlread; pydantic's lax mode turns "25" into 25 and rejects
"11,4" as a number, so the schema alone decides types. Cross-file rules (ids, kinds, evidence)
live in kg.curation.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")


def check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens"
        )
    return value


def check_date(value: str) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD that exist on the calendar."""
    match = DATE.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        raise ValueError(f"'{value}' has no month {month}")
    if day:
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"'{value}' is not a day of the calendar") from None
    return value


def as_list(value: object) -> object:
    """Let a single value stand where a list is expected (``aliases: UNODC``)."""
    return [value] if isinstance(value, str) else value


def precision(value: str) -> Literal["day", "month", "year"]:
    return {10: "day", 7: "month", 4: "year"}[len(value)]  # type: ignore[return-value]


Slug = Annotated[str, AfterValidator(check_slug)]
DateText = Annotated[str, AfterValidator(check_date)]
Text = Annotated[str, Field(min_length=1)]
SlugList = Annotated[list[Slug], BeforeValidator(as_list)]
TextList = Annotated[list[Text], BeforeValidator(as_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Reviewable(Strict):
    """Fields every list item may carry while it is a draft suggestion."""

    suggested: bool = False
    score: Annotated[float, Field(ge=0, le=100)] | None = None
    note: Text | None = None


class NameSpan(Strict):
    name: Text
    from_: Annotated[str, AfterValidator(check_date)] | None = Field(None, alias="from")
    until: Annotated[str, AfterValidator(check_date)] | None = None


class Entity(Reviewable):
    id: Slug
    kind: Text
    name: Text
    aliases: TextList = []
    names: list[NameSpan] = []
    parent: Slug | None = None
    country: Slug | None = None
    based_in: Slug | None = None
    iso: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    category: Text | None = None


class Registry(Strict):
    entities: list[Entity]


class ArticleMeta(Strict):
    title: Text
    date: DateText | None = None
    date_basis: Literal["published", "event"] | None = None
    date_evidence: Text | None = None
    publisher: Slug | None = None
    note: Text | None = None


class Fact(Reviewable):
    s: SlugList
    p: Text
    o: TextList
    evidence: Text


class Post(Reviewable):
    person: Slug
    organization: Slug | None = None
    role: Text
    evidence: Text


class Quote(Reviewable):
    speaker: Slug
    at: Slug | None = None
    text: Text


class Period(Strict):
    start: DateText | None = None
    end: DateText | None = None


class Claim(Reviewable):
    id: Slug
    measure: Slug
    value: Decimal | None = None
    unit: Text | None = None
    qualifier: Literal["exact", "approximately", "more-than", "at-least", "at-most", "planned"] = (
        "exact"
    )
    statement: Text | None = None
    attributed_to: SlugList = []
    about: SlugList = []
    period: Period | None = None
    date: DateText | None = None
    evidence: Text


class ArticleCuration(Strict):
    article: ArticleMeta
    entities: list[Entity] = []
    names: dict[Slug, TextList] = {}
    facts: list[Fact] = []
    posts: list[Post] = []
    quotes: list[Quote] = []
    claims: list[Claim] = []
