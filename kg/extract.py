"""Rule-based mention finding for `kg suggest`: sentences, dates, names of things.

No model is downloaded or trained here; the rules are English patterns of press releases:
capitalised phrases classified by their head noun (Ministry, Office, Programme, Law...),
abbreviations defined in parentheses, person names next to speech verbs and titles,
countries from pycountry, cities after place prepositions and in datelines. Every mention
keeps its character offsets, so every suggestion can quote the article verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract_dates import DATELINE
from kg.extract_places import REGION_RE, lookup_country
from kg.extract_words import (
    CONNECTORS,
    FUNCTION_WORDS,
    KIND_HEADS,
    LOWER_IN_NAME,
    NOT_NAMES,
    ORG_HEADS,
    SPEECH_VERBS,
    STANDALONE_HEADS,
    TITLE_WORDS,
)

_L = r"[^\W\d_]"
_TOKEN_RE = re.compile(
    r"[A-Z](?:\.[A-Z])+\.?"  # U.S., U.K.
    r"|[^\W\d_](?:[^\W\d_]|[’'](?=[^\W\d_]))*(?:-[^\W\d_](?:[^\W\d_]|[’'](?=[^\W\d_]))*)*"
    r"|\d+(?:[.,]\d+)*"
    r"|\S"
)


@dataclass
class Token:
    """A word, number or punctuation mark with its offsets."""

    text: str
    start: int
    end: int

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass
class Sentence:
    """A sentence of the article with its offsets and tokens."""

    start: int
    end: int
    text: str
    tokens: list[Token]
    index: int


@dataclass
class Mention:
    """A span of the article that names something; kind is an ontology class name."""

    kind: str
    start: int
    end: int
    text: str
    name: str
    sentence: int
    abbr: str | None = None
    country: str | None = None  # ISO alpha-2 of the country the thing belongs to
    adjective: bool = False  # a country named by its adjective ("Kyrgyz agencies")
    city: Mention | None = None  # the city in "Centre in Bishkek"
    parent: Mention | None = None  # the possessor in "Interior Ministry’s Department"
    years: tuple[str, str] | None = None
    title: bool = False  # a post title ("Acting Head"), not a thing
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- text


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words, numbers and marks with absolute offsets."""
    return [
        Token(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN_RE.finditer(text)
    ]


_SENT_SPLIT = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[“\"‘(]?[A-Z0-9])")
_NO_SPLIT_BEFORE = re.compile(r"(?:\b[A-Z]\.[A-Z]\.|\b(?:Mr|Ms|Mrs|Dr|St|No|Prof)\.)$")


def sentences(text: str) -> list[Sentence]:
    """Sentences within lines (a line never continues a sentence in these articles)."""
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        start = 0
        cuts = []
        for m in _SENT_SPLIT.finditer(line):
            if _NO_SPLIT_BEFORE.search(line[: m.start()]):
                continue
            cuts.append(m)
        for m in cuts:
            seg = line[start : m.start() + (len(m.group()) - len(m.group().lstrip('”"’')))]
            seg_end = start + len(seg.rstrip())
            _add(out, text, pos + start, pos + seg_end)
            start = m.end()
        _add(out, text, pos + start, pos + len(line.rstrip()))
        pos += len(line) + 1
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    if end > start:
        out.append(
            Sentence(start, end, text[start:end], tokenize(text[start:end], start), len(out))
        )


# ---------------------------------------------------------------- names


def _is_acronym(word: str) -> bool:
    core = word.rstrip("s") if word.endswith("s") and word[:-1].isupper() else word
    return 2 <= len(core) <= 7 and core.isupper() and core.isalpha()


def _strip_possessive(word: str) -> tuple[str, bool]:
    for suffix in ("’s", "'s"):
        if word.endswith(suffix):
            return word[: -len(suffix)], True
    return word, False


def _name_like(word: str) -> bool:
    """A token shaped like a personal name: Aygul, MacGregor, Kloetzer."""
    return bool(re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z][a-z]+)?", word))


