"""`kg suggest`: draft a curation file for one article, every item marked for review.

The rules of kg.extract* find names, events, relations, posts, quotes and claims;
this module decides which registry entity each name is (rapidfuzz over every name, alias and
name other articles used, with the score), proposes new entities for the rest, flags the
names it cannot decide (close to two entries; a bare "Interior Ministry"), and writes the
draft as YAML in the format of docs/curation-format.md, quoted so YAML 1.1 cannot misread it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from kg.atomic import write_text
from kg.extract import (
    Mention,
    find_mentions,
    sentences,
)
from kg.extract_dates import MONTHS, DateMention, article_date, find_dates
from kg.extract_events import EventDraft, Span, find_events
from kg.extract_places import country_by_code
from kg.extract_records import find_claims, find_posts, find_quotes
from kg.extract_relations import find_relations
from kg.suggest_match import (
    AMBIGUITY_MARGIN,
    HEAD_WORDS,
    INITIATIVES,
    INSTRUMENTS,
    MATCH_CUTOFF,
    STOP_WORDS,
    Known,
    Resolved,
    SuggestError,
    extends,
    load_known,
    match_known,
    name_country,
    norm,
    slug,
)
from kg.suggest_yaml import Draft, render, scalar, validate

__all__ = [
    "Draft",
    "Known",
    "SuggestError",
    "draft_for",
    "name_country",
    "norm",
    "render",
    "scalar",
    "suggest",
    "validate",
    "write_draft",
]


# ---------------------------------------------------------------- the draft


class _Builder:
    def __init__(self, text: str, known: list[Known], used: set[str]):
        self.text = text
        self.known = known
        self.used = set(used)
        self.entities: dict[str, dict[str, Any]] = {}
        self.names: dict[str, list[str]] = defaultdict(list)
        self.notes: dict[str, str] = {}
        self.resolved: dict[int, Resolved] = {}
        self.by_norm: dict[tuple[str, str], str] = {}

    def new_id(self, base: str) -> str:
        if len(base) > 40:  # "State Migration Service under the Government of ...": its head
            base = re.split(r" (?:under|against|on|for|of the) ", base, maxsplit=1)[0]
        base = slug(base)
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate

    def add_name(self, eid: str, name: str) -> None:
        if name and name in self.text and name not in self.names[eid]:
            self.names[eid].append(name)

    def new_entity(
        self, kind: str, name: str, note: str, base: str | None = None, **kw: Any
    ) -> str:
        eid = self.new_id(base or name)
        item = {"id": eid, "kind": kind, "name": name}
        item.update({k: v for k, v in kw.items() if v})
        item["suggested"] = True
        item["note"] = note
        self.entities[eid] = item
        return eid

    def country(self, iso: str) -> str:
        """The entity id of a country: the registry's, else a new one (once)."""
        for k in self.known:
            if k.kind == "Country" and k.iso == iso:
                return k.id
        key = ("Country", iso)
        if key not in self.by_norm:
            c = country_by_code(iso)
            self.by_norm[key] = self.new_entity(
                "Country", c.name, f"country {c.name} (ISO {iso}) from pycountry", iso=iso
            )
        return self.by_norm[key]

    def resolve(self, m: Mention, antecedents: list[tuple[Mention, Resolved]]) -> Resolved | None:
        """Decide what one mention names; None if it names nothing worth a suggestion."""
        if m.kind == "Country":
            return Resolved(self.country(m.country or ""), True, 100.0, m.name)
        kind = "Person" if m.kind == "Person" else m.kind
        if "surname_of" in m.extra:
            full = next((r for a, r in antecedents if a.name == m.extra["surname_of"]), None)
            return full
        bare = bool(m.extra.get("bare"))
        country = m.country
        # a name that refers back: "the Centre", "the Interior Ministry’s ..." after the full name
        if bare or country is None:
            words = norm(m.name).split()
            if words and words[-1] in HEAD_WORDS and not m.name.isupper():
                back = {
                    r.id: (a, r)
                    for a, r in antecedents
                    if a.kind == m.kind
                    and set(words) <= set(norm(a.name).split())
                    and not (m.years and a.years and m.years != a.years)
                }
                if back:
                    a, r = next(iter(back.values()))  # the first named: usually the subject
                    note = f"'{m.name}' read as '{a.name}'"
                    if len(back) > 1:
                        others = ", ".join(k for k in back if k != r.id)
                        note += f" (named first); it may also be {others}: check"
                    return Resolved(r.id, r.known, r.score, a.name, note, bare=True)
            if bare:
                return None
        query = m.name
        if m.years and m.years[0] not in query:
            query += f" {m.years[0]}-{m.years[1]}"
        cands = match_known(query, kind, country, self.known)
        good = [c for c in cands if c[1] >= MATCH_CUTOFF]
        if good:
            top = good[0]
            rivals = [
                c for c in good[1:] if top[1] - c[1] <= AMBIGUITY_MARGIN and c[0].id != top[0].id
            ]
            if rivals:
                listed = ", ".join(f"{k.id} ({s:.0f})" for k, s, _ in [top, *rivals])
                note = (
                    f"ambiguous: '{m.name}' is close to {listed}; replace this entity by one "
                    "of them everywhere in this file, or keep it as a new entity"
                )
                key = (kind, norm(m.name) + "|ambiguous")
                if key not in self.by_norm:
                    self.by_norm[key] = self.new_entity(kind, m.name, note, score=round(top[1]))
                return Resolved(self.by_norm[key], False, top[1], m.name, note)
            return Resolved(top[0].id, True, top[1], top[2])
        # a new entity
        base_key = norm(m.name) or m.name.lower()
        key = (kind, f"{base_key}|{country or ''}")
        same = [
            eid
            for (k_kind, k_name), eid in self.by_norm.items()
            if k_kind == kind
            and k_name.rsplit("|", 1)[0] == base_key
            and (not country or k_name.rsplit("|", 1)[1] in ("", country))
        ]
        if key in self.by_norm or same:  # another country's namesake stays apart
            return Resolved(self.by_norm.get(key) or same[0], False)
        for a, r in antecedents:  # an abbreviation defined for an earlier name
            if a.abbr and a.abbr == m.name and not r.known:
                return Resolved(r.id, False)
            if not r.known and a.kind == m.kind and extends(a, m):
                note = f"'{m.name}' and '{a.name}' read as one entity: check"
                return Resolved(r.id, False, 100.0, a.name, note)
        note = f"new {kind}: '{m.name}'"
        if cands:
            k, s, n = cands[0]
            note += f"; closest registry entry {k.id} ('{n}', {s:.0f}) is below {MATCH_CUTOFF:.0f}"
            if country and k.iso and k.iso != country:
                note += " and belongs to another country"
        extra: dict[str, Any] = {}
        if m.abbr:
            extra["aliases"] = [m.abbr]
        if m.country and kind in {"Organization", "Group"} | INITIATIVES:
            extra["country"] = self.country(m.country)
        eid = self.new_entity(kind, m.name, note, base=m.abbr or None, **extra)
        self.by_norm[key] = eid
        return Resolved(eid, False)


