"""Which registry entity a name is: folding names, and scoring them with rapidfuzz.

Every name, alias and name-over-time of the registry, plus the names other articles' curation
files use, are compared with a mention after folding case, quotes, possessives, articles and
country words; a country stated on either side must agree, so the Kyrgyz and the Kazakh
Interior Ministries never merge however alike their words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from kg.curation import load_project
from kg.extract import Mention
from kg.extract_places import lookup_country
from kg.extract_words import KIND_HEADS, ORG_HEADS
from kg.problems import CurationError

MATCH_CUTOFF = 88.0  # below this a name is a new entity, with the closest entry in its note
AMBIGUITY_MARGIN = 4.0  # two entries within this many points of each other: ambiguous
INITIATIVES = {"Programme", "ActionPlan", "Campaign", "Platform", "Mechanism"}
INSTRUMENTS = {"Law", "Agreement", "Document"}
HEAD_WORDS = {w for w in ORG_HEADS | set(KIND_HEADS) if " " not in w}
STOP_WORDS = {"the", "of", "on", "for", "in", "and", "against", "under", "a", "an"}


class SuggestError(Exception):
    """The draft cannot be written; the message says why."""


@dataclass
class Known:
    """A registry entity with every name it is known by."""

    id: str
    kind: str
    names: list[str]
    iso: str | None  # the ISO code of the country it belongs to (or is)
    norms: list[str] = field(default_factory=list)


@dataclass
class Resolved:
    """What a mention was decided to be: a known id (with score) or a new entity."""

    id: str
    known: bool
    score: float = 100.0
    matched: str = ""
    note: str | None = None
    bare: bool = False  # a back-reference ("the Centre"), not a name of its own


# ---------------------------------------------------------------- names


def norm(name: str) -> str:
    """Comparable form of a name: case, quotes, hyphens, possessives, articles and countries."""
    s = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'")
    s = re.sub(r"'s\b", "", s)
    words = []
    for w in re.split(r"[\s\-,.:;()']+", s):
        if not w or w.lower() in STOP_WORDS:
            continue
        if lookup_country(w) is not None:
            continue
        words.append(_singular(w.lower()))
    return " ".join(words)


def _singular(word: str) -> str:
    """'businesses' and 'business', 'NGOs' and 'NGO' compare equal."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def name_country(name: str) -> str | None:
    """ISO code of a country named or qualified in a name ('Kyrgyz Interior Ministry')."""
    for m in re.finditer(r"[A-Z][\w’'.-]*(?: [A-Z][\w’'-]*)*", name):
        words = m.group().split()
        for i in range(len(words)):
            for j in range(len(words), i, -1):
                hit = lookup_country(" ".join(words[i:j]))
                if hit is not None:
                    return hit[0].alpha2
    return None


def extends(a: Mention, b: Mention) -> bool:
    """'State Migration Service' and 'State Migration Service under the Government of ...':
    one name is the other's head plus a complement, and their countries do not differ."""
    if a.country and b.country and a.country != b.country:
        return False
    short, long = sorted((norm(a.name), norm(b.name)), key=len)
    if not short or short.split()[-1] not in HEAD_WORDS or not long.startswith(short + " "):
        return False
    original = a.name if norm(a.name) == long else b.name
    head = short.split()[-1]
    return bool(re.search(rf"\b{re.escape(head)}\s+(?:under|of|in|at|for)\s", original, re.I))


def slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    s = re.sub(r"-{2,}", "-", s)
    if len(s) > 50:  # cut at a word, not inside one
        s = s[:51].rsplit("-", 1)[0]
    return s.strip("-") or "entity"


def _compatible(kind: str, known: str) -> bool:
    if kind == known:
        return True
    groups = [INITIATIVES, INSTRUMENTS, {"Organization", "Group"}, {"City", "Region"}]
    return any(kind in g and known in g for g in groups)


# ---------------------------------------------------------------- the registry


def load_known(root: Path, article_id: str) -> tuple[list[Known], set[str]]:
    """Registry entities and the names other articles use for them (not this article's own)."""
    curated = {p.stem for p in (root / "seeds" / "curation").glob("*.yaml")}
    try:
        cur = load_project(root, include_drafts=True, only=curated - {article_id})
    except CurationError as exc:
        lines = "\n".join(str(p) for p in exc.problems[:20])
        raise SuggestError(
            f"the project's curation has problems; fix them first (`kg check`):\n{lines}"
        ) from None
    used = {eid for eid in cur.entities if cur.origin.get(eid) != article_id}
    extra: dict[str, list[str]] = defaultdict(list)
    for art in cur.articles:
        for eid, name, _ in art.names:
            extra[eid].append(name)
    iso_of = {e.id: e.iso for e in cur.entities.values() if e.iso}
    known = []
    for eid, e in sorted(cur.entities.items()):
        if cur.origin.get(eid) == article_id:
            continue  # the article's own entities would be the answer, not a suggestion
        names = [e.name, *e.aliases, *(n.name for n in e.names), *extra[eid]]
        names = list(dict.fromkeys(names))
        iso = e.iso or (iso_of.get(e.country) if e.country else None) or None
        if iso is None and e.kind not in ("Country",):
            iso = next((c for n in names if (c := name_country(n))), None)
        k = Known(eid, e.kind, names, iso)
        k.norms = [norm(n) for n in names]
        known.append(k)
    return known, used


def match_known(
    name: str, kind: str, country: str | None, known: list[Known]
) -> list[tuple[Known, float, str]]:
    """Registry entries this name may be, best first, each with its score and matched name."""
    out = []
    acronym = name.isupper() and " " not in name
    q = norm(name)
    for k in known:
        if not _compatible(kind, k.kind):
            continue
        if country and k.iso and country != k.iso:
            continue  # the Kazakh Interior Ministry is not the Kyrgyz one
        best, best_name = 0.0, ""
        for n, kn in zip(k.names, k.norms, strict=True):
            if acronym or (n.isupper() and " " not in n):
                score = 100.0 if n == name else 0.0
            elif not q or not kn:
                score = 100.0 if n.lower() == name.lower() else 0.0
            else:
                score = fuzz.token_sort_ratio(q, kn)
                if kind == "Person" and q.split()[-1:] == kn.split()[-1:] and len(q.split()) == 1:
                    score = max(score, 90.0)  # "Shin" after "Galina Shin"
            if score > best:
                best, best_name = score, n
        if best >= MATCH_CUTOFF - 20:
            out.append((k, best, best_name))
    out.sort(key=lambda x: (-x[1], x[0].id))
    return out