def _phrases(sent: Sentence) -> list[list[Token]]:
    """Runs of capitalised tokens joined by connectors; the raw material of names."""
    toks = sent.tokens
    out: list[list[Token]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if not (t.cap and t.text[0].isalpha()) or t.low in FUNCTION_WORDS or t.text in NOT_NAMES:
            i += 1
            continue
        run = [t]
        j = i + 1
        while j < len(toks):
            n = toks[j]
            gap = sent.text[toks[j - 1].end - sent.start : n.start - sent.start]
            if gap not in ("", " "):
                break
            if n.text in NOT_NAMES:
                break
            if (n.cap and n.text[0].isalpha()) or (
                n.low in LOWER_IN_NAME and run[-1].cap and run[-1].low not in CONNECTORS
            ):
                run.append(n)
            elif n.low in CONNECTORS or (
                n.low == "to" and any(x.low in KIND_HEADS for x in run)  # "Plan to Combat ..."
            ):
                k = j
                while k < len(toks) and (toks[k].low in CONNECTORS or toks[k].low == "to"):
                    k += 1
                if (
                    k < len(toks)
                    and toks[k].cap
                    and toks[k].text[0].isalpha()
                    and toks[k].text not in NOT_NAMES
                ):
                    run.extend(toks[j:k])
                    j = k
                    continue
                break
            elif n.text == "," and _ministry_list(sent, toks, run, j):
                run.append(n)
            else:
                break
            j += 1
        out.append(run)
        i = j
    return out


def _ministry_list(sent: Sentence, toks: list[Token], run: list[Token], j: int) -> bool:
    """'Ministry of Labour, Youth and Migration': a comma inside a ministry's name."""
    lows = [t.low for t in run]
    if "of" not in lows or not ({"ministry", "committee"} & set(lows)):
        return False
    rest = sent.text[toks[j].start - sent.start :]
    return bool(re.match(r", (?:[A-Z][a-z]+, )*[A-Z][a-z]+ and [A-Z][a-z]+\b", rest))


def _split_and(run: list[Token]) -> list[list[Token]]:
    """Split 'X and Y' when both sides are names of their own (OSCE and the Interior Ministry)."""
    for idx, t in enumerate(run):
        if t.low != "and" or idx == 0:
            continue
        left = run[:idx]
        right = run[idx + 1 :]
        while right and right[0].low in CONNECTORS:
            right = right[1:]
        if not right:
            continue
        lw = _strip_possessive(left[-1].text)[0]
        rw = _strip_possessive(right[-1].text)[0]
        if lookup_country(lw) is not None and lookup_country(rw) is not None:
            return [left, *_split_and(right)]
        left_named = _is_acronym(lw) or any(
            _strip_possessive(x.text)[0].lower() in ORG_HEADS | set(KIND_HEADS) for x in left
        )
        core = right
        for k, t in enumerate(right):
            if k > 0 and t.low in CONNECTORS:
                core = right[:k]
                break
        cw = _strip_possessive(core[-1].text)[0]
        right_named = cw.lower() in ORG_HEADS | set(KIND_HEADS) or _is_acronym(rw)
        if left_named and right_named and "," not in [x.text for x in left]:
            return [left, *_split_and(right)]
    return [run]


def _head_kind(words: list[str]) -> tuple[str | None, int]:
    """Kind named by the last head noun of a name's core (before its first connector)."""
    core_end = len(words)
    for idx, w in enumerate(words):
        if idx > 0 and w.lower() in CONNECTORS - {"the"}:
            core_end = idx
            break
    for idx in range(core_end - 1, -1, -1):
        w = _strip_possessive(words[idx])[0].lower()
        if w in ORG_HEADS:
            return "Organization", idx
        if w in KIND_HEADS:
            if w == "plan" and idx > 0 and words[idx - 1].lower() != "action":
                return "Programme", idx
            return KIND_HEADS[w], idx
        if (
            w in ("day", "week")
            and idx > 0
            and words[idx - 1].lower() in ("world", "international")
        ):
            return "EventSeries", idx
        if w in TITLE_WORDS:
            return "Title", idx
    return None, -1


def _mk(kind: str, toks: list[Token], text: str, sent: Sentence, **kw: object) -> Mention:
    start, end = toks[0].start, toks[-1].end
    verbatim = text[start:end]
    name = _strip_possessive(verbatim)[0]
    if name.lower().startswith("the "):
        name = name[4:]
    return Mention(kind, start, end, verbatim, name, sent.index, **kw)  # type: ignore[arg-type]


def classify(run: list[Token], text: str, sent: Sentence) -> list[Mention]:
    """Mentions named by one capitalised run: organisations, initiatives, places, titles."""
    while run and run[0].low in FUNCTION_WORDS:
        run = run[1:]
    while run and run[-1].low in CONNECTORS:
        run = run[:-1]
    if not run:
        return []
    out: list[Mention] = []
    first = re.match(r"([A-Z]{2,})-[a-z]", run[0].text)
    if first:  # "OSCE-established Platform": the acronym is a name, the rest goes on
        t0 = run[0]
        out.append(
            _mk("Organization", [Token(first[1], t0.start, t0.start + len(first[1]))], text, sent)
        )
        return out + classify(run[1:], text, sent)
    words = [t.text for t in run]
    # Country names, adjectives and possessives opening the run.
    country: str | None = None
    lead = lookup_country(words[0])
    if lead is None and len(words) > 1:
        lead2 = lookup_country(words[0] + " " + words[1])
        if lead2 is not None and len(run) == 2:
            c, _ = lead2
            return [_mk("Country", run, text, sent, country=c.alpha2)]
    if lead is not None:
        c, adj = lead
        rest = run[1:]
        if not rest or rest[0].low in CONNECTORS:
            full = " ".join(words)
            whole = lookup_country(full)
            if whole is not None:
                return [_mk("Country", run, text, sent, country=whole[0].alpha2)]
            if not rest:
                return [_mk("Country", run[:1], text, sent, country=c.alpha2, adjective=adj)]
        else:
            country = c.alpha2
            out.append(_mk("Country", run[:1], text, sent, country=c.alpha2, adjective=True))
            if _strip_possessive(words[0])[1]:
                run = rest
                words = words[1:]
    whole = lookup_country(" ".join(words))
    if whole is not None:
        return [_mk("Country", run, text, sent, country=whole[0].alpha2)]
    if REGION_RE.fullmatch(" ".join(words)):
        return [_mk("Region", run, text, sent)]
    # A possessive inside: "Interior Ministry’s Organized Crime Control Department".
    for idx, t in enumerate(run[:-1]):
        base, poss = _strip_possessive(t.text)
        if base.lower() in TITLE_WORDS:
            continue
        if (poss and idx > 0) or (poss and _is_acronym(base)):
            head = classify(run[: idx + 1], text, sent)
            tail = classify(run[idx + 1 :], text, sent)
            parent = next((m for m in head if m.kind == "Organization"), None)
            for m in head:
                if m.kind == "Organization" and m.end == t.end:
                    m.end -= 2
                    m.text = text[m.start : m.end]
                    m.name = m.text[4:] if m.text.lower().startswith("the ") else m.text
            for m in tail:
                if m.kind == "Organization" and parent is not None and m.parent is None:
                    m.parent = parent
                    m.country = m.country or parent.country
            return out + head + tail
    kind, head_idx = _head_kind(words)
    if kind == "Title":
        out.append(_mk("Title", run[: head_idx + 1], text, sent, title=True))
        for t in run[:head_idx]:
            if _is_acronym(t.text):
                out.append(_mk("Organization", [t], text, sent))
        tail = run[head_idx + 1 :]
        while tail and tail[0].low in CONNECTORS:
            tail = tail[1:]
        if tail:
            out.extend(classify(tail, text, sent))
        return out
    if kind is not None:
        m = _mk(kind, run, text, sent, country=country)
        if len(run) == 1 and run[0].low not in STANDALONE_HEADS:
            m.extra["bare"] = "1"  # "the Office", "the Centre": only ever a back-reference
        _tail_places(m, run, head_idx, text, sent, out)
        out.append(m)
        return out
    # No head noun in the core: the complement may be a name ("X of the State Committee ...").
    conn = next((k for k, t in enumerate(run) if k > 0 and t.low in CONNECTORS - {"and"}), None)
    if conn is not None and kind is None:
        tail = run[conn + 1 :]
        while tail and tail[0].low in CONNECTORS:
            tail = tail[1:]
        inner = classify(tail, text, sent) if tail else []
        if any(m.kind not in ("Country", "City", "Region", "Word", "PersonName") for m in inner):
            return out + inner
    # No head noun: acronyms, or maybe a person or a city (decided by context later).
    if all(_is_acronym(w) for w in words):
        if len(words) == 1 and words[0].endswith("s") and words[0][:-1].isupper():
            return [*out, _mk("Group", run, text, sent)]
        return [*out, _mk("Organization", run, text, sent, country=country)]
    acr = [t for t in run if _is_acronym(t.text) and lookup_country(t.text) is None]
    if acr and len(acr) < len(run):
        out.extend(_mk("Organization", [t], text, sent) for t in acr)
        return out
    if 2 <= len(run) <= 3 and all(_name_like(w) for w in words):
        out.append(_mk("PersonName", run, text, sent))
    elif len(run) == 1 and _name_like(words[0]):
        out.append(_mk("Word", run, text, sent))
    return out


def _tail_places(
    m: Mention, run: list[Token], head_idx: int, text: str, sent: Sentence, out: list[Mention]
) -> None:
    """'Centre in Bishkek', 'Office in Tajikistan', 'of the Kyrgyz Republic': places in a name."""
    for idx in range(head_idx + 1, len(run) - 1):
        if run[idx].low not in ("in", "of", "for"):
            continue
        rest = run[idx + 1 :]
        while rest and rest[0].low == "the":
            rest = rest[1:]
        if not rest:
            continue
        place = " ".join(t.text for t in rest)
        hit = lookup_country(place)
        if REGION_RE.fullmatch(place):
            out.append(_mk("Region", rest, text, sent))
            return
        if hit is not None:
            m.country = m.country or hit[0].alpha2
            out.append(_mk("Country", rest, text, sent, country=hit[0].alpha2))
            return
        if (
            run[idx].low == "in"
            and len(rest) <= 2
            and all(_name_like(t.text) for t in rest)
            and m.kind == "Organization"
        ):
            city = _mk("City", rest, text, sent)
            m.city = city
            out.append(city)
            return


def acronym_definitions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, abbreviation) of every '(ABBR)' right after a name."""
    return [
        (m.start(1), m.end(1), m[1])
        for m in re.finditer(r"(?<=\S) \(([A-Z][A-Z0-9&]{1,9}(?: [A-Z][A-Z0-9]{1,9})?)\)", text)
    ]


_PLACE_PREP = re.compile(r"(?:\b(?:in|at|from|to|near|outside|visit(?:ed)?)|,| and)\s+$")
_PLACE_AFTER = re.compile(
    r"^(?:[,.;:)]|\s+(?:on|in|last|this|today|and|from|for|with|during|between|where|to)\b|\s*$)"
)


def find_mentions(text: str, sents: list[Sentence]) -> list[Mention]:
    """All named mentions of the article, classified; persons and cities by context."""
    mentions: list[Mention] = []
    defs = acronym_definitions(text)
    for sent in sents:
        for run in _phrases(sent):
            for part in _split_and(run):
                mentions.extend(classify(part, text, sent))
    # Abbreviations defined in parentheses name the mention they follow.
    for start, end, abbr in defs:
        before = [m for m in mentions if m.end <= start and start - m.end <= 2 and not m.title]
        if before:
            target = min(before, key=lambda m: (-m.end, m.start, m.kind in ("Country", "City")))
            target.abbr = abbr
            if target.kind in ("PersonName", "Word"):
                target.kind = "Organization"
        mentions = [
            m
            for m in mentions
            if not (m.start >= start and m.end <= end and m.kind == "Organization")
        ]
        mentions.append(
            Mention(
                "Abbr",
                start,
                end,
                abbr,
                abbr,
                next(s.index for s in sents if s.start <= start < s.end),
            )
        )
    _year_ranges(text, mentions)
    return _resolve_context(text, sents, mentions)


_INITIATIVE_KINDS = {"Programme", "ActionPlan", "Campaign", "Platform", "Mechanism", "Law"}


def _year_ranges(text: str, mentions: list[Mention]) -> None:
    """'2013-2016 National Programme', 'Programme for Central Asia 2015-2019': years in names."""
    for m in mentions:
        if m.kind not in _INITIATIVE_KINDS:
            continue
        after = re.match(r" ((?:19|20)\d\d)[-–]((?:19|20)\d\d)\b", text[m.end :])
        before = re.search(
            r"\b((?:19|20)\d\d)[-–]((?:19|20)\d\d) $", text[max(0, m.start - 10) : m.start]
        )
        period = re.match(r" for ((?:19|20)\d\d)[-–]((?:19|20)\d\d)\b", text[m.end :])
        if after:
            m.end += after.end()
            m.years = (after[1], after[2])
        elif before and m.text == m.name:
            m.start -= len(before.group())
            m.years = (before[1], before[2])
        elif period:
            m.years = (period[1], period[2])
            m.extra["years_span"] = f"{m.end + period.end()}"
        else:
            continue
        m.text = text[m.start : m.end]
        m.name = m.text[4:] if m.text.lower().startswith("the ") else m.text


def _resolve_context(text: str, sents: list[Sentence], mentions: list[Mention]) -> list[Mention]:
    """Turn bare capitalised words into people or cities where the sentence says so."""
    out: list[Mention] = []
    cities: set[str] = set()
    persons: dict[str, Mention] = {}
    m0 = DATELINE.search(text)
    if m0:
        s = next(x for x in sents if x.start <= m0.start(1) < x.end)
        name = m0[1].title()
        out.append(Mention("City", m0.start(1), m0.end(1), m0[1], name, s.index))
        cities.add(name)
    for m in sorted(mentions, key=lambda x: x.start):
        if m0 and m0.start(1) <= m.start < m0.end(1):
            continue
        if m.kind == "City":
            cities.add(m.name)
        if m.kind in ("PersonName", "Word"):
            before = text[max(0, m.start - 40) : m.start]
            after = text[m.end : m.end + 40]
            if m.name in cities or (
                _PLACE_PREP.search(before)
                and _PLACE_AFTER.match(after)
                and (m.kind == "Word" or "-" in m.name or len(m.name.split()) == 1)
                and not re.search(rf"(?:{SPEECH_VERBS})\s+$", before)
            ):
                if (
                    before.rstrip().endswith((",", "and"))
                    and not any(c.kind == "City" and 0 <= m.start - c.end <= 14 for c in out[-3:])
                    and m.name not in cities
                ):
                    continue
                m.kind = "City"
                cities.add(m.name)
                out.append(m)
                continue
            if m.kind == "PersonName" and _person_context(text, m):
                m.kind = "Person"
                persons[m.name] = m
                out.append(m)
                continue
            if m.kind == "Word":
                last = {p.name.split()[-1]: p for p in persons.values()}
                honorific = re.search(r"\b(?:Mr|Ms|Mrs|Dr|Prof)\.? $", before)
                speech = re.search(rf"(?:{SPEECH_VERBS})\s+$", before)
                if m.name in last and (speech or honorific):
                    m.kind = "Person"
                    m.extra["surname_of"] = last[m.name].name
                    out.append(m)
            continue
        out.append(m)
    return out


def _person_context(text: str, m: Mention) -> bool:
    """A name next to a speech verb, an appositive title, or 'according to'."""
    before = text[max(0, m.start - 120) : m.start]
    after = text[m.end : m.end + 160]
    if re.search(rf"(?:{SPEECH_VERBS})\s+$", before) or re.match(
        rf"^\s+(?:{SPEECH_VERBS})\b", after
    ):
        return True
    if re.search(r"(?:according to|by|from)\s+$", before, re.I) and after.startswith(","):
        return True
    if after.startswith(",") and re.match(
        rf"^,\s+(?:the |a |an )?(?:[\w’'-]+ ){{0,6}}?(?:{'|'.join(sorted(TITLE_WORDS))})\b",
        after,
        re.I,
    ):
        return True
    return bool(
        before.rstrip().endswith(",")
        and re.search(rf"\b(?:{'|'.join(sorted(TITLE_WORDS))})\b[^.]*,\s*$", before, re.I)
    )