_KEEP = {
    "Organization",
    "Group",
    "Person",
    "Country",
    "City",
    "Region",
    "EventSeries",
    "Abbr",
    *INITIATIVES,
    *INSTRUMENTS,
}


def suggest(root: Path, article_id: str, use_registry: bool = True) -> Draft:
    """The draft curation of ``seeds/articles/<article_id>.txt``."""
    path = root / "seeds" / "articles" / f"{article_id}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SuggestError(f"no article {path.as_posix()} (add it with `kg add FILE`)") from None
    except UnicodeDecodeError:
        raise SuggestError(f"{path.as_posix()}: not UTF-8 text") from None
    known, used = load_known(root, article_id)
    if not use_registry:
        known = []
    return draft_for(article_id, text, known, used)


def draft_for(article_id: str, text: str, known: list[Known], used: set[str]) -> Draft:
    """The draft for an article text against a list of known entities (pure; no files)."""
    title = text.split("\n", 1)[0].strip()
    adate, basis, date_ev, _ = article_date(text)
    meta: dict[str, Any] = {"title": title}
    if adate:
        meta.update(date=adate, date_basis=basis, date_evidence=date_ev)
    sents = sentences(text)
    mentions = find_mentions(text, sents)
    dates = find_dates(text, adate)
    b = _Builder(text, known, used)
    antecedents: list[tuple[Mention, Resolved]] = []
    rid: dict[int, Resolved] = {}
    for m in sorted(mentions, key=lambda x: (x.start, -x.end)):
        if m.kind not in _KEEP or m.title:
            continue
        if m.kind == "Abbr":
            owner = next((a for a, _ in antecedents if a.abbr == m.name), None)
            r = rid.get(id(owner)) if owner else None
            if r is not None:
                b.add_name(r.id, m.name)
            continue
        if m.kind == "Country" and m.adjective:
            rid[id(m)] = Resolved(b.country(m.country or ""), True)
            continue
        r = b.resolve(m, antecedents)
        if r is None:
            continue
        rid[id(m)] = r
        if r.bare:
            if r.note and "may also be" in r.note:
                b.notes.setdefault(r.id, r.note)
            continue
        antecedents.append((m, r))
        b.add_name(r.id, m.name)
        if m.abbr:
            b.add_name(r.id, m.abbr)
        if r.known and r.score < 100:
            b.notes[r.id] = f"matched '{r.matched}' ({r.score:.0f})"
        elif r.known and r.id not in b.notes:
            b.notes[r.id] = f"registry name '{r.matched}'" if r.matched else "registry"
        if r.note and r.id not in b.notes:
            b.notes[r.id] = r.note
        # "Centre in Bishkek": the city; "Interior Ministry’s Department": the parent
        if not r.known and r.id in b.entities:
            ent = b.entities[r.id]
            if m.city is not None and id(m.city) in rid:
                ent.setdefault("based_in", rid[id(m.city)].id)
            if m.parent is not None and id(m.parent) in rid:
                ent.setdefault("parent", rid[id(m.parent)].id)
    # a city inside a name is resolved after its organisation; link it now
    for m in mentions:
        r = rid.get(id(m))
        if r and not r.known and r.id in b.entities and m.city is not None and id(m.city) in rid:
            b.entities[r.id].setdefault("based_in", rid[id(m.city)].id)
        if r and not r.known and r.id in b.entities and m.parent is not None:
            pr = rid.get(id(m.parent))
            if pr is not None:
                b.entities[r.id].setdefault("parent", pr.id)

    def ent(m: Mention | None) -> Resolved | None:
        if m is not None and id(m) not in rid and m.kind == "Group":
            r = b.resolve(m, [])  # an unnamed group of participants, found in a list
            if r is not None:
                rid[id(m)] = r
                b.add_name(r.id, m.name)
        return rid.get(id(m)) if m is not None else None

    draft = Draft(article_id, meta)
    _periods(draft, text, mentions, rid)
    events = find_events(text, sents, mentions, dates)
    event_ids = _events(b, draft, text, events, ent)
    _observances(b, draft, text, mentions, dates, rid, adate)
    for rel in find_relations(text, sents, mentions):
        rs, ro = rid.get(id(rel.subject)), rid.get(id(rel.object))
        if rs is not None and ro is not None and rs.id != ro.id:
            evidence = text[rel.span.start : rel.span.end]
            _fact(draft, rs.id, rel.relation, ro.id, evidence, min(rs.score, ro.score))
    posts = find_posts(text, sents, mentions)
    for p in posts:
        person = ent(p.person)
        if person is None:
            continue
        item: dict[str, Any] = {"person": person.id}
        org = ent(p.organization)
        if org is not None:
            item["organization"] = org.id
        item.update(role=p.role, evidence=text[p.evidence.start : p.evidence.end], suggested=True)
        draft.posts.append(item)
    quotes = find_quotes(text, sents, mentions)
    for q in quotes:
        speaker = ent(q.speaker)
        if speaker is None:
            continue
        item = {"speaker": speaker.id}
        if event_ids:
            item["at"] = event_ids[0]
        item.update(text=text[q.text.start : q.text.end], suggested=True)
        if event_ids:
            item["note"] = "at: the article's first event; check"
        draft.quotes.append(item)
    _claims(b, draft, text, find_claims(text, sents, mentions, dates, quotes), ent, event_ids)
    draft.entities = list(b.entities.values())
    draft.names = {k: v for k, v in sorted(b.names.items()) if v}
    draft.name_notes = b.notes
    _dedupe_facts(draft)
    return draft


