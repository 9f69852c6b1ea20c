"""Relations between named things that are not about one event: who set up, supports or funds
what, and within which programme an organisation works.

Each rule is one English construction of press releases; each result keeps the span of the
words it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import Mention, Sentence
from kg.extract_events import Span

AGENTS = ("Organization", "Group", "Person")
INITIATIVES = ("Programme", "ActionPlan", "Campaign", "Platform", "Mechanism")
_PARTICIPLE = {
    "established": "established",
    "created": "established",
    "supported": "supported",
    "backed": "supported",
    "funded": "funded",
    "financed": "funded",
    "led": "organised",
    "organised": "organised",
    "organized": "organised",
}
_HYPHENATED = re.compile(r"\b([A-Z]{2,})-(" + "|".join(_PARTICIPLE) + r")\s+")
_SUPPORTS = re.compile(r"^\s+(?:supports|supported|assists|assisted)\s+(?:the\s+)?")
_FUNDING = re.compile(
    r"\b(?:[Tt]hanks to|[Ww]ith)\s+(?:the\s+)?(?:funding|financial support|a grant)\s+"
    r"(?:provided\s+)?(?:by|from)\s+"
)
_FRAMEWORK = re.compile(r"\b(?:within|under)\s+the\s+framework\s+of\s+(?:its\s+|the\s+|their\s+)?")


@dataclass
class RelationDraft:
    """subject — relation → object, read from the words at ``span``."""

    subject: Mention
    relation: str
    object: Mention
    span: Span


def find_relations(
    text: str, sents: list[Sentence], mentions: list[Mention]
) -> list[RelationDraft]:
    """'OSCE-established Platform', 'X supports Y', 'thanks to funding by X, Y ...',
    'Y ... within the framework of its Programme'."""
    out: list[RelationDraft] = []
    by_start = {m.start: m for m in mentions if not m.title}
    for sent in sents:
        s, e = sent.start, sent.end
        local = sorted(
            (m for m in mentions if s <= m.start < e and not m.title), key=lambda m: m.start
        )
        # "OSCE-established Inter-agency Platform", "UNODC-supported new Government Programme"
        for m in _HYPHENATED.finditer(sent.text):
            acronym = by_start.get(s + m.start(1))
            rest = sent.text[m.end() :]
            skip = re.match(r"(?:(?:new|draft|national|regional)\s+)*", rest)
            target = by_start.get(s + m.end() + (skip.end() if skip else 0))
            if acronym and target and target.kind not in (*AGENTS, "Country", "City", "Region"):
                out.append(
                    RelationDraft(
                        acronym, _PARTICIPLE[m[2]], target, Span(s + m.start(), target.end)
                    )
                )
        # "<Org> supports <Agent>"
        for a in local:
            if a.kind != "Organization":
                continue
            m = _SUPPORTS.match(text[a.end : e])
            if not m:
                continue
            target = by_start.get(a.end + m.end())
            if target is not None and target.kind in AGENTS:
                out.append(RelationDraft(a, "supported", target, Span(a.start, target.end)))
        # "Thanks to funding provided by X, Y supports ..."
        m = _FUNDING.search(sent.text)
        if m:
            start = s + m.end()
            comma = text.find(",", start, e)
            funders = [x for x in local if start <= x.start and (comma < 0 or x.end <= comma)]
            funders = [x for x in funders if x.kind in AGENTS and not _inside(x, funders)]
            parents = {id(x.parent) for x in funders if x.parent is not None}
            funders = [x for x in funders if id(x) not in parents]  # "US State Department's"
            after = [
                x for x in local if comma >= 0 and x.start > comma and x.kind == "Organization"
            ]
            after = [x for x in after if not _inside(x, after)]
            if funders and after:
                for f in funders:
                    out.append(
                        RelationDraft(f, "funded", after[0], Span(s + m.start(), after[0].end))
                    )
        # "<Org> supports efforts ... within the framework of its <Programme>"
        m = _FRAMEWORK.search(sent.text)
        if m:
            target = by_start.get(s + m.end())
            orgs = [x for x in local if x.kind == "Organization" and x.start < s + m.start()]
            orgs = [x for x in orgs if not _inside(x, orgs)]
            if target is not None and target.kind in INITIATIVES and orgs:
                subject = orgs[-1]
                out.append(
                    RelationDraft(
                        subject, "underFramework", target, Span(subject.start, target.end)
                    )
                )
    return out


def _inside(m: Mention, others: list[Mention]) -> bool:
    return any(o is not m and o.start <= m.start and m.end <= o.end for o in others)
