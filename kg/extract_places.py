"""Country names and adjectives from pycountry, and general shapes of place names.

No table of the seeds' places lives here: countries come from ISO 3166 (pycountry), their
adjectives from English suffix rules over those names, regions from compass words plus
continent names. Cities are found by the patterns in kg/extract.py and by the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

# Short English names in everyday use that ISO 3166 spells otherwise.
_COMMON_ALIASES = {
    "Turkey": "TR",
    "Russia": "RU",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "USA": "US",
    "U.S.A.": "US",
    "US": "US",
    "U.S.": "US",
    "America": "US",
    "United States of America": "US",
    "North Korea": "KP",
    "Vietnam": "VN",
    "Laos": "LA",
    "Czech Republic": "CZ",
    "Ivory Coast": "CI",
    "Holland": "NL",
    "Burma": "MM",
}
# Adjectives that suffix rules get wrong and everyone uses.
_IRREGULAR_ADJECTIVES = {
    "British": "GB",
    "American": "US",
    "Turkish": "TR",
    "Chinese": "CN",
    "French": "FR",
    "German": "DE",
    "Dutch": "NL",
    "Swiss": "CH",
    "Afghan": "AF",
    "Pakistani": "PK",
    "Emirati": "AE",
    "Thai": "TH",
    "Japanese": "JP",
    "Azerbaijani": "AZ",
    "Uzbek": "UZ",
    "Turkmen": "TM",
    "Tajik": "TJ",
    "Kyrgyz": "KG",
    "Kirghiz": "KG",
    "Kazakh": "KZ",
    "Kazakhstani": "KZ",
    "Kyrgyzstani": "KG",
    "Tajikistani": "TJ",
    "Ukrainian": "UA",
    "Georgian": "GE",
    "Armenian": "AM",
    "Belarusian": "BY",
    "Moldovan": "MD",
}
_COMPASS = (
    r"(?:Central|Eastern|Western|Northern|Southern|South[- ]East(?:ern)?|North[- ]East(?:ern)?"
    r"|South|North|East|West)"
)
_CONTINENT = r"(?:Asia|Europe|Africa|America|Caucasus|Mediterranean|Balkans|Pacific|Middle East)"
REGION_RE = re.compile(rf"\b{_COMPASS} {_CONTINENT}\b")


@dataclass(frozen=True)
class Country:
    """One ISO 3166 country and the English words that name it."""

    alpha2: str
    name: str  # the name used for a new entity: the short common name


def _adjectives(name: str) -> set[str]:
    """English adjective forms of a one-word country name by suffix rules."""
    out: set[str] = set()
    if " " in name or "," in name:
        return out
    if name.endswith("stan"):
        out.add(name[: -len("stan")].rstrip("i"))
    if name.endswith("ia") or name.endswith("a"):
        out.add(name + "n")
    elif name.endswith("e") or name.endswith("y"):
        out.add(name[:-1] + "ian")
    elif name.endswith("land"):
        out.add(name[:-4] + "ish")
    return {a for a in out if len(a) >= 4}


@lru_cache(maxsize=1)
def country_words() -> tuple[dict[str, Country], dict[str, Country]]:
    """(names → country, adjectives → country), built once from pycountry."""
    names: dict[str, Country] = {}
    adjectives: dict[str, Country] = {}
    for c in pycountry.countries:
        short = getattr(c, "common_name", None) or c.name
        if "," in short:  # "Iran, Islamic Republic of" → "Iran"
            short = short.split(",")[0]
        country = Country(c.alpha_2, short)
        for n in {c.name, short, getattr(c, "official_name", None)}:
            if not n:
                continue
            names.setdefault(n, country)
            if "," in n:
                names.setdefault(n.split(",")[0], country)
            if " " not in n:
                for adj in _adjectives(n):
                    adjectives.setdefault(adj, country)
    by_code = {c.alpha2: c for c in names.values()}
    for alias, code in _COMMON_ALIASES.items():
        names.setdefault(alias, by_code[code])
    for adj, code in _IRREGULAR_ADJECTIVES.items():
        adjectives[adj] = by_code[code]
    names["Russian Federation"] = by_code["RU"]
    # Country names that are also common first names give more false hits than true ones.
    for word in ("Chad", "Jordan"):
        names.pop(word, None)
    return names, adjectives


def country_by_code(alpha2: str) -> Country:
    """The country of an ISO alpha-2 code (KeyError if there is none)."""
    names, _ = country_words()
    for c in names.values():
        if c.alpha2 == alpha2:
            return c
    raise KeyError(alpha2)


@lru_cache(maxsize=1)
def country_pattern() -> re.Pattern[str]:
    """One regex matching any country name or adjective, longest first."""
    names, adjectives = country_words()
    words = sorted(set(names) | set(adjectives), key=len, reverse=True)
    alts = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w.])(?:the )?({alts})(?:[’']s)?(?![\w-])")


def lookup_country(word: str) -> tuple[Country, bool] | None:
    """(country, is_adjective) for a name or adjective, possessive allowed."""
    names, adjectives = country_words()
    w = re.sub(r"[’']s$", "", word)
    if w.startswith("the "):
        w = w[4:]
    if w in names:
        return names[w], False
    if w in adjectives:
        return adjectives[w], True
    return None