def _events(b: _Builder, draft: Draft, text: str, events: list[EventDraft], ent: Any) -> list[str]:
    ids = []
    for ev in events:
        place = ent(ev.place)
        place_name = ev.place.name if ev.place else ""
        when = ev.date.value if ev.date else ""
        words = " ".join(w for w in [ev.name_words, ev.trigger] if w)
        label = words[:1].upper() + words[1:]
        name = ", ".join(x for x in [label, place_name, _human_date(ev.date)] if x)
        base = "-".join(x for x in [place_name, slug(ev.trigger), when[:4]] if x)
        found = f"event found as '{text[ev.first.start : ev.first.end]}'"
        known, event_score, event_note = _known_event(b.known, name, ev)
        if known is not None:
            eid = known
            event_note = f"{found}; {event_note}"
        else:
            eid = b.new_entity(
                "Event", name, f"{found}; {event_note}" if event_note else found, base=base
            )
            event_score = 100.0
        ids.append(eid)

        def fact(
            s: str,
            p: str,
            o: str,
            span: Span,
            score: float = 100.0,
            floor: float = event_score,
            note: str | None = event_note if known is not None else None,
        ) -> None:
            item: dict[str, Any] = {"s": s, "p": p, "o": o, "evidence": text[span.start : span.end]}
            item["suggested"] = True
            score = min(score, floor)
            if score < 100:
                item["score"] = round(score)
            if note and not any(f.get("note") == note for f in draft.facts):
                item["note"] = note
            draft.facts.append(item)

        if ev.date and ev.date_evidence:
            note = " (relative to the article's date)" if ev.date.relative else ""
            fact(eid, "startDate", ev.date.value, ev.date_evidence)
            if note:
                draft.facts[-1]["note"] = f"date '{ev.date.text}'{note}"
        if place is not None and ev.place_evidence:
            fact(eid, "heldIn", place.id, ev.place_evidence, place.score)
        for agent, rel, span in ev.roles:
            r = ent(agent)
            if r is not None:
                fact(r.id, rel, eid, span, r.score)
        for country, span in ev.countries:
            r = ent(country)
            if r is not None:
                fact(eid, "countryRepresented", r.id, span)
        for rel, target, span in ev.links:
            r = ent(target)
            if r is not None:
                fact(eid, rel, r.id, span, r.score)
        if ev.duration:
            fact(eid, "duration", ev.duration[0], ev.duration[1])
        if ev.ordinal:
            fact(eid, "ordinalInSeries", str(ev.ordinal[0]), ev.ordinal[1])
    return ids


