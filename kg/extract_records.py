"""Rule-based drafts of who said and held what: posts ("Name, Title of Org"), quotes with
their speaker, and quantitative claims (numbers with what they count, ranks, percentages).

Every result keeps the character span of the words it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.extract import Mention, Sentence
from kg.extract_dates import DateMention
from kg.extract_events import AGENT_KINDS, Span
from kg.extract_words import ORDINALS, SPEECH_VERBS, TITLE_WORDS, WORD_NUMBERS


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
