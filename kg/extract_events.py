"""Rule-based drafts of what an article says: events and their roles, posts, quotes, claims.

Works on the mentions of kg.extract; every result keeps the character span of the words it
was read from, which becomes the suggestion's verbatim evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.extract import (
    ORDINALS,
    SPEECH_VERBS,
    TITLE_WORDS,
    WORD_NUMBERS,
    DateMention,
    Mention,
    Sentence,
)

AGENT_KINDS = ("Organization", "Group", "Person")
_TRIGGER = (
    r"co-ordination meeting|coordination meeting|round ?table discussion|round-table discussion|"
    r"round-?table|roundtable|workshop|training course|training|seminar|conference|"
    r"press café|press cafe|press conference|forum|simulation exercise|exercise|meeting|"
    r"discussion|event|summit|briefing|consultation"
)
_GENERIC = {"meeting", "event", "discussion"}
_EVENT_RE = re.compile(
    r"\b(?P<det>[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|first|second|third)\s+"
    r"(?P<mods>(?:(?!(?:of|the|a|an|in|on|to|for|and|with|by|at|from|is|was|were|are)\b)[\w’'-]+\s+){0,4}?)"
    rf"(?P<trig>{_TRIGGER})(?P<plural>s)?\b",
)
_EVENT_START = re.compile(
    rf"\b(?:hosts|holds|organi[sz]es|supports|opens|launches)\s+(?P<mods>(?:[\w’'-]+\s+){{0,3}}?)(?P<trig>{_TRIGGER})\b"
)


@dataclass
class Span:
    """Offsets of the words a suggestion rests on."""

    start: int
    end: int


@dataclass
class EventDraft:
    """One event the article reports, with what the sentences around it say."""

    trigger: str
    name_words: str
    first: Span
    mentions: list[Span] = field(default_factory=list)
    date: DateMention | None = None
    date_evidence: Span | None = None
    place: Mention | None = None
    place_evidence: Span | None = None
    roles: list[tuple[Mention, str, Span]] = field(default_factory=list)
    countries: list[tuple[Mention, Span]] = field(default_factory=list)
    links: list[tuple[str, Mention, Span]] = field(default_factory=list)  # marks, underFramework
    duration: tuple[str, Span] | None = None
    ordinal: tuple[int, Span] | None = None


@dataclass
class PostDraft:
    person: Mention
    role: str
    organization: Mention | None
    evidence: Span


@dataclass
class QuoteDraft:
    speaker: Mention
    text: Span
    sentence: int


@dataclass
class ClaimDraft:
    value: Decimal
    unit: str
    qualifier: str
    evidence: Span
    what: str
    attributed: Mention | None
    sentence: int


def _canonical_trigger(trig: str) -> str:
    t = trig.lower().replace("co-ordination", "coordination").replace("round table", "roundtable")
    t = t.replace("round-table", "roundtable").replace("press cafe", "press café")
    return t


def _head(trig: str) -> str:
    t = _canonical_trigger(trig)
    if t.startswith("press "):
        return t
    if t.endswith(" discussion"):
        return t.split()[0]
    return {"training course": "training"}.get(t, t.split()[-1])


def find_events(
    text: str,
    sents: list[Sentence],
    mentions: list[Mention],
    dates: list[DateMention],
) -> list[EventDraft]:
    """Events by their trigger nouns; 'the meeting' and 'the event' refer back."""
    events: list[EventDraft] = []
    by_sentence: dict[int, list[tuple[EventDraft, Span]]] = {}
    # The headline last: it names the body's event in other words ("OSCE hosts workshop").
    for sent in [*sents[1:], *sents[:1]]:
        found = list(_EVENT_RE.finditer(sent.text))
        if sent.index == 0:
            found += [
                m0
                for m0 in _EVENT_START.finditer(sent.text)
                if sent.text[m0.end() : m0.end() + 1] != "s"
            ]
        if not found and events and _PARTICIPATION.search(sent.text):
            by_sentence.setdefault(sent.index, []).append(
                (events[-1], Span(sent.start, sent.start))
            )
        for m in found:
            if m.groupdict().get("plural"):
                continue
            trig = m["trig"]
            det = (m.groupdict().get("det") or "").lower()
            mods = m["mods"].strip()
            if any(
                w.lower() in ("similar", "other", "such", "these", "those") for w in mods.split()
            ):
                continue
            span = Span(sent.start + m.start("trig"), sent.start + m.end("trig"))
            first = Span(sent.start + m.start(), sent.start + m.end())
            head = _head(trig)
            target: EventDraft | None = None
            if (det in ("the", "this", "that", "its") or sent.index == 0) and events:
                same = [e for e in events if _head(e.trigger) == head]
                if same:
                    target = same[-1]
                elif head in _GENERIC or head in ("roundtable",):
                    target = events[-1]
            if target is None and head in ("event", "discussion") and not events:
                continue
            if target is None:
                words = " ".join(
                    w for w in mods.split() if w.lower() not in ORDINALS and not w[0].isdigit()
                )
                target = EventDraft(_canonical_trigger(trig), words, first)
                events.append(target)
                _modifiers(target, mods, first, text)
            if target.duration is None or target.ordinal is None:
                _modifiers(target, mods, first, text)
            target.mentions.append(span)
            by_sentence.setdefault(sent.index, []).append((target, span))
    for sent in sents:
        seen: set[int] = set()
        for event, span in by_sentence.get(sent.index, []):
            if id(event) in seen:
                continue
            seen.add(id(event))
            _read_sentence(event, span, sent, text, mentions, dates)
    for event in events:
        unique: dict[tuple[int, str], tuple[Mention, str, Span]] = {}
        for role in event.roles:
            unique.setdefault((role[0].start, role[1]), role)
        event.roles = list(unique.values())
    _respectively(text, sents, mentions, events)
    return events


def _modifiers(event: EventDraft, mods: str, first: Span, text: str) -> None:
    words = [w.lower() for w in mods.split()]
    for w in words:
        if w in ORDINALS:
            event.ordinal = (ORDINALS[w], first)
        m = re.fullmatch(r"(\w+)-day", w)
        if m and m[1] in WORD_NUMBERS:
            event.duration = (f"P{WORD_NUMBERS[m[1]]}D", first)


_TRIGGER_ANY = re.compile(rf"\b(?:{_TRIGGER})", re.I)
_PARTICIPATION = re.compile(
    r"\b(?:took part|take part|taking part|participated|participating were|brought together|"
    r"attended by|organi[sz]ed by|hosted by|supported by)\b"
)
_AGENT_CLAUSE_END = re.compile(
    r"(?<![A-Z])\.(?=\s|$)|;|\s(?:and\s+)?(?:was\s+|were\s+)?(?:supported|organi[sz]ed|hosted|funded)\s+by\b|"
    r"\son\s+\d|\sin\s+(?:anticipation|order)\b|\s(?:to|with the aim|under|ahead)\s|"
    r"\sare\s|\stook\b"
)


def _agents_between(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    out = [
        m
        for m in mentions
        if start <= m.start and m.end <= end and m.kind in AGENT_KINDS and not m.extra.get("inner")
    ]
    # an organisation inside a longer organisation's name is not a separate agent
    return [
        m for m in out if not any(o is not m and o.start <= m.start and m.end <= o.end for o in out)
    ]


def _read_sentence(
    event: EventDraft,
    span: Span,
    sent: Sentence,
    text: str,
    mentions: list[Mention],
    dates: list[DateMention],
) -> None:
    s, e = sent.start, sent.end
    local = [m for m in mentions if s <= m.start < e]
    series = [m for m in local if m.kind == "EventSeries"]
    # date: the first date of the sentence that is not a series' own date
    if event.date is None:
        for d in dates:
            if not (s <= d.start < e):
                continue
            if any(0 <= d.start - m.end <= 4 for m in series):
                continue
            if len(d.value) == 4 and d.start < span.start:
                continue
            event.date = d
            event.date_evidence = Span(min(span.start, d.start), max(span.end, d.end))
            break
    # place: "in <City>" / "held in <City>" / "in <Country>" outside any name
    if event.place is None:
        for m in local:
            if m.kind not in ("City", "Country", "Region") or m.adjective:
                continue
            if any(
                o.start <= m.start and m.end <= o.end and o is not m
                for o in local
                if o.kind not in ("City", "Country", "Region")
            ):
                continue
            before = text[max(s, m.start - 12) : m.start]
            between = text[span.end : m.start] if m.start > span.end else ""
            if _TRIGGER_ANY.search(between) or m.start < span.end:
                continue  # "the workshop follows similar events held in Tashkent"
            verb = re.search(
                r"\b(?:began|held|took place|opened|started|convened|conducted|kicked off) in $",
                text[max(s, m.start - 20) : m.start],
            )
            if not (m.start - span.end < 80 or verb):
                continue
            if (
                (re.search(r"\bin (?:the )?$", before) and m.kind == "City")
                or (
                    m.kind == "Country"
                    and re.search(
                        r"\b(?:held|conducted|organi[sz]ed) in $",
                        text[max(s, m.start - 30) : m.start],
                    )
                )
                or (
                    m.kind == "Country"
                    and re.search(r"\bin $", before)
                    and m.start > span.end
                    and m.start - span.end < 60
                )
            ):
                event.place = m
                event.place_evidence = Span(min(span.start, m.start), max(span.end, m.end))
                break
    clause = sent.text
    # passive roles: "<event> ... organized by A and B", "supported by C"
    for m in re.finditer(r"\b(organi[sz]ed|hosted|supported|funded)\s+(?:\w+ly\s+)?by\s+", clause):
        start = s + m.end()
        if start < span.start and not any(x.start > start for x in [span]):
            pass
        rest = text[start:e]
        stop = _AGENT_CLAUSE_END.search(rest)
        end = start + (stop.start() if stop else len(rest))
        verb = m[1].lower()
        rel = {"organised": "organised", "organized": "organised"}.get(verb, verb)
        for a in _agents_between(local, start, end):
            ev = Span(min(span.start, s + m.start()), max(span.end, a.end))
            event.roles.append((a, rel, ev))
        # co-organisers: "in co-operation with A, B and C"
        after = text[end:e]
        co = re.match(r"\s+in (?:co-?operation|partnership|cooperation) with\s+", after)
        if co:
            cstart = end + co.end()
            cstop = _AGENT_CLAUSE_END.search(text[cstart:e])
            cend = cstart + (cstop.start() if cstop else e - cstart)
            for a in _agents_between(local, cstart, cend):
                event.roles.append((a, "organised", Span(min(span.start, s + m.start()), cend)))
    # active roles: "A hosted a meeting", "A and B held a seminar", "OSCE hosts regional workshop"
    for m in re.finditer(
        r"\b(hosted|hosts|held|holds|organi[sz]ed|organi[sz]es|supported|supports)\s+", clause
    ):
        if s + m.end() > span.start or span.start - (s + m.end()) > 40:
            continue
        rel = {"host": "hosted", "held": "organised", "hold": "organised", "orga": "organised"}
        relation = rel.get(m[1][:4], "supported")
        for a in _agents_between(local, s, s + m.start()):
            event.roles.append((a, relation, Span(a.start, span.end)))
    # participants: "... took part", "participating were ...", "are taking part"
    part = re.search(r"\b(took part|take part|are taking part|taking part|participated)\b", clause)
    if part:
        pstart = s
        pend = s + part.start()
        for a in _agents_between(local, pstart, pend):
            if any(r[0] is a for r in event.roles):
                continue
            event.roles.append((a, "participatedIn", Span(s, s + part.end())))
        listed = [
            c
            for c in local
            if c.kind == "Country" and not c.adjective and re.search(r"\bfrom\b", text[s : c.start])
        ]
        if listed:
            start = text.rfind("from", s, listed[0].start)
            for c in listed:
                event.countries.append((c, Span(start, listed[-1].end)))
    part2 = re.search(r"\b(?:participating were|brought together|attended by)\s+", clause)
    if part2:
        pstart = s + part2.end()
        for a in _agents_between(local, pstart, e):
            event.roles.append((a, "participatedIn", Span(s + part2.start(), a.end)))
    # links: "ahead of / in anticipation of <series>", "under the framework of <X>"
    for m in re.finditer(
        r"\b(ahead of|in anticipation of|to mark|marking|under the framework of|"
        r"within the framework of)\s+(?:the\s+)?",
        clause,
    ):
        rel = "underFramework" if "framework" in m[1] else "marks"
        target = next(
            (x for x in local if x.start == s + m.end() and x.kind not in AGENT_KINDS), None
        )
        if target is not None:
            event.links.append(
                (rel, target, Span(min(span.start, s + m.start()), max(span.end, target.end)))
            )
    # adjective countries qualifying the participants: "meeting of ... Kyrgyz agencies"
    for c in local:
        if c.kind == "Country" and c.adjective and 0 < c.start - span.end < 60:
            between = text[span.end : c.start]
            if re.search(r"\bof (?:representatives of )?(?:different |various )?$", between):
                event.countries.append(
                    (c, Span(span.start, c.end + len(text[c.end :].split(" ", 2)[1]) + 1))
                )


def _respectively(
    text: str, sents: list[Sentence], mentions: list[Mention], events: list[EventDraft]
) -> None:
    """'similar events held in A, B and C in 2008, 2009 and 2010 respectively': one event each."""
    for sent in sents:
        m = re.search(
            rf"\b(?:similar |earlier |previous )?(?P<trig>{_TRIGGER})s held in (?P<places>.+?) "
            r"in (?P<years>\d{4}(?:, \d{4})*,? and \d{4}) respectively",
            sent.text,
        )
        if not m:
            continue
        years = re.findall(r"\d{4}", m["years"])
        pstart = sent.start + m.start("places")
        pend = sent.start + m.end("places")
        places = [x for x in mentions if pstart <= x.start and x.end <= pend and x.kind == "City"]
        if len(places) != len(years):
            continue
        ev = Span(sent.start, sent.end)
        parent = events[-1] if events else None
        for place, year in zip(places, years, strict=True):
            d = DateMention(ev.start, ev.end, year, year)
            trig = "workshop" if parent is None else parent.trigger
            e = EventDraft(trig, parent.name_words if parent else "", ev, [ev], d, ev, place, ev)
            e.extra_series_of = parent  # type: ignore[attr-defined]
            events.append(e)


# ---------------------------------------------------------------- posts

_ORG_OR_AT = re.compile(r"\s+(?:of|at|in|with)\s+(?:the\s+)?$")


def find_posts(text: str, sents: list[Sentence], mentions: list[Mention]) -> list[PostDraft]:
    """'<Name>, <title> of <Org>' and '<Title> of <Org>, <Name>'."""
    posts: list[PostDraft] = []
    persons = [m for m in mentions if m.kind == "Person" and "surname_of" not in m.extra]
    orgs = [m for m in mentions if m.kind == "Organization"]
    titles = "|".join(sorted(TITLE_WORDS, key=len, reverse=True))
    for p in persons:
        sent = next(s for s in sents if s.start <= p.start < s.end)
        after = text[p.end : sent.end]
        m = re.match(
            r",\s+(?:the\s+|a\s+|an\s+)?(?P<appos>[^,“”\"]+?)(?=,|\s+(?:"
            + SPEECH_VERBS
            + r")\b|\s+at the \w+ (?:discussion|meeting)|\s+when\b|\.|$|\s+and a\b)",
            after,
        )
        if m and re.search(rf"\b(?:{titles})\b", m["appos"], re.I):
            a_start = p.end + m.start("appos")
            a_end = p.end + m.end("appos")
            org = _org_in(orgs, a_start, a_end)
            role = _role_text(text, a_start, a_end, org, orgs)
            if role:
                posts.append(PostDraft(p, role, org, Span(p.start, a_end)))
            rest = text[a_end : sent.end]
            m2 = re.match(r"\s+and\s+(?:a\s+|an\s+)(?P<r>[\w\s-]+?(?:" + titles + r"))\b", rest)
            if m2:
                posts.append(PostDraft(p, m2["r"].strip(), None, Span(p.start, a_end + m2.end())))
            continue
        before = text[sent.start : p.start]
        m = re.search(
            r"(?:^|[“”\"]\s*,?\s*(?:said\s+)?|\bsaid\s+)(?:the\s+|The\s+)?(?P<appos>[^,“”\"]+?),\s*$",
            before,
        )
        if m and re.search(rf"\b(?:{titles})\b", m["appos"], re.I):
            a_start = sent.start + m.start("appos")
            a_end = sent.start + m.end("appos")
            org = _org_in(orgs, a_start, a_end)
            role = _role_text(text, a_start, a_end, org, orgs)
            if role:
                ev_start = sent.start + m.start()
                lead = re.match(r"^(?:[“”\"]\s*,?\s*)?(?:said\s+)?", text[ev_start : p.start])
                ev_start += lead.end() if lead else 0
                posts.append(PostDraft(p, role, org, Span(ev_start, p.end)))
    return posts


def _org_in(orgs: list[Mention], start: int, end: int) -> Mention | None:
    inside = [o for o in orgs if start <= o.start and o.end <= end]
    if not inside:
        return None
    # the outermost, last-named organisation: "Head of the Interior Ministry’s ... Department"
    outer = [
        o
        for o in inside
        if not any(x is not o and x.start <= o.start and o.end <= x.end for x in inside)
    ]
    return outer[-1]


def _role_text(text: str, start: int, end: int, org: Mention | None, orgs: list[Mention]) -> str:
    """The post's title: the appositive's words before the first organisation it names."""
    first = min((o.start for o in orgs if start <= o.start and o.end <= end), default=None)
    if org is None:
        role = text[start:end]
    elif first is not None and first > start:
        role = _ORG_OR_AT.sub("", text[start:first])
        role = re.sub(r"\s+(?:of|at)\s+(?:the\s+)?$", "", role)
    else:
        role = text[org.end : end]
    role = re.sub(r"^(?:the|a|an)\s+", "", role.strip(), flags=re.I).strip(" ,")
    return role


# ---------------------------------------------------------------- quotes

_QUOTE = re.compile(r"[“\"](?P<q>[^“”\"]{12,}?)[”\"]")


def find_quotes(text: str, sents: list[Sentence], mentions: list[Mention]) -> list[QuoteDraft]:
    """Quoted words with their speaker: 'said X', 'X said', 'she said' (the last person)."""
    out: list[QuoteDraft] = []
    persons = sorted((m for m in mentions if m.kind == "Person"), key=lambda m: m.start)
    last_speaker: Mention | None = None
    last_end = -1
    for m in _QUOTE.finditer(text):
        q = m["q"]
        if len(q.split()) < 5:
            continue
        qs, qe = m.start("q"), m.end("q")
        while qe > qs and text[qe - 1] in ",;: ":
            qe -= 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        line_start = text.rfind("\n", 0, m.start()) + 1
        after = text[m.end() : line_end]
        before = text[line_start : m.start()]
        speaker = None
        sa = re.match(rf"^\s*,?\s*(?:{SPEECH_VERBS})\s+", after)
        if sa:
            speaker = next(
                (p for p in persons if p.start >= m.end() and p.start - m.end() < 200), None
            )
        if speaker is None and re.match(rf"^\s*,?\s*(?:she|he)\s+(?:{SPEECH_VERBS})", after):
            speaker = next((p for p in reversed(persons) if p.end <= m.start()), None)
        if speaker is None and re.match(rf"^\s*,?\s*[A-Z]\w+\s+(?:{SPEECH_VERBS})", after):
            speaker = next(
                (p for p in persons if p.start >= m.end() and p.start - m.end() < 10), None
            )
        if speaker is None and re.search(rf"(?:{SPEECH_VERBS})\s*:?\s*$", before):
            speaker = next(
                (
                    p
                    for p in reversed(persons)
                    if p.end <= m.start() and m.start() - p.end < 200 and p.start >= line_start
                ),
                None,
            )
        if speaker is None and before.strip() == "" and last_speaker is not None:
            prev_q_end = text.rfind("”", 0, m.start())
            if prev_q_end >= line_start:
                speaker = last_speaker
        if speaker is None and last_speaker is not None and last_end >= line_start:
            between = text[last_end : m.start()]
            if not any(
                last_end <= p.start < m.start()
                and p.name != last_speaker.name
                and "surname_of" not in p.extra
                for p in persons
            ) or re.search(rf"(?:{SPEECH_VERBS})\b", between):
                speaker = last_speaker
        if speaker is None:
            continue
        if "surname_of" in speaker.extra:
            full = next((p for p in persons if p.name == speaker.extra["surname_of"]), None)
            speaker = full or speaker
        last_speaker = speaker
        last_end = m.end()
        sent = next(s for s in sents if s.start <= qs < s.end + 2)
        out.append(QuoteDraft(speaker, Span(qs, qe), sent.index))
    return out


# ---------------------------------------------------------------- claims

_QUAL = {
    "some": "approximately",
    "about": "approximately",
    "around": "approximately",
    "approximately": "approximately",
    "nearly": "approximately",
    "almost": "approximately",
    "roughly": "approximately",
    "over": "more-than",
    "more than": "more-than",
    "at least": "at-least",
    "up to": "at-most",
}
_NUM = re.compile(
    r"(?:\b(?P<qual>(?i:some)|about|around|approximately|nearly|almost|roughly|over|more than|"
    r"at least|up to)\s+)?"
    r"(?<![\d.,-])\b(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d{1,2})?|"
    + "|".join(k for k in WORD_NUMBERS if k != "hundred")
    + r")(?:\s+(?P<scale>million|thousand|billion))?(?P<pct>\s*%|\s+per ?cent)?(?![\w-])"
)
_UNIT_STOP = {
    "of",
    "from",
    "who",
    "which",
    "that",
    "were",
    "are",
    "was",
    "is",
    "in",
    "to",
    "for",
    "by",
    "on",
    "with",
    "during",
    "have",
    "has",
    "had",
    "will",
    "would",
    "took",
    "the",
    "a",
    "an",
}
_RANK = re.compile(
    r"\b(?P<ord>first|second|third|fourth|fifth)\s+(?:highest\s+|most\s+)"
    r"(?P<what>[\w\s-]{3,60}?)(?=[,.;]| in\b| after\b)"
)


def find_claims(
    text: str,
    sents: list[Sentence],
    mentions: list[Mention],
    dates: list[DateMention],
    quotes: list[QuoteDraft],
) -> list[ClaimDraft]:
    """Numbers with what they count, ranks ('third highest'), percentages."""
    out: list[ClaimDraft] = []
    date_spans = [(d.start, d.end) for d in dates]
    for sent in sents:
        s = sent.start
        for m in _NUM.finditer(sent.text):
            a, b = s + m.start("num"), s + m.end("num")
            if any(ds <= a < de for ds, de in date_spans):
                continue
            raw = m["num"]
            if re.fullmatch(r"(19|20)\d\d", raw) and not m["pct"]:
                continue
            if re.match(r"[-–]\d", text[b : b + 2]) or text[a - 1 : a] in "-–‘'":
                continue
            value = _number(raw, m["scale"])
            if value is None:
                continue
            unit_words: list[str] = []
            tail = text[s + m.end() : sent.end]
            for w in re.findall(r"[\w’'-]+|[^\w\s]", tail)[:6]:
                if not re.fullmatch(r"[A-Za-z][\w’'-]*", w) or w.lower() in _UNIT_STOP:
                    if w == "and" and unit_words:
                        unit_words.append(w)
                        continue
                    break
                unit_words.append(w)
            while unit_words and unit_words[-1] == "and":
                unit_words.pop()
            ev_start, ev_end = s + m.start(), s + m.end()
            if m["pct"]:
                unit = "percent"
            elif unit_words:
                unit = " ".join(unit_words)
                ev_end = text.index(unit_words[-1], ev_end) + len(unit_words[-1])
            elif them := re.match(r"\s+of them (?:are|were) ([a-z]+)", tail):
                unit = them[1]
                ev_end += them.end()
            else:
                pre = re.search(r"\b(?:the\s+)?(\w+)\s+of\s+$", text[s:a])
                if not pre:
                    continue
                unit = pre[1] + ("" if pre[1].endswith("s") else "s")
                ev_start = s + pre.start()
            if unit.split()[0] in ("years", "year", "days", "day", "times"):
                continue
            qual = _QUAL.get((m["qual"] or "").lower(), "exact")
            if re.search(r"\b(?:plans?|will|to hold|intends?)\b", text[s:a]):
                qual = "planned"
            out.append(
                ClaimDraft(
                    value,
                    unit,
                    qual,
                    Span(ev_start, ev_end),
                    unit,
                    _attribution(text, sent, mentions, quotes, a),
                    sent.index,
                )
            )
        for m in _RANK.finditer(sent.text):
            what = re.sub(r"\s+", " ", m["what"]).strip()
            out.append(
                ClaimDraft(
                    Decimal(ORDINALS[m["ord"]]),
                    "rank",
                    "exact",
                    Span(s + m.start(), s + m.end()),
                    what,
                    _attribution(text, sent, mentions, quotes, s + m.start()),
                    sent.index,
                )
            )
    return out


def _number(raw: str, scale: str | None) -> Decimal | None:
    if raw in WORD_NUMBERS:
        value = Decimal(WORD_NUMBERS[raw])
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        value = Decimal(raw.replace(",", ""))
    else:
        value = Decimal(raw.replace(",", "."))  # "11,4": a decimal comma
    factor = {"million": 10**6, "thousand": 10**3, "billion": 10**9}.get(scale or "", 1)
    value *= factor
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _attribution(
    text: str, sent: Sentence, mentions: list[Mention], quotes: list[QuoteDraft], pos: int
) -> Mention | None:
    for q in quotes:
        if q.text.start <= pos < q.text.end:
            return q.speaker
    m = re.search(r"\b[Aa]ccording to\s+", sent.text)
    if m:
        start = sent.start + m.end()
        return next(
            (
                x
                for x in mentions
                if x.start == start
                or (x.start > start and x.start - start < 12 and x.kind in AGENT_KINDS)
            ),
            None,
        )
    m = re.match(
        r"^(?P<src>.+?)\s+(?:data|figures|statistics|report|study)\s+(?:show|shows|demonstrate|demonstrates|indicate|indicates|suggest)",
        sent.text,
    )
    if m:
        return next((x for x in mentions if x.start == sent.start and x.kind in AGENT_KINDS), None)
    return None