_DAY = re.compile(r"\b(?:World|International|National) Day\b")
_THEME = re.compile(r"\btheme (?:was|is|will be)\s+[‘'\"“](?P<t>[^’'\"”]{3,200})[’'\"”]")
_SERIES_BY = re.compile(
    r"^\s*(?:is|was|are|were)\s+(?:organi[sz]ed|held|led|marked)\s+(?:\w+ly\s+)?by\s+"
)


def _observances(
    b: _Builder,
    draft: Draft,
    text: str,
    mentions: list[Mention],
    dates: list[DateMention],
    rid: dict[int, Resolved],
    adate: str | None,
) -> None:
    """'the World Day against Trafficking in Persons on 30 July': this year's observance of the
    series, which an event held 'ahead of' it marks; and who organises the series."""
    made: dict[str, str] = {}
    dated = {id(m): next((x for x in dates if 0 <= x.start - m.end <= 4), None) for m in mentions}
    # the mention that gives the Day's date first, so its quote dates the observance
    order = sorted(mentions, key=lambda m: (dated[id(m)] is None, m.start))
    for m in order:
        r = rid.get(id(m))
        if m.kind != "EventSeries" or r is None:
            continue
        after = text[m.end : m.end + 200]
        by = _SERIES_BY.match(after)
        if by:
            start = m.end + by.end()
            stop = re.search(r"(?<![A-Z])\.(?=\s|$)|;", text[start:])
            end = start + (stop.start() if stop else 0)
            for a in mentions:
                ra = rid.get(id(a))
                if ra and start <= a.start < end and a.kind in ("Organization", "Group"):
                    _fact(draft, ra.id, "organised", r.id, text[m.start : a.end], ra.score)
        if not _DAY.search(m.name):
            continue
        d = dated[id(m)]
        year = d.value[:4] if d else (adate[:4] if adate else None)
        if year is None or r.id in made:
            continue
        start = m.start - 4 if text[max(0, m.start - 4) : m.start] == "the " else m.start
        evidence = text[start : d.end if d else m.end]
        obs = _known_observance(b.known, m.name, year)
        if obs is None:
            words = m.name.split()
            obs = b.new_entity(
                "Event",
                f"{m.name} {year}",
                f"this year's observance of '{m.name}'",
                base=f"{' '.join(words[:2])} {year}",
            )
        _fact(draft, obs, "partOfSeries", r.id, evidence)
        made[r.id] = obs
        if d is not None and len(d.value) == 10:
            _fact(draft, obs, "startDate", d.value, evidence)
        theme = _THEME.search(text, m.end)
        if theme:
            _fact(draft, obs, "theme", theme["t"], theme.group())
    for f in draft.facts:  # an event held ahead of the Day marks this year's observance
        if f["p"] == "marks" and f["o"] in made:
            f["o"] = made[f["o"]]


