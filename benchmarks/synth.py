"""Synthetic corpus generator: a complete kg project of N curated articles, for benchmarks.

    python benchmarks/synth.py --articles 1000 --seed 7 --out /tmp/kg-1000

writes ``seeds/articles/*.txt``, ``seeds/entities.yaml``, ``seeds/curation/*.yaml`` in the real
curation format (docs/curation-format.md) plus a copy of ``ontology/`` and ``queries/``, so every
kg command runs with the output directory as the project root.

Why synthetic: the seeds are five articles and a research group's corpus is thousands; the
benchmarks need that size with the real shape. The shape: pools of organisations (with parents
and countries), people (some with Cyrillic names), real countries (ISO codes from pycountry),
cities, programmes, plans, campaigns, mechanisms, laws, measures and event series, each drawn
with Zipf-like popularity; per article 1-3 events with organisers, hosts, 3-15 participants,
dates over 2005-2025 and places, 1-4 quoted officials with their posts, programme facts and
claims with values and attribution. Sentences are written first and then quoted, so every
evidence quote occurs verbatim in its article. Same arguments -> byte-identical tree.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import json
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pycountry

REPO = Path(__file__).resolve().parent.parent
MONTHS = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]
FIRST_DAY, LAST_DAY = date(2005, 1, 1), date(2025, 12, 31)

# ---------------------------------------------------------------- vocabulary of the generator
# Countries by ISO 3166-1 alpha-2 (names and codes come from pycountry). The first five are the
# region the corpus is about and are drawn most often; the rest take part now and then.
ACTIVE_COUNTRIES = ["KZ", "KG", "TJ", "UZ", "TM", "AF", "AZ", "MN", "RU", "GE", "AM", "BY"]
PARTNER_COUNTRIES = [
    "TR", "UA", "MD", "DE", "US", "GB", "FR", "IT", "NL", "SE", "NO", "CH", "AT",
    "FI", "PL", "LT", "LV", "EE", "JP", "KR", "CN", "IN", "PK", "IR", "AE", "IL",
]  # fmt: skip
SHORT_NAMES = {"RU": "Russia", "MD": "Moldova", "KR": "South Korea", "IR": "Iran", "TR": "Turkey"}
ADJECTIVES = {
    "KZ": "Kazakh", "KG": "Kyrgyz", "TJ": "Tajik", "UZ": "Uzbek", "TM": "Turkmen",
    "AF": "Afghan", "AZ": "Azerbaijani", "MN": "Mongolian", "RU": "Russian", "GE": "Georgian",
    "AM": "Armenian", "BY": "Belarusian",
}  # fmt: skip
# Cities of the active countries (pycountry has no cities).
CITIES = {
    "KZ": ["Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Taraz", "Pavlodar", "Atyrau"],
    "KG": ["Bishkek", "Osh", "Jalal-Abad", "Karakol", "Naryn", "Batken", "Talas", "Tokmok"],
    "TJ": ["Dushanbe", "Khujand", "Kulob", "Bokhtar", "Khorog", "Istaravshan"],
    "UZ": ["Tashkent", "Samarkand", "Bukhara", "Namangan", "Andijan", "Fergana", "Nukus"],
    "TM": ["Ashgabat", "Turkmenabat", "Dashoguz", "Mary", "Balkanabat"],
    "AF": ["Kabul", "Mazar-i-Sharif", "Herat", "Kunduz"],
    "AZ": ["Baku", "Ganja"],
    "MN": ["Ulaanbaatar"],
    "RU": ["Moscow", "Novosibirsk", "Yekaterinburg"],
    "GE": ["Tbilisi", "Batumi"],
    "AM": ["Yerevan"],
    "BY": ["Minsk"],
}
CENTRAL_ASIA = ["KZ", "KG", "TJ", "UZ", "TM"]

INTERNATIONAL = [  # (id, name, aliases, category)
    ("osce", "Organization for Security and Co-operation in Europe", ["OSCE"], "international"),
    ("unodc", "United Nations Office on Drugs and Crime", ["UNODC"], "international"),
    ("iom", "International Organization for Migration", ["IOM"], "international"),
    ("undp", "United Nations Development Programme", ["UNDP"], "international"),
    ("unicef", "United Nations Children's Fund", ["UNICEF"], "international"),
    ("un-women", "UN Women", [], "international"),
    ("ilo", "International Labour Organization", ["ILO"], "international"),
    ("unhcr", "Office of the United Nations High Commissioner for Refugees", ["UNHCR"],
     "international"),
    ("eu", "European Union", ["EU"], "international"),
    ("icmpd", "International Centre for Migration Policy Development", ["ICMPD"], "international"),
    ("odihr", "OSCE Office for Democratic Institutions and Human Rights", ["ODIHR"],
     "international"),
    ("usaid", "United States Agency for International Development", ["USAID"], "donor"),
    ("giz", "Deutsche Gesellschaft für Internationale Zusammenarbeit", ["GIZ"], "donor"),
]  # fmt: skip
FIELD_OFFICES = {  # OSCE field operation per Central Asian country
    "KZ": "OSCE Programme Office in Astana",
    "KG": "OSCE Programme Office in Bishkek",
    "TJ": "OSCE Programme Office in Dushanbe",
    "TM": "OSCE Centre in Ashgabat",
    "UZ": "OSCE Project Co-ordinator in Uzbekistan",
}
AGENCIES = [  # (slug, name pattern, category, roles)
    ("mia", "Ministry of Internal Affairs of {c}", "ministry", "interior"),
    ("mfa", "Ministry of Foreign Affairs of {c}", "ministry", "ministry"),
    ("mlsp", "Ministry of Labour and Social Protection of {c}", "ministry", "ministry"),
    ("moh", "Ministry of Health of {c}", "ministry", "ministry"),
    ("moe", "Ministry of Education of {c}", "ministry", "ministry"),
    ("moj", "Ministry of Justice of {c}", "ministry", "ministry"),
    ("gpo", "General Prosecutor's Office of {c}", "prosecution", "prosecution"),
    ("border", "State Border Service of {c}", "service", "service"),
    ("migration", "State Migration Service of {c}", "service", "service"),
    ("customs", "Customs Service of {c}", "service", "service"),
    ("court", "Supreme Court of {c}", "court", "court"),
    ("parliament", "Parliament of {c}", "parliament", "parliament"),
    ("ombudsman", "Ombudsman of {c}", "ombudsman", "ombudsman"),
    ("security", "State Committee for National Security of {c}", "service", "service"),
]
DEPARTMENTS = [  # (slug, name pattern, parent agency slug)
    ("atd", "Anti-Trafficking Department of the Ministry of Internal Affairs of {c}", "mia"),
    ("consular", "Consular Service of the Ministry of Foreign Affairs of {c}", "mfa"),
    ("academy", "Academy of the Ministry of Internal Affairs of {c}", "mia"),
    ("victims", "Department for Victim Assistance of the Ministry of Labour of {c}", "mlsp"),
]
ROLES = {
    "interior": ["Minister", "Deputy Minister", "Head of the Anti-Trafficking Unit",
                 "Senior Inspector"],
    "ministry": ["Minister", "Deputy Minister", "Head of Department", "Chief Specialist"],
    "prosecution": ["Prosecutor General", "Deputy Prosecutor General", "Senior Prosecutor"],
    "service": ["Director", "Deputy Director", "Head of Division"],
    "court": ["Chairperson", "Judge"],
    "parliament": ["Speaker", "Member of Parliament", "Chair of the Committee on Human Rights"],
    "ombudsman": ["Ombudsman", "Deputy Ombudsman"],
    "international": ["Head of Office", "Programme Officer", "National Programme Co-ordinator",
                      "Regional Adviser"],
    "field-operation": ["Head of Office", "Acting Head", "Political Officer",
                        "Anti-Trafficking Adviser"],
    "donor": ["Country Director", "Programme Manager"],
    "embassy": ["Ambassador", "Deputy Head of Mission", "First Secretary"],
    "ngo": ["Director", "Chairperson", "Lawyer", "Project Co-ordinator"],
    "local": ["Mayor", "Deputy Mayor"],
    "department": ["Head of Department", "Deputy Head", "Senior Officer"],
}  # fmt: skip
NGO_WORDS = [
    "Safe Home", "Sana", "Ariadna", "Nadezhda", "Dignity", "Legal Clinic Adilet", "Tais Plus",
    "Insan Leilek", "Ventus", "Women's Support Centre", "Youth Initiative", "Open Line",
    "Rainbow", "Family and Community", "Migrant Aid", "Road Home", "Bright Future", "Umut",
    "Zhan", "Hope and Freedom", "Equal Rights", "Labour Migrant", "Civic Union", "Shelter",
    "Aruzhan", "Kelechek", "Ishonch", "Oydin", "Istiqbol", "Mehr",
]  # fmt: skip
NGO_FORMS = ["Public Foundation", "Public Association", "Crisis Centre", "NGO"]
NGO_CYRILLIC = [
    "Надежда", "Сана", "Шанс", "Умут", "Ишеним", "Келечек", "Мээрим", "Ариадна", "Доверие",
    "Путь домой", "Равные права", "Женская инициатива", "Свет", "Защита", "Айгерим",
]  # fmt: skip
NGO_CYRILLIC_FORMS = ["Общественный фонд", "Общественное объединение", "Кризисный центр"]
FIRST_NAMES = [
    "Aigul", "Aizhan", "Askar", "Azamat", "Bakyt", "Bermet", "Daniyar", "Dilnoza", "Elmira",
    "Farrukh", "Gulnara", "Gulshan", "Ilhom", "Jamshid", "Kanat", "Lola", "Madina", "Marat",
    "Nargiza", "Nurlan", "Olga", "Rustam", "Saltanat", "Sanjar", "Shakhlo", "Talgat", "Timur",
    "Umida", "Yerlan", "Zarina", "Zhanna", "Anna", "Thomas", "Maria", "Peter", "Sarah", "John",
    "Elena", "Michael", "Irina", "Alexander", "Natalia", "Sergei", "Kairat", "Nodira", "Shukhrat",
]  # fmt: skip
SURNAMES = [
    "Abdrakhmanova", "Akhmetov", "Alimov", "Asanova", "Bekov", "Dzhumabaeva", "Ermekov",
    "Ibragimova", "Isakov", "Juraev", "Kadyrova", "Karimov", "Kasymova", "Mamatov", "Nazarova",
    "Nurmatov", "Omurbekova", "Rakhimov", "Sadykova", "Saidov", "Sultanova", "Tashiev",
    "Toktogulova", "Usmonov", "Yusupova", "Zhakupov", "Ivanova", "Petrov", "Smith", "Müller",
    "Rossi", "Larsen", "Novak", "Kowalski", "Haddad", "Schmidt", "Martin", "Berg", "Fischer",
]  # fmt: skip
FIRST_CYRILLIC = [
    "Айгуль", "Азамат", "Бакыт", "Гульнара", "Динара", "Нурлан", "Ольга", "Рустам", "Салтанат",
    "Тимур", "Жанна", "Марат", "Елена", "Сергей", "Ирина", "Канат",
]  # fmt: skip
SURNAMES_CYRILLIC = [
    "Абдыкеримова", "Ахметов", "Бекова", "Жумабаев", "Исакова", "Каримов", "Касымова",
    "Мамытов", "Назарова", "Садыков", "Токтогулова", "Усенов", "Иванова", "Петров",
]  # fmt: skip
CYRILLIC_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
            "n",
            "o",
            "u",
        ],
        strict=True,
    )
)
TOPICS = [
    "combating trafficking in human beings", "identification of victims of trafficking",
    "the national referral mechanism", "labour exploitation of migrants",
    "investigating trafficking cases", "protecting the rights of victims",
    "prevention of trafficking among young people", "trafficking in children",
    "financial investigations of trafficking", "online recruitment by traffickers",
    "co-operation between law enforcement and civil society", "safe labour migration",
    "assistance to returning migrants", "gender aspects of trafficking",
    "the non-punishment of victims", "cross-border co-operation against trafficking",
]  # fmt: skip
EVENT_TYPES = [
    "roundtable", "workshop", "training course", "conference", "co-ordination meeting",
    "seminar", "simulation exercise", "press event", "expert meeting", "study visit",
]  # fmt: skip
SERIES = [  # (id, name, kind of series, observance month-day or None)
    ("world-day-against-trafficking", "World Day against Trafficking in Persons", "day", (7, 30)),
    ("eu-anti-trafficking-day", "EU Anti-Trafficking Day", "day", (10, 18)),
    ("alliance-conference", "Alliance against Trafficking in Persons Conference", "annual", None),
    ("ca-coordinators-meeting",
     "Annual Meeting of National Anti-Trafficking Co-ordinators of Central Asia", "annual", None),
    ("hdim", "Human Dimension Implementation Meeting", "annual", None),
]  # fmt: skip
MEASURES = [  # (id, name, unit, sentence after the number)
    ("identified-victims", "Identified victims of trafficking", "persons",
     "victims of trafficking were identified in {place} in {year}"),
    ("criminal-cases", "Criminal cases on trafficking opened", "cases",
     "criminal cases on trafficking in persons were opened in {place} in {year}"),
    ("convictions", "Persons convicted of trafficking", "persons",
     "persons were convicted of trafficking offences in {place} in {year}"),
    ("assisted-victims", "Victims of trafficking assisted", "persons",
     "victims of trafficking received assistance in {place} in {year}"),
    ("hotline-calls", "Calls to anti-trafficking hotlines", "calls",
     "calls were made to the anti-trafficking hotline in {place} in {year}"),
    ("trained-officials", "Officials trained on trafficking", "persons",
     "officials were trained on identifying victims in {place} in {year}"),
    ("migrants-abroad", "Citizens working abroad", "persons",
     "citizens of {place} were working abroad in {year}"),
    ("labour-share", "Share of victims trafficked for labour exploitation", "percent",
     "per cent of the victims identified in {place} in {year} had been trafficked for forced "
     "labour"),
    ("shelter-residents", "Persons accommodated in shelters", "persons",
     "persons were accommodated in shelters for victims in {place} in {year}"),
]  # fmt: skip
QUALIFIERS = [("exact", "{v}"), ("approximately", "some {v}"), ("more-than", "more than {v}"),
              ("at-least", "at least {v}")]  # fmt: skip
GROUPS = [
    ("ngos", "NGOs", "representatives of NGOs"),
    ("media", "media representatives", "media representatives"),
    ("civil-society", "civil society representatives", "civil society representatives"),
    ("local-officials", "local government officials", "local government officials"),
    ("students", "students", "students"),
]
QUOTE_OPENINGS = [
    "Trafficking in human beings is a grave violation of human rights",
    "No country can address trafficking in persons alone",
    "Victims must be identified early and treated as victims, not as offenders",
    "Co-operation between state agencies and civil society is the key to prevention",
    "We need to follow the money to dismantle trafficking networks",
    "Labour migrants are particularly vulnerable to exploitation",
    "The national referral mechanism only works if every agency knows its role",
    "Prevention starts in schools and in local communities",
    "Prosecutions remain low compared with the number of victims identified",
    "Our officers need practical skills to recognise the signs of trafficking",
]  # fmt: skip
QUOTE_ENDINGS = [
    "and today's meeting is an important step forward",
    "and we will continue to support our partners in {country}",
    "which is why this {etype} matters",
    "and the new programme gives us the tools to act",
    "so we must share information across borders",
    "and every agency in {country} has a role to play",
]  # fmt: skip

# How much an article says. Tuned so that 10,000 articles come close to the million
# triples while keeping the required shape (1-3 events, 3-15 participants, 1-4 quotes): our
# graph reifies every fact with its evidence, ~18 quads per fact, so articles are kept lean.
# The curated seeds are denser (~830 quads per article): see benchmarks/RESULTS.md.
SHAPE: dict[str, Any] = {
    "events": [88, 10, 2],  # weights of 1, 2, 3 events
    "organisers": [85, 15],  # weights of 1, 2 organisers
    "extra_participants": 1.0,  # mean participants beyond the minimum of 3 (capped at 15)
    "countries": 0.15,  # chance an event lists the countries represented
    "series": 0.15,  # chance an event belongs to a series or marks a day
    "duration": 0.1,
    "funded": 0.1,
    "theme": 0.08,
    "quotes": [75, 19, 4, 2],  # weights of 1-4 quoted officials
    "programme": 0.25,  # chance the article links the event to a programme
    "claims": [60, 32, 6, 2],  # weights of 0-3 claims
}


# ---------------------------------------------------------------- small helpers


def slug(text: str) -> str:
    """An id slug [a-z0-9-] of ``text``; Cyrillic is transliterated so ids stay readable."""
    out = []
    for ch in text.lower():
        if ch in CYRILLIC_LATIN:
            out.append(CYRILLIC_LATIN[ch].strip("-"))
        else:
            out.append(ch)
    ascii_ = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")


def latin(text: str) -> str:
    """A title-cased Latin transliteration of a Cyrillic name (the alias of a Cyrillic name)."""
    return " ".join(
        "".join(CYRILLIC_LATIN.get(c.lower(), c).replace("-", "") for c in word).capitalize()
        for word in text.split()
    )


def long_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' (how the press releases list participants)."""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def ordinal(n: int) -> str:
    words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
    if n <= len(words):
        return words[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Zipf:
    """Draw items with Zipf-like popularity (weight 1/rank^s): a few are everywhere."""

    def __init__(self, items: list[Any], s: float = 1.0) -> None:
        if not items:
            raise ValueError("empty pool")
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(len(items))))

    def one(self, rng: random.Random) -> Any:
        i = bisect.bisect_left(self.cum, rng.random() * self.cum[-1])
        return self.items[min(i, len(self.items) - 1)]

    def some(self, rng: random.Random, k: int, exclude: set[str] = frozenset()) -> list[Any]:  # type: ignore[assignment]
        """k distinct items (fewer if the pool is small), never one whose id is in ``exclude``."""
        k = min(k, len(self.items) - len(exclude))
        chosen: dict[str, Any] = {}
        tries = 0
        while len(chosen) < k and tries < 50 * k:
            item = self.one(rng)
            tries += 1
            if item.id not in exclude:
                chosen.setdefault(item.id, item)
        return list(chosen.values())


