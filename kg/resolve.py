"""Turn what a person types (an id, a label or an alias) into one entity IRI.

Shared by the CLI (`kg path A B`, `--focus`) and the query service. The names are read from
the store with a fixed query and matched in Python, so user text never enters SPARQL.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from kg.vocab import BASE

_NAMES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX kg: <https://kg.invalid/ns#>
SELECT DISTINCT ?e ?label ?name ?mention WHERE {
  ?e rdfs:label ?label .
  FILTER(STRSTARTS(STR(?e), "https://kg.invalid/id/"))
  OPTIONAL {
    { ?e skos:altLabel ?name } UNION { ?e kg:nameRecord/kg:name ?name }
    UNION { ?m kg:mentionOf ?e ; kg:name ?mention }
  }
}
"""


class ResolveError(ValueError):
    """The text names no entity, or more than one; the message says which and what is close."""


@dataclass(frozen=True)
class EntityName:
    """One entity with every name it is known by."""

    iri: str
    entity_id: str
    label: str
    names: tuple[str, ...]  # registry aliases and names over time
    mentions: tuple[str, ...] = ()  # how articles wrote it: too local to resolve by, suggested


def _fold(text: str) -> str:
    """Case- and width-insensitive key: 'МВД', 'мвд' and 'MВД ' compare equal."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def entity_names(store: ox.Store) -> list[EntityName]:
    """Every entity with its label and other names, sorted by id."""
    labels: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    mentions: dict[str, set[str]] = {}
    for row in store.query(_NAMES_QUERY, use_default_graph_as_union=True):
        iri = row["e"].value
        labels.setdefault(iri, row["label"].value)
        names.setdefault(iri, set())
        mentions.setdefault(iri, set())
        if row["name"] is not None:
            names[iri].add(row["name"].value)
        if row["mention"] is not None:
            mentions[iri].add(row["mention"].value)
    prefix = f"{BASE}id/"
    return [
        EntityName(
            iri,
            iri[len(prefix) :],
            labels[iri],
            tuple(sorted(names[iri])),
            tuple(sorted(mentions[iri] - names[iri] - {labels[iri]})),
        )
        for iri in sorted(labels)
    ]


def resolve_entity(store: ox.Store, text: str) -> str:
    """The IRI of the one entity whose id, IRI, label or alias is `text` (case-insensitive).

    How a single article wrote a name ("the Interior Ministry") is not enough to resolve by:
    such names are offered as suggestions only.

    Raises ResolveError listing the candidates when several entities share the name, or the
    closest names when none matches.
    """
    return resolve_in(entity_names(store), text)


def resolve_in(entities: list[EntityName], text: str) -> str:
    """resolve_entity over names already read (resolving many arguments reads the store once)."""
    wanted = text.strip()
    if not wanted:
        raise ResolveError("empty entity name")
    by_iri = {e.iri: e for e in entities}
    if wanted in by_iri:
        return wanted
    if wanted.startswith("id:"):
        wanted = wanted[3:]
    for e in entities:
        if e.entity_id == wanted:
            return e.iri
    key = _fold(wanted)
    hits = [e for e in entities if _fold(e.label) == key]
    if not hits:
        hits = [e for e in entities if any(_fold(n) == key for n in e.names)]
    if len(hits) == 1:
        return hits[0].iri
    if hits:
        listing = "; ".join(f"{e.entity_id} ({e.label})" for e in hits)
        raise ResolveError(f"'{text}' is ambiguous: it names {listing}. Use an id.")
    written = [e for e in entities if any(_fold(n) == key for n in e.mentions)]
    if written:
        listing = "; ".join(f"{e.entity_id} ({e.label})" for e in written)
        raise ResolveError(
            f"'{text}' is not a name in the registry, only how articles write {listing}. "
            "Use the id or the full name."
        )
    raise ResolveError(f"no entity is called '{text}'." + _suggest(entities, key))


def _suggest(entities: list[EntityName], key: str) -> str:
    """' Did you mean: …?' with up to five close names, or '' when nothing is close."""
    choices: dict[str, str] = {}
    for e in entities:
        for name in (e.entity_id, e.label, *e.names, *e.mentions):
            choices.setdefault(_fold(name), f"{e.entity_id} ({e.label})")
    # WRatio's partial matching makes any one-letter text 'close' to everything: short text
    # is compared whole
    scorer = fuzz.WRatio if len(key) >= 4 else fuzz.QRatio
    found = process.extract(key, list(choices), scorer=scorer, limit=15, score_cutoff=60)
    seen: list[str] = []
    for name, _score, _idx in found:
        shown = choices[name]
        if shown not in seen:
            seen.append(shown)
    return f" Did you mean: {'; '.join(seen[:5])}?" if seen else ""


__all__ = ["EntityName", "ResolveError", "entity_names", "resolve_entity", "resolve_in"]