def _known_observance(known: list[Known], series: str, year: str) -> str | None:
    hits = [
        k.id
        for k in known
        if k.kind == "Event"
        and any(year in n for n in [*k.names, k.id])
        and max(fuzz.token_set_ratio(norm(series), n) for n in k.norms) >= 90
    ]
    return hits[0] if len(hits) == 1 else None


def _fact(draft: Draft, s: str, p: str, o: str, evidence: str, score: float = 100.0) -> None:
    item: dict[str, Any] = {"s": s, "p": p, "o": o, "evidence": evidence, "suggested": True}
    if score < 100:
        item["score"] = round(score)
    draft.facts.append(item)


def _periods(draft: Draft, text: str, mentions: list[Mention], rid: dict[int, Resolved]) -> None:
    """'the 2013-2016 National Programme': the years a programme or plan runs."""
    done: set[str] = set()
    for m in mentions:
        r = rid.get(id(m))
        if m.years is None or r is None or r.id in done:
            continue
        done.add(r.id)
        end = int(m.extra.get("years_span", m.end))
        evidence = text[m.start : end]
        for p, year in (("startDate", m.years[0]), ("endDate", m.years[1])):
            item: dict[str, Any] = {"s": r.id, "p": p, "o": year, "evidence": evidence}
            item["suggested"] = True
            if r.score < 100:
                item["score"] = round(r.score)
            draft.facts.append(item)


def _known_event(known: list[Known], name: str, ev: EventDraft) -> tuple[str | None, float, str]:
    """A registry event with the same date (or year and place) as this one, if exactly one."""
    if ev.date is None:
        return None, 0.0, ""
    year, human = ev.date.value[:4], _human_date(ev.date)
    place = (ev.place.name if ev.place else "").lower()
    scored = []
    for k in known:
        if k.kind != "Event":
            continue
        names = " | ".join([*k.names, k.id])
        if year not in names:
            continue
        score = max(fuzz.token_set_ratio(norm(name), n) for n in k.norms)
        if len(ev.date.value) == 10 and human in names:
            score = max(score, 95.0)
        if place and place not in names.lower() and place.replace("-", " ") not in names.lower():
            score -= 20
        scored.append((score, k.id))
    scored.sort(key=lambda x: (-x[0], x[1]))
    good = [x for x in scored if x[0] >= 85]
    if not good:
        return None, 0.0, ""
    if len(good) > 1 and good[0][0] - good[1][0] <= AMBIGUITY_MARGIN:
        listed = ", ".join(f"{i} ({s:.0f})" for s, i in good[:3])
        return None, 0.0, f"ambiguous: may be registry event {listed}"
    return good[0][1], good[0][0], f"registry event {good[0][1]} (score {good[0][0]:.0f}): check"


