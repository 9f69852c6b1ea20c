"""Scoring `kg suggest` against curated articles: recall and precision per kind.

Used by benchmarks/bench_suggest.py and tests/test_suggest.py. A suggested entity counts as
found when its name matches one of the curated entity's names (registry name, aliases, and
the names the curated article uses) at rapidfuzz token-sort ratio >= 90 after kg.suggest.norm;
events match on their start date, or on their place when the date is only a year; claims on
their value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz import fuzz

from kg.curation import load_project
from kg.suggest import Draft, name_country, norm, suggest

KINDS = {
    "organisation": {"Organization"},
    "person": {"Person"},
    "place": {"Country", "City", "Region"},
    "event": {"Event"},
}


@dataclass
class Score:
    """Counts for one kind over the articles scored."""

    gold: int = 0
    found: int = 0
    suggested: int = 0
    correct: int = 0
    duplicates: int = 0  # correct suggestions naming a curated entity another one already named
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.suggested if self.suggested else 1.0


def _same(a: str, b: str) -> bool:
    ca, cb = name_country(a), name_country(b)
    if ca and cb and ca != cb:
        return False
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return a.lower() == b.lower()
    return fuzz.token_sort_ratio(na, nb) >= 90


def evaluate(root: Path, use_registry: bool = False) -> dict[str, Score]:
    """Run `kg suggest` on every curated article and score it against the curation."""
    cur = load_project(root, include_drafts=True)
    scores = {k: Score() for k in [*KINDS, "claim", "fact"]}
    for art in cur.articles:
        draft = suggest(root, art.id, use_registry=use_registry)
        names: dict[str, set[str]] = {}
        for eid, name, _ in art.names:
            names.setdefault(eid, set()).add(name)
        ids = art.mentioned()
        for kind, classes in KINDS.items():
            gold = {i for i in ids if cur.entities[i].kind in classes}
            _score_kind(kind, classes, gold, cur, names, art, draft, scores[kind])
        _score_claims(art, draft, scores["claim"])
        _score_facts(art, draft, scores["fact"])
    if not use_registry:
        del scores["fact"]  # new ids never equal curated ones: only comparable with the registry
    return scores


def _score_facts(art: object, draft: Draft, score: Score) -> None:
    """Exact (subject, relation, object) agreement with the curated facts."""
    gold = {(f.subject, f.relation.name, f.object) for f in art.facts}  # type: ignore[attr-defined]
    sugg = {(f["s"], f["p"], f["o"]) for f in draft.facts}
    score.gold += len(gold)
    score.found += len(gold & sugg)
    score.suggested += len(sugg)
    score.correct += len(gold & sugg)
    score.wrong += [f"{art.id[:3]}:{s} {p} {o}" for s, p, o in sorted(sugg - gold)]  # type: ignore[attr-defined]


def _gold_names(eid: str, cur: object, names: dict[str, set[str]]) -> set[str]:
    e = cur.entities[eid]  # type: ignore[attr-defined]
    return {e.name, *e.aliases, *(n.name for n in e.names), *names.get(eid, set())}


def _suggested(draft: Draft, classes: set[str], known_kinds: dict[str, str]) -> dict[str, set[str]]:
    """Suggested entities of these classes: new ones with their names, and registry matches."""
    out: dict[str, set[str]] = {}
    for e in draft.entities:
        if e["kind"] in classes:
            out[e["id"]] = {e["name"], *e.get("aliases", []), *draft.names.get(e["id"], [])}
    for eid, ns in draft.names.items():
        if eid not in out and known_kinds.get(eid) in classes:
            out[eid] = set(ns)
    return out


def _score_kind(
    kind: str,
    classes: set[str],
    gold: set[str],
    cur: object,
    names: dict[str, set[str]],
    art: object,
    draft: Draft,
    score: Score,
) -> None:
    known_kinds = {i: e.kind for i, e in cur.entities.items()}  # type: ignore[attr-defined]
    sugg = _suggested(draft, classes, known_kinds)
    if kind == "event":
        return _score_events(gold, cur, art, draft, score)
    matched_gold: set[str] = set()
    for sid, snames in sorted(sugg.items()):
        hit = [
            g
            for g in gold
            if sid == g or any(_same(a, b) for a in snames for b in _gold_names(g, cur, names))
        ]
        score.suggested += 1
        if hit:
            score.correct += 1
            if set(hit) <= matched_gold:
                score.duplicates += 1
            matched_gold.update(hit)
        else:
            score.wrong.append(f"{art.id[:3]}:{sid}")  # type: ignore[attr-defined]
    score.gold += len(gold)
    score.found += len(gold & matched_gold)
    score.missed += [f"{art.id[:3]}:{g}" for g in sorted(gold - matched_gold)]  # type: ignore[attr-defined]


def _score_events(gold: set[str], cur: object, art: object, draft: Draft, score: Score) -> None:
    gold_dates: dict[str, set[str]] = {g: set() for g in gold}
    gold_places: dict[str, set[str]] = {g: set() for g in gold}
    for f in art.facts:  # type: ignore[attr-defined]
        if f.subject in gold and f.relation.name == "startDate":
            gold_dates[f.subject].add(f.object)
        if f.subject in gold and f.relation.name == "heldIn":
            gold_places[f.subject].add(f.object)
    sugg_dates: dict[str, set[str]] = {}
    sugg_places: dict[str, set[str]] = {}
    for f in draft.facts:
        if f["p"] == "startDate":
            sugg_dates.setdefault(f["s"], set()).add(f["o"])
        if f["p"] == "heldIn":
            sugg_places.setdefault(f["s"], set()).add(f["o"])
    events = [e["id"] for e in draft.entities if e["kind"] == "Event"]
    kinds = {i: e.kind for i, e in cur.entities.items()}  # type: ignore[attr-defined]
    for f in draft.facts:  # registry events the draft matched
        for x in (f["s"], f["o"]):
            if kinds.get(x) == "Event" and x not in events:
                events.append(x)
    matched: set[str] = set()
    names = {e["id"]: e["name"] for e in draft.entities}
    for sid in events:
        hit = [sid] if sid in gold else []
        if sid in names:
            hit += [g for g in gold if _same(names[sid], cur.entities[g].name)]  # type: ignore[attr-defined]
        for g in gold:
            if sugg_dates.get(sid, set()) & gold_dates[g]:
                ok = all(len(d) > 4 for d in gold_dates[g]) or (
                    _place_names(sugg_places.get(sid, set()), draft)
                    & _place_names(gold_places[g], None, cur)
                )
                if ok:
                    hit.append(g)
        score.suggested += 1
        if hit:
            score.correct += 1
            matched.update(hit)
        else:
            score.wrong.append(f"{art.id[:3]}:{sid}")  # type: ignore[attr-defined]
    score.gold += len(gold)
    score.found += len(matched)
    score.missed += [f"{art.id[:3]}:{g}" for g in sorted(gold - matched)]  # type: ignore[attr-defined]


def _place_names(ids: set[str], draft: Draft | None, cur: object = None) -> set[str]:
    out = set()
    for i in ids:
        if draft is not None:
            out.update(norm(n) for n in draft.names.get(i, [i]))
        else:
            out.add(norm(cur.entities[i].name))  # type: ignore[attr-defined]
    return out


def _score_claims(art: object, draft: Draft, score: Score) -> None:
    gold = [c for c, _ in art.claims if c.value is not None]  # type: ignore[attr-defined]
    values = [Decimal(str(c["value"])) for c in draft.claims]
    score.gold += len(gold)
    remaining = list(values)
    for c in gold:
        if c.value in remaining:
            remaining.remove(c.value)
            score.found += 1
        else:
            score.missed.append(f"{art.id[:3]}:{c.id}")  # type: ignore[attr-defined]
    gold_values = [c.value for c in gold]
    score.suggested += len(values)
    for v, c in zip(values, draft.claims, strict=True):
        if v in gold_values:
            gold_values.remove(v)
            score.correct += 1
        else:
            score.wrong.append(f"{art.id[:3]}:{c['id']}")  # type: ignore[attr-defined]
