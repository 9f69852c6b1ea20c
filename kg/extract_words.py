"""The word lists the extraction rules read names by: head nouns that make a phrase an
organisation, a programme or a law; post titles; connectors inside names; speech verbs;
numbers and ordinals in words. General English of press releases, not names from any article.
"""

from __future__ import annotations

from kg.extract_dates import MONTHS

ORG_HEADS = {
    "ministry",
    "service",
    "office",
    "centre",
    "center",
    "organization",
    "organisation",
    "department",
    "agency",
    "committee",
    "council",
    "parliament",
    "embassy",
    "bureau",
    "commission",
    "customs",
    "registry",
    "union",
    "court",
    "police",
    "secretariat",
    "directorate",
    "inspectorate",
    "foundation",
    "association",
    "institute",
    "university",
    "fund",
    "coalition",
    "mission",
    "authority",
    "administration",
    "assembly",
    "procuracy",
    "government",
    "prosecutor’s office",
    "unit",
    "division",
    "guard",
    "guards",
    "network",
    "troops",
    "forces",
}
KIND_HEADS = {
    "programme": "Programme",
    "program": "Programme",
    "strategy": "Programme",
    "plan": "ActionPlan",
    "platform": "Platform",
    "mechanism": "Mechanism",
    "campaign": "Campaign",
    "law": "Law",
    "code": "Law",
    "act": "Law",
    "constitution": "Law",
    "convention": "Agreement",
    "protocol": "Agreement",
    "memorandum": "Agreement",
    "agreement": "Agreement",
    "treaty": "Agreement",
    "guidelines": "Document",
    "declaration": "Document",
    "report": "Document",
    "concept": "Document",
    "resolution": "Document",
}
TITLE_WORDS = {
    "head",
    "minister",
    "coordinator",
    "co-ordinator",
    "officer",
    "secretary",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "ambassador",
    "representative",
    "deputy",
    "adviser",
    "advisor",
    "specialist",
    "expert",
    "president",
    "chief",
    "commissioner",
    "consultant",
    "manager",
    "ombudsman",
    "spokesperson",
    "envoy",
    "attaché",
    "analyst",
    "prosecutor",
}
# Head words that name an organisation on their own ("representatives of the Parliament").
STANDALONE_HEADS = {"parliament", "customs", "police", "procuracy"}
# Lower-case head words that still belong to a capitalised name ("General Prosecutor’s office").
LOWER_IN_NAME = {"office", "service", "ministry", "centre", "department", "mission"}
CONNECTORS = {"of", "on", "for", "and", "in", "against", "under", "the", "de"}
# Capitalised words that open sentences or titles without naming anything.
FUNCTION_WORDS = {
    word
    for line in (
        "the a an this that these those its their our his her",
        "some also all both each every in on at by for from",
        "with as during according thanks notably between after before while when since",
        "under it they we he she to and but of today yesterday",
        "however meanwhile moreover participants opportunities",
    )
    for word in line.split()
}
# Capitalised words that are never part of a name: months, days, honorifics.
HONORIFICS = {"Mr", "Ms", "Mrs", "Dr", "Prof", "Mme", "Sir"}
NOT_NAMES = (
    set(MONTHS)
    | HONORIFICS
    | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)
SPEECH_VERBS = (
    r"said|says|noted|added|stated|stressed|emphasi[sz]ed|explained|told|underlined|remarked|"
    r"highlighted|pointed out|raised|observed|announced|declared"
)
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
