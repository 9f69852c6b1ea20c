"""The kg vocabulary and the IRIs the build mints.

The vocabulary is declared once, in ontology/kg.ttl; this module mirrors its terms so a typo
in Python is an error (``_fail = True``), and tests/test_vocab.py keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

BASE = "https://kg.invalid/"
NS = BASE + "ns#"
ONTOLOGY_PATH = Path(__file__).resolve().parent.parent / "ontology" / "kg.ttl"
SHAPES_PATH = ONTOLOGY_PATH.with_name("shapes.ttl")


class KG(DefinedNamespace):
    """Terms of ontology/kg.ttl."""

    _NS = Namespace(NS)
    _fail = True

    # classes
    ActionPlan: URIRef
    Agent: URIRef
    Agreement: URIRef
    Article: URIRef
    Assertion: URIRef
    Campaign: URIRef
    City: URIRef
    Claim: URIRef
    DateValue: URIRef
    Country: URIRef
    Document: URIRef
    Entity: URIRef
    Event: URIRef
    EventSeries: URIRef
    EvidenceSpan: URIRef
    Group: URIRef
    Initiative: URIRef
    Instrument: URIRef
    Law: URIRef
    Measure: URIRef
    Mechanism: URIRef
    Membership: URIRef
    Mention: URIRef
    NameRecord: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Platform: URIRef
    Programme: URIRef
    Quotation: URIRef
    Region: URIRef
    # properties
    amends: URIRef
    attributedTo: URIRef
    basedIn: URIRef
    category: URIRef
    claimDate: URIRef
    concerns: URIRef
    country: URIRef
    curationRelation: URIRef
    countryRepresented: URIRef
    dateBasis: URIRef
    datePrecision: URIRef
    dateEvidence: URIRef
    drafted: URIRef
    duration: URIRef
    endDate: URIRef
    established: URIRef
    evaluated: URIRef
    evidence: URIRef
    foresees: URIRef
    funded: URIRef
    heldIn: URIRef
    hosted: URIRef
    implements: URIRef
    iso3166Alpha2: URIRef
    iso3166Alpha3: URIRef
    locatedIn: URIRef
    marks: URIRef
    measure: URIRef
    mentionOf: URIRef
    name: URIRef
    nameRecord: URIRef
    note: URIRef
    ordinalInSeries: URIRef
    organised: URIRef
    partOfSeries: URIRef
    participatedIn: URIRef
    periodEnd: URIRef
    periodStart: URIRef
    qualifier: URIRef
    reportedOn: URIRef
    roleTitle: URIRef
    saidAt: URIRef
    sha256: URIRef
    sourceFile: URIRef
    speaker: URIRef
    speakerPost: URIRef
    startDate: URIRef
    statedIn: URIRef
    statement: URIRef
    subOrganizationOf: URIRef
    supported: URIRef
    tested: URIRef
    theme: URIRef
    underFramework: URIRef
    unit: URIRef
    validFrom: URIRef
    validUntil: URIRef
    value: URIRef
    # derived (kg/derived.py): summaries the build computes, not curated facts
    articleCount: URIRef
    basis: URIRef
    entityCount: URIRef
    factCount: URIRef
    firstClaim: URIRef
    firstSeen: URIRef
    firstSeenIn: URIRef
    firstSeenYear: URIRef
    lastSeenYear: URIRef
    pairOrder: URIRef
    secondClaim: URIRef
    singleSourceFrom: URIRef
    sourceCount: URIRef


# Namespaces of the aligned W3C vocabularies, and the prefixes written into every output.
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

PREFIXES: dict[str, str] = {
    "kg": NS,
    "id": BASE + "id/",
    "art": BASE + "article/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "oa": str(OA),
}


def entity_iri(entity_id: str) -> str:
    """IRI of a registry entity; stable because ids never change when names do."""
    return f"{BASE}id/{entity_id}"


def article_iri(article_id: str) -> str:
    """IRI of a source article."""
    return f"{BASE}article/{article_id}"


def graph_iri(name: str) -> str:
    """IRI of a named graph: an article id, or ``registry`` / ``ontology``."""
    return f"{BASE}graph/{name}"


REGISTRY_GRAPH = graph_iri("registry")
ONTOLOGY_GRAPH = graph_iri("ontology")


def entity_id_of(iri: str) -> str | None:
    """The registry id behind an entity IRI, or None if the IRI is not an entity's."""
    prefix = f"{BASE}id/"
    return iri[len(prefix) :] if iri.startswith(prefix) else None