def _human_date(d: DateMention | None) -> str:
    if d is None:
        return ""
    parts = d.value.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _claims(
    b: _Builder, draft: Draft, text: str, claims: list[Any], ent: Any, event_ids: list[str]
) -> None:
    measures = [k for k in b.known if k.kind == "Measure"]
    seen: set[str] = set()
    for c in claims:
        what = c.what if c.unit == "rank" else c.unit
        label = f"rank: {what}" if c.unit == "rank" else f"number of {what}"
        if c.unit == "percent":
            before = text[max(0, c.evidence.start - 80) : c.evidence.start]
            noun = re.search(r"([a-z]+) of (?:over |about |nearly |some |more than )?$", before)
            of = re.match(r"\s*of\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)", text[c.evidence.end :])
            if of:  # "60% of identified victims"
                words = of[1].split()
                while words and words[-1] in STOP_WORDS:
                    words.pop()
                label = f"percentage of {' '.join(words)}"
            else:  # "a rate of over 70%"
                label = f"percentage: {noun[1]}" if noun else "percentage"
        measure, measure_note = None, None
        if measures:
            scored = sorted(
                ((max(fuzz.token_set_ratio(norm(label), n) for n in k.norms), k) for k in measures),
                key=lambda x: (-x[0], x[1].id),
            )
            top, best = scored[0]
            rival = len(scored) > 1 and scored[1][0] >= MATCH_CUTOFF and top - scored[1][0] < 5
            if top >= MATCH_CUTOFF and not rival:
                measure = best.id
                measure_note = f"measure read as registry '{best.names[0]}' ({top:.0f}): check"
        if measure is None:
            key = ("Measure", norm(label))
            if key not in b.by_norm:
                b.by_norm[key] = b.new_entity(
                    "Measure",
                    label[:1].upper() + label[1:],
                    "what the claim counts; name it so claims from other articles can share it",
                )
            measure = b.by_norm[key]
        cid = slug(f"{what}-{c.value}")
        while cid in seen:
            cid += "-2"
        seen.add(cid)
        item: dict[str, Any] = {"id": cid, "measure": measure, "value": c.value}
        item["unit"] = "persons" if c.unit in ("representatives", "participants") else c.unit
        item["qualifier"] = c.qualifier
        who = ent(c.attributed)
        if who is not None:
            item["attributed_to"] = [who.id]
        item["evidence"] = text[c.evidence.start : c.evidence.end]
        item["suggested"] = True
        if measure_note:
            item["note"] = measure_note
        draft.claims.append(item)


def _dedupe_facts(draft: Draft) -> None:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in draft.facts:
        key = (f["s"], f["p"], f["o"])
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    draft.facts = out


def write_draft(
    root: Path,
    article_id: str,
    output: Path | None = None,
    force: bool = False,
    use_registry: bool = True,
) -> tuple[Path | None, Draft, str]:
    """Write the draft next to the other curation files (or to ``output``); never overwrite
    a curation file unless ``force``, since it may hold a curator's work."""
    draft = suggest(root, article_id, use_registry=use_registry)
    text = render(draft)
    if output is not None and str(output) == "-":
        return None, draft, text
    target = output or root / "seeds" / "curation" / f"{article_id}.yaml"
    if target.exists() and not force:
        raise SuggestError(
            f"{target.as_posix()} already exists; it may hold reviewed work. Write elsewhere "
            "with -o FILE (or -o - for the screen), or replace it with --force"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, text)
    return target, draft, text
