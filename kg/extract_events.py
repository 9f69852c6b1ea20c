"""Rule-based drafts of the events an article reports: date, place, organisers, participants.

Works on the mentions of kg.extract; every result keeps the character span of the words it
was read from, which becomes the suggestion's verbatim evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract import Mention, Sentence
from kg.extract_dates import DateMention
from kg.extract_words import ORDINALS, WORD_NUMBERS

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
        # a date after the event's words first ("held a training ... today"), then before
        ordered = sorted(dates, key=lambda d: (d.start < span.start, abs(d.start - span.end)))
        for d in ordered:
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
        for g in group_items(text, s, s + part.start(), local, sent.index):
            event.roles.append((g, "participatedIn", Span(s, s + part.end())))
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
        for g in group_items(text, pstart, e, local, sent.index):
            event.roles.append((g, "participatedIn", Span(s + part2.start(), g.end)))
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


_LIST_CUT = re.compile(
    r"\s(?:from|in|at|to|who|which|that|are|were|took|as well as)\s|[.;:]\s|[.;:]$|\s\(|"
    r",\s(?:as well as|who|which)\s"
)


def group_items(
    text: str, start: int, end: int, mentions: list[Mention], sentence: int
) -> list[Mention]:
    """Unnamed participants in a list: 'representatives of state bodies, non-governmental
    organizations and international organizations' → three groups; named ones are skipped."""
    seg = text[start:end]
    cut = _LIST_CUT.search(seg)
    if cut:
        seg = seg[: cut.start()]
    lead = re.match(
        r"^(?:(?:[Ss]ome|about|around|over|more than|nearly)\s+)?(?:\d+\s+)?"
        r"(?:representatives\s+of\s+(?=[a-z]))?(?:the\s+)?",
        seg,
    )
    offset = start + (lead.end() if lead else 0)
    body = text[offset : start + len(seg)]
    parts: list[tuple[int, int]] = []
    pos = 0
    pieces = re.split(r"(,\s+(?:and\s+)?)", body)
    if len(pieces) > 1:  # "a, b and c": the last "and" separates items too
        last = pieces[-1]
        m = re.search(r"\s+and\s+", last)
        if m:
            pieces[-1:] = [last[: m.start()], m.group(), last[m.end() :]]
    for k, piece in enumerate(pieces):
        if k % 2 == 0 and piece.strip():
            lstrip = len(piece) - len(piece.lstrip())
            parts.append((offset + pos + lstrip, offset + pos + len(piece.rstrip())))
        pos += len(piece)
    out = []
    for a, b in parts:
        item = text[a:b]
        if any(
            m.start < b and a < m.end for m in mentions if m.kind != "Country" or not m.adjective
        ):
            continue  # a named organisation or place, found elsewhere
        words = item.split()
        if not words or len(words) > 6 or not re.search(r"(?:s|society|staff|police)$", words[-1]):
            continue
        name = re.sub(r"^(?:other|the|various|different)\s+", "", item)
        skip = len(item) - len(name)
        out.append(Mention("Group", a + skip, b, name, name, sentence))
    return out


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