@dataclass
class Ent:
    """One registry entity as the generator knows it."""

    id: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    country: str | None = None
    based_in: str | None = None
    category: str | None = None
    iso: str | None = None
    names: list[dict[str, str]] = field(default_factory=list)
    role_family: str | None = None  # which ROLES a person of this organisation holds
    org: str | None = None  # a person's organisation
    role: str | None = None  # a person's post
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"id": self.id, "kind": self.kind, "name": self.name}
        if self.iso:
            rec["iso"] = self.iso
        if self.aliases:
            rec["aliases"] = list(self.aliases)
        if self.names:
            rec["names"] = [dict(n) for n in self.names]
        for key in ("parent", "country", "based_in", "category"):
            if getattr(self, key):
                rec[key] = getattr(self, key)
        return rec


# ---------------------------------------------------------------- the pools


class Pools:
    """Every registry entity, grouped so articles can draw them by role."""

    def __init__(self, n_articles: int, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.all: list[Ent] = []
        self._countries()
        self._cities()
        self._organisations(n_articles)
        self._people(n_articles)
        self._initiatives(n_articles)
        self._series(n_articles)
        self._measures_and_groups()

    def add(self, ent: Ent) -> Ent:
        base, n = ent.id, 2
        while ent.id in self.ids:
            ent.id = f"{base}-{n}"
            n += 1
        self.ids.add(ent.id)
        self.all.append(ent)
        return ent

    def _countries(self) -> None:
        self.country: dict[str, Ent] = {}
        for code in ACTIVE_COUNTRIES + PARTNER_COUNTRIES:
            c = pycountry.countries.get(alpha_2=code)
            name = SHORT_NAMES.get(code, getattr(c, "common_name", None) or c.name)
            aliases = [a for a in (c.name, getattr(c, "official_name", None)) if a and a != name]
            self.country[code] = self.add(
                Ent(slug(name), "Country", name, aliases=sorted(set(aliases)), iso=code)
            )
        self.region = self.add(Ent("central-asia", "Region", "Central Asia"))
        self.countries = Zipf([self.country[c] for c in ACTIVE_COUNTRIES + PARTNER_COUNTRIES], 1.1)

    def _cities(self) -> None:
        self.cities: dict[str, list[Ent]] = {}
        for code, names in CITIES.items():
            self.cities[code] = [
                self.add(Ent(slug(n), "City", n, country=self.country[code].id)) for n in names
            ]
        self.city_zipf = {code: Zipf(cities, 1.3) for code, cities in self.cities.items()}

    def _organisations(self, n_articles: int) -> None:
        rng = self.rng
        orgs: list[Ent] = []
        self.intl = {}
        for oid, name, aliases, cat in INTERNATIONAL:
            fam = "international" if cat == "international" else "donor"
            self.intl[oid] = self.add(
                Ent(oid, "Organization", name, aliases=aliases, category=cat, role_family=fam)
            )
            orgs.append(self.intl[oid])
        self.intl["odihr"].parent = "osce"
        for code, name in FIELD_OFFICES.items():
            capital = self.cities[code][0]
            ent = Ent(
                slug(name), "Organization", name, parent="osce", country=self.country[code].id,
                based_in=capital.id, category="field-operation", role_family="field-operation",
            )  # fmt: skip
            if "Programme Office" in name:  # renamed in 2017, as the real offices were
                old = name.replace("Programme Office in", "Centre in")
                ent.aliases = [old]
                ent.names = [{"name": old, "until": "2017"}, {"name": name, "from": "2017"}]
            orgs.append(self.add(ent))
        for code in CENTRAL_ASIA:
            cname = self.country[code].name
            for oid in ("iom", "unodc", "undp", "unicef"):
                parent = self.intl[oid]
                label = f"{parent.aliases[0] if parent.aliases else parent.name} Office in {cname}"
                orgs.append(
                    self.add(
                        Ent(
                            slug(label), "Organization", label, parent=oid,
                            country=self.country[code].id, based_in=self.cities[code][0].id,
                            category="country-office", role_family="international",
                        )
                    )
                )  # fmt: skip
        self.agency: dict[tuple[str, str], Ent] = {}
        for code in ACTIVE_COUNTRIES:
            cname = self.country[code].name
            for aslug, pattern, cat, fam in AGENCIES:
                name = pattern.format(c=cname)
                ent = Ent(
                    f"{code.lower()}-{aslug}", "Organization", name, country=self.country[code].id,
                    category=cat, role_family=fam,
                )  # fmt: skip
                if code in ADJECTIVES and aslug in ("mia", "mfa"):
                    noun = "Interior Ministry" if aslug == "mia" else "Foreign Ministry"
                    ent.aliases = [f"{ADJECTIVES[code]} {noun}"]
                self.agency[(code, aslug)] = self.add(ent)
                orgs.append(ent)
            for dslug, pattern, parent in DEPARTMENTS:
                name = pattern.format(c=cname)
                orgs.append(
                    self.add(
                        Ent(
                            f"{code.lower()}-{dslug}", "Organization", name,
                            parent=self.agency[(code, parent)].id, country=self.country[code].id,
                            category="department", role_family="department",
                        )
                    )
                )  # fmt: skip
            for city in self.cities.get(code, [])[:3]:
                name = f"Mayor's Office of {city.name}"
                orgs.append(
                    self.add(
                        Ent(
                            slug(name), "Organization", name, country=self.country[code].id,
                            based_in=city.id, category="local-government", role_family="local",
                        )
                    )
                )  # fmt: skip
        for host in CENTRAL_ASIA:
            for donor in ("US", "DE", "GB", "JP", "CH", "NL"):
                dname = self.country[donor].name
                name = f"Embassy of {dname} in {self.country[host].name}"
                orgs.append(
                    self.add(
                        Ent(
                            slug(name), "Organization", name, country=self.country[donor].id,
                            based_in=self.cities[host][0].id, category="embassy",
                            role_family="embassy",
                        )
                    )
                )  # fmt: skip
        # NGOs: the long tail; the pool grows with the corpus so big corpora are not a clique.
        n_ngos = 25 + n_articles // 12
        for i in range(n_ngos):
            code = rng.choice(CENTRAL_ASIA)
            city = rng.choice(self.cities[code])
            if rng.random() < 0.2:
                word = rng.choice(NGO_CYRILLIC)
                name = f"{rng.choice(NGO_CYRILLIC_FORMS)} «{word}»"
                if i >= len(NGO_CYRILLIC):
                    name += f" ({city.name})"
                aliases = [latin(name.replace("«", "").replace("»", ""))]
            else:
                word = rng.choice(NGO_WORDS)
                name = f"{rng.choice(NGO_FORMS)} “{word}”"
                if i >= len(NGO_WORDS) // 2:
                    name += f" of {city.name}"
                aliases = []
            orgs.append(
                self.add(
                    Ent(
                        slug(aliases[0] if aliases else name), "Organization", name,
                        aliases=aliases, country=self.country[code].id, based_in=city.id,
                        category="ngo", role_family="ngo",
                    )
                )
            )  # fmt: skip
        # Popularity: international bodies and field offices first (most quoted), then the rest
        # in a fixed shuffled order so the tail is a mixture of agencies, NGOs and embassies.
        head, tail = (
            orgs[: len(INTERNATIONAL) + len(FIELD_OFFICES)],
            orgs[len(INTERNATIONAL) + len(FIELD_OFFICES) :],
        )
        rng.shuffle(tail)
        self.global_orgs = Zipf(head + tail, 0.9)
        self.org_by_id = {o.id: o for o in orgs}
        # Most organisations at an event are from the country it is held in.
        code_of = {c.id: code for code, c in self.country.items()}
        city_code = {c.id: code for code, cs in self.cities.items() for c in cs}
        local: dict[str, list[Ent]] = {code: [] for code in ACTIVE_COUNTRIES}
        for org in head + tail:
            home = city_code.get(org.based_in or "") or code_of.get(org.country or "")
            if home in local:
                local[home].append(org)
        self.local_orgs = {code: Zipf(items, 0.9) for code, items in local.items()}
        self.orgs = self.global_orgs

    def _people(self, n_articles: int) -> None:
        rng = self.rng
        people: list[Ent] = []
        n_people = 40 + n_articles // 4
        for _ in range(n_people):
            org = self.orgs.one(rng)
            if rng.random() < 0.15:
                name = f"{rng.choice(FIRST_CYRILLIC)} {rng.choice(SURNAMES_CYRILLIC)}"
                aliases = [latin(name)]
            else:
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
                aliases = []
            ent = Ent(slug(aliases[0] if aliases else name), "Person", name, aliases=aliases)
            ent.org = org.id
            ent.role = rng.choice(ROLES[org.role_family or "ngo"])
            people.append(self.add(ent))
        self.people = Zipf(people, 0.8)

    def _initiatives(self, n_articles: int) -> None:
        rng = self.rng
        self.programmes: dict[str, list[Ent]] = {}
        self.plans: dict[str, list[Ent]] = {}
        self.mechanisms: dict[str, Ent] = {}
        self.laws: dict[str, Ent] = {}
        self.platforms: dict[str, Ent] = {}
        periods = [
            (2005, 2007),
            (2008, 2011),
            (2012, 2015),
            (2016, 2019),
            (2020, 2022),
            (2023, 2025),
        ]
        for code in ACTIVE_COUNTRIES:
            cname, cid = self.country[code].name, self.country[code].id
            self.programmes[code], self.plans[code] = [], []
            for start, end in periods:
                name = (
                    f"National Programme against Trafficking in Persons of {cname} "
                    f"for {start}-{end}"
                )
                prog = self.add(
                    Ent(slug(f"{code}-programme-{start}-{end}"), "Programme", name, country=cid)
                )
                prog.extra = {"start": start, "end": end}
                self.programmes[code].append(prog)
                plan_name = f"Action Plan {start}-{end} of {cname} against trafficking in persons"
                plan = self.add(
                    Ent(
                        slug(f"{code}-action-plan-{start}-{end}"),
                        "ActionPlan",
                        plan_name,
                        country=cid,
                    )
                )
                plan.extra = {"start": start, "end": end, "implements": prog.id}
                self.plans[code].append(plan)
            self.mechanisms[code] = self.add(
                Ent(
                    f"{code.lower()}-nrm", "Mechanism", f"National Referral Mechanism of {cname}",
                    aliases=[f"NRM of {cname}"], country=cid,
                )
            )  # fmt: skip
            self.laws[code] = self.add(
                Ent(
                    f"{code.lower()}-trafficking-law", "Law",
                    f"Law of {cname} on Combating Trafficking in Persons", country=cid,
                )
            )  # fmt: skip
            self.platforms[code] = self.add(
                Ent(
                    f"{code.lower()}-platform", "Platform",
                    f"Inter-agency Platform for Action against Trafficking in {cname}", country=cid,
                )
            )  # fmt: skip
        campaigns = [
            "Blue Heart Campaign", "Know Your Rights", "Safe Migration", "Think Before You Go",
            "Stop Trafficking", "Open Your Eyes", "Your Work, Your Rights",
        ]  # fmt: skip
        self.campaigns = Zipf(
            [self.add(Ent(slug(c), "Campaign", c)) for c in campaigns[: 3 + n_articles // 200]], 1.0
        )
        self.rng = rng

    def _series(self, n_articles: int) -> None:
        series: list[Ent] = []
        for sid, name, how, day in SERIES:
            ent = self.add(Ent(sid, "EventSeries", name, category=how))
            ent.extra = {"day": day}
            series.append(ent)
        for code in CENTRAL_ASIA:
            for city in self.cities[code][: 1 + n_articles // 2000]:
                ent = self.add(
                    Ent(
                        slug(f"{city.name} anti-trafficking forum"), "EventSeries",
                        f"{city.name} Anti-Trafficking Forum", category="annual",
                    )
                )  # fmt: skip
                ent.extra = {"day": None, "city": city}
                series.append(ent)
        self.series = Zipf(series, 1.0)

    def _measures_and_groups(self) -> None:
        self.measures = []
        for mid, name, unit, text in MEASURES:
            ent = self.add(Ent(mid, "Measure", name))
            ent.extra = {"unit": unit, "text": text}
            self.measures.append(ent)
        self.measure_zipf = Zipf(self.measures, 0.7)
        self.groups = []
        for gid, name, phrase in GROUPS:
            ent = self.add(Ent(gid, "Group", name))
            ent.extra = {"phrase": phrase}
            self.groups.append(ent)


# ---------------------------------------------------------------- one article


class Article:
    """Builds one article's text sentence by sentence, remembering each sentence to quote it."""

    def __init__(self, pools: Pools, index: int, seed: int, rng: random.Random) -> None:
        self.p, self.rng, self.index = pools, rng, index
        digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]
        self.id = f"{index:05d}_{digest}"
        self.paragraphs: list[list[str]] = []
        self.entities: list[dict[str, Any]] = []
        self.names: dict[str, list[str]] = {}
        self.facts: list[dict[str, Any]] = []
        self.posts: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.posted: set[str] = set()

    # -- text

    def say(self, sentence: str, new_paragraph: bool = False) -> str:
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(sentence)
        return sentence

    def fact(self, s: str | list[str], p: str, o: Any, evidence: str) -> None:
        self.facts.append({"s": s, "p": p, "o": o, "evidence": evidence})

    def call(self, ent: Ent) -> str:
        """The name the text uses for ``ent``: mostly its name, sometimes an alias (recorded)."""
        if ent.aliases and ent.kind == "Organization" and self.rng.random() < 0.25:
            alias = ent.aliases[0]
            if alias not in self.names.setdefault(ent.id, []):
                self.names[ent.id].append(alias)
            return alias
        return ent.name

    def org(self) -> Ent:
        """An organisation: half the time one of the article's country, else from anywhere."""
        if self.rng.random() < 0.5:
            return self.p.local_orgs[self.code].one(self.rng)
        return self.p.global_orgs.one(self.rng)

    def orgs(self, k: int, exclude: set[str]) -> list[Ent]:
        """k distinct organisations, mixed local and global as in ``org``."""
        chosen: dict[str, Ent] = {}
        for _ in range(50 * k):
            if len(chosen) >= k:
                break
            org = self.org()
            if org.id not in exclude:
                chosen.setdefault(org.id, org)
        return list(chosen.values())

    def the(self, ent: Ent) -> str:
        """'the Ministry of ...'; names in Cyrillic or known by an abbreviation take no article."""
        name = self.call(ent)
        if not name.isascii() or name.isupper() or ent.kind != "Organization":
            return name
        return "the " + name

    # -- content

    def build(self) -> None:
        rng, p = self.rng, self.p
        self.code = rng.choices(ACTIVE_COUNTRIES, weights=[8, 8, 7, 6, 4, 1, 1, 1, 1, 1, 1, 1])[0]
        self.country = p.country[self.code]
        day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
        self.date = day
        n_events = rng.choices([1, 2, 3], weights=SHAPE["events"])[0]
        events = [self.event(k, day + timedelta(days=7 * k)) for k in range(n_events)]
        for _ in range(rng.choices([1, 2, 3, 4], weights=SHAPE["quotes"])[0]):
            self.quote(rng.choice(events))
        if rng.random() < SHAPE["programme"]:
            self.programme_facts(events[0])
        for _ in range(rng.choices([0, 1, 2, 3], weights=SHAPE["claims"])[0]):
            self.claim()
        first = events[0]
        self.title = cap(
            f"{first['host_name']} {rng.choice(['hosts', 'holds', 'convenes'])} "
            f"{first['etype']} on {first['topic']} in {first['city'].name}"
        )

    def event(self, k: int, day: date) -> dict[str, Any]:
        rng, p = self.rng, self.p
        code = self.code if rng.random() < 0.85 else rng.choice(CENTRAL_ASIA)
        city = p.city_zipf[code].one(rng)
        etype, topic = rng.choice(EVENT_TYPES), rng.choice(TOPICS)
        series = p.series.one(rng) if rng.random() < SHAPE["series"] else None
        if series is not None and series.extra.get("day"):
            month, dd = series.extra["day"]
            day = date(day.year, month, dd)
        if series is not None and series.extra.get("city"):
            city = series.extra["city"]
        eid = f"event-{self.index:05d}-{k + 1}"
        name = f"{etype.capitalize()} on {topic}, {city.name}, {long_date(day)}"
        self.entities.append({"id": eid, "kind": "Event", "name": name})
        host = self.org()
        host_name = self.the(host)
        d = long_date(day)
        form = rng.randrange(3)
        if form == 0:
            s1 = f"{cap(host_name)} hosted a {etype} on {topic} in {city.name} on {d}."
        elif form == 1:
            s1 = f"In {city.name} on {d}, {host_name} hosted a {etype} on {topic}."
        else:
            s1 = f"On {d}, {host_name} hosted a {etype} on {topic}."
        self.say(s1, new_paragraph=True)
        where = s1
        if form == 2:
            where = self.say(f"The {etype} took place in {city.name}.")
        self.fact(host.id, "hosted", eid, s1)
        self.fact(eid, "startDate", day.isoformat(), s1)
        self.fact(eid, "heldIn", city.id, where)
        if rng.random() < SHAPE["duration"]:
            dur = rng.choice([2, 3])
            s = (
                f"The {['', '', 'two', 'three'][dur]}-day {etype} brought together experts "
                f"from {self.country.name} and abroad."
            )
            self.say(s)
            self.fact(eid, "duration", f"P{dur}D", s)
        organisers = self.orgs(rng.choices([1, 2], weights=SHAPE["organisers"])[0], {host.id})
        s = f"The {etype} was organised by {join_names([self.the(o) for o in organisers])}."
        self.say(s)
        self.fact([o.id for o in organisers], "organised", eid, s)
        n_part = min(15, 3 + int(rng.expovariate(1 / SHAPE["extra_participants"])))
        exclude = {host.id, *(o.id for o in organisers)}
        participants = self.orgs(n_part, exclude)
        groups = [g for g in p.groups if rng.random() < 0.12]
        names = [f"{self.the(o)}" for o in participants]
        names += [g.extra["phrase"] for g in groups]
        s = f"Participants included representatives of {join_names(names)}."
        self.say(s)
        self.fact([o.id for o in participants] + [g.id for g in groups], "participatedIn", eid, s)
        if rng.random() < SHAPE["countries"]:
            others = p.countries.some(rng, rng.randint(1, 3), {self.country.id})
            countries = [self.country, *others]
            s = f"Delegations from {join_names([c.name for c in countries])} attended."
            self.say(s)
            self.fact(eid, "countryRepresented", [c.id for c in countries], s)
        if series is not None:
            n = rng.randint(1, 15)
            if series.category == "day":
                s = f"The {etype} was held to mark the {series.name}."
                self.say(s)
                self.fact(eid, "marks", series.id, s)
            else:
                s = f"It was the {ordinal(n)} {series.name}."
                self.say(s)
                self.fact(eid, "partOfSeries", series.id, s)
                self.fact(eid, "ordinalInSeries", str(n), s)
        if rng.random() < SHAPE["funded"]:
            sponsor = self.org()
            s = f"The event was funded by {self.the(sponsor)}."
            self.say(s)
            self.fact(sponsor.id, "funded", eid, s)
        if rng.random() < SHAPE["theme"]:
            theme = rng.choice(
                ["Leave no one behind", "Use and abuse of technology", "Every victim counts"]
            )
            s = f"This year's theme was “{theme}”."
            self.say(s)
            self.fact(eid, "theme", theme, s)
        return {"id": eid, "etype": etype, "topic": topic, "city": city, "host_name": host_name}

    def quote(self, event: dict[str, Any]) -> None:
        rng, p = self.rng, self.p
        person = p.people.one(rng)
        if person.id in self.posted:
            return  # one post and one quote per person per article keeps the text natural
        self.posted.add(person.id)
        org = p.org_by_id[person.org or ""]
        words = f"{rng.choice(QUOTE_OPENINGS)}, {rng.choice(QUOTE_ENDINGS)}".format(
            country=self.country.name, etype=event["etype"]
        )
        post = f"{person.role} of {self.the(org)}, {person.name}"
        s = f"“{words},” said {post}."
        self.say(s, new_paragraph=True)
        self.posts.append(
            {"person": person.id, "organization": org.id, "role": person.role, "evidence": post}
        )
        self.quotes.append({"speaker": person.id, "at": event["id"], "text": words})

    def programme_facts(self, event: dict[str, Any]) -> None:
        rng, p = self.rng, self.p
        year = self.date.year
        progs = [g for g in p.programmes[self.code] if g.extra["start"] <= year + 1]
        prog = progs[-1] if progs else p.programmes[self.code][0]
        s = f"The {event['etype']} took place within the framework of the {prog.name}."
        self.say(s, new_paragraph=True)
        self.fact(event["id"], "underFramework", prog.id, s)
        plan = next(a for a in p.plans[self.code] if a.extra["implements"] == prog.id)
        drafter = p.agency[(self.code, rng.choice(["mia", "mlsp", "gpo", "mfa"]))]
        s = f"{cap(self.the(drafter))} drafted the {plan.name}, which implements the programme."
        self.say(s)
        self.fact(drafter.id, "drafted", plan.id, s)
        self.fact(plan.id, "implements", prog.id, s)
        roll = rng.random()
        if roll < 0.3:
            mech = p.mechanisms[self.code]
            supporter = self.org()
            s = f"{cap(self.the(supporter))} supported {self.the(mech)}."
            self.say(s)
            self.fact(supporter.id, "supported", mech.id, s)
            if rng.random() < 0.5:
                s = f"The {event['etype']} tested {self.the(mech)} in practice."
                self.say(s)
                self.fact(event["id"], "tested", mech.id, s)
        elif roll < 0.5:
            camp = p.campaigns.one(rng)
            runner = self.org()
            s = f"{cap(self.the(runner))} launched the “{camp.name}” campaign."
            self.say(s)
            self.fact(runner.id, "organised", camp.id, s)
        elif roll < 0.65:
            plat = p.platforms[self.code]
            founder = p.agency[(self.code, "mia")]
            s = f"{cap(self.the(founder))} established the {plat.name}."
            self.say(s)
            self.fact(founder.id, "established", plat.id, s)
        elif roll < 0.75:
            law = p.laws[self.code]
            s = f"Participants discussed amendments to the {law.name}."
            self.say(s)
            self.fact(event["id"], "concerns", law.id, s)

    def claim(self) -> None:
        rng, p = self.rng, self.p
        measure = p.measure_zipf.one(rng)
        unit = measure.extra["unit"]
        value = rng.randint(5, 95) if unit == "percent" else int(rng.lognormvariate(5, 1.4)) + 1
        qualifier, pattern = rng.choice(QUALIFIERS)
        year = max(2005, self.date.year - rng.choice([0, 1, 1, 2]))
        number = pattern.format(v=f"{value:,}")
        statement = measure.extra["text"].format(place=self.country.name, year=year)
        if rng.random() < 0.6:
            person = p.people.one(rng)
            source, source_name = person, person.name
        else:
            source = self.org()
            source_name = self.the(source)
        s = f"According to {source_name}, {number} {statement}."
        self.say(s, new_paragraph=rng.random() < 0.5)
        cid = f"{measure.id}-{len(self.claims) + 1}"
        self.claims.append(
            {
                "id": cid, "measure": measure.id, "value": str(value), "unit": unit,
                "qualifier": qualifier, "attributed_to": [source.id], "about": [self.country.id],
                "period": {"start": str(year), "end": str(year)}, "evidence": s,
            }
        )  # fmt: skip

    # -- output

    def text(self) -> str:
        return self.title + "\n" + "\n".join(" ".join(par) for par in self.paragraphs) + "\n"

    def curation(self) -> dict[str, Any]:
        d = self.date
        first_sentence = self.paragraphs[0][0]
        quoted = long_date(d)
        article: dict[str, Any] = {"title": self.title, "date": d.isoformat()}
        if quoted in first_sentence:
            article |= {"date_basis": "event", "date_evidence": f"on {quoted}"}
            if f"on {quoted}" not in first_sentence:
                article["date_evidence"] = quoted
        else:  # the dateline carries the date
            self.paragraphs.insert(0, [f"{self.city_line()}, {quoted}."])
            article |= {"date_basis": "published", "date_evidence": quoted}
        doc: dict[str, Any] = {"article": article}
        if self.entities:
            doc["entities"] = self.entities
        if self.names:
            doc["names"] = {k: v[0] if len(v) == 1 else v for k, v in sorted(self.names.items())}
        doc["facts"] = self.facts
        for key in ("posts", "quotes", "claims"):
            if getattr(self, key):
                doc[key] = getattr(self, key)
        return doc

    def city_line(self) -> str:
        return self.p.cities[self.code][0].name.upper()


# ---------------------------------------------------------------- YAML writing
# A small emitter rather than yaml.dump: every string is double-quoted (JSON escapes are valid
# YAML), so YAML 1.1 never reinterprets a value and the output is byte-stable and fast.


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def to_yaml(value: Any, indent: int = 0) -> str:
    lines: list[str] = []
    _emit(value, indent, lines)
    return "\n".join(lines) + "\n"


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict):
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            elif isinstance(item, list) and all(not isinstance(x, (dict, list)) for x in item):
                out.append(f"{pad}{key}: [{', '.join(_scalar(x) for x in item)}]")
            elif isinstance(item, list):
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                sub: list[str] = []
                _emit(item, indent + 2, sub)
                sub[0] = f"{pad}- {sub[0][indent + 2 :]}"
                out.extend(sub)
            else:
                out.append(f"{pad}- {_scalar(item)}")
    else:
        out.append(pad + _scalar(value))


# ---------------------------------------------------------------- the tree


def generate(n_articles: int, seed: int, out: Path) -> dict[str, int]:
    """Write the project tree for ``n_articles`` into ``out``; returns counts for the summary."""
    rng = random.Random(seed)
    pools = Pools(n_articles, rng)
    seeds = out / "seeds"
    for sub in ("articles", "curation"):
        (seeds / sub).mkdir(parents=True, exist_ok=True)
    counts = {"articles": 0, "facts": 0, "posts": 0, "quotes": 0, "claims": 0}
    for i in range(n_articles):
        art = Article(pools, i, seed, random.Random(f"{seed}:{i}"))
        art.build()
        doc = art.curation()  # may add a dateline, so before text()
        (seeds / "articles" / f"{art.id}.txt").write_text(art.text(), encoding="utf-8")
        header = f"# Synthetic article {i} (benchmarks/synth.py --seed {seed}).\n"
        (seeds / "curation" / f"{art.id}.yaml").write_text(header + to_yaml(doc), encoding="utf-8")
        counts["articles"] += 1
        counts["facts"] += len(art.facts)
        for key in ("posts", "quotes", "claims"):
            counts[key] += len(getattr(art, key))
    registry = {"entities": [e.record() for e in pools.all]}
    header = f"# Synthetic registry (benchmarks/synth.py --articles {n_articles} --seed {seed}).\n"
    (seeds / "entities.yaml").write_text(header + to_yaml(registry), encoding="utf-8")
    counts["entities"] = len(pools.all)
    for sub in ("ontology", "queries"):
        src = REPO / sub
        if src.is_dir():
            shutil.copytree(src, out / sub, dirs_exist_ok=True)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="project directory to write")
    parser.add_argument(
        "--force", action="store_true", help="replace seeds/ if OUT already holds a project"
    )
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    seeds = args.out / "seeds"
    if seeds.exists():
        if not args.force:
            print(f"error: {seeds} already exists (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(seeds)
    counts = generate(args.articles, args.seed, args.out)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
