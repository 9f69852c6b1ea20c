"""The last build's entity table, kept in the build cache for rebuilds that change no entity.

Every build needs every entity definition (an article may refer to any of them). Read from the
files, that is the registry's YAML, each article's `entities:` section, all of them validated
and checked against each other, and a digest of all of them: ~0.8 s at 10,000 articles, on
every rebuild. But any change to an entity definition rebuilds every article anyway (the
digest of all definitions is part of every graph's key), so a rebuild that costs seconds
rather than a minute is one in which no definition changed: the table is then exactly the one
the last build checked. It is kept as JSON beside the cache index, under that digest, and used
when the registry is the same bytes and every changed, added or removed article defines exactly
what it defined before; definitions are made into models only when looked up.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from kg import models
from kg.atomic import write_bytes

FILE = "entities.json"
_TABLE = TypeAdapter(dict[str, models.Entity])


class EntityTable(Mapping[str, models.Entity]):
    """Entity definitions as stored (plain JSON data), validated into models when first looked
    up: a one-article rebuild looks up a few dozen of ~15,000."""

    def __init__(self, raw: dict[str, dict[str, Any]]) -> None:
        self.raw = raw
        self.made: dict[str, models.Entity] = {}

    def __getitem__(self, eid: str) -> models.Entity:
        entity = self.made.get(eid)
        if entity is None:
            entity = self.made[eid] = models.Entity.model_validate(self.raw[eid])
        return entity

    def __contains__(self, eid: object) -> bool:
        return eid in self.raw

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def stored(entity: models.Entity) -> dict[str, Any]:
    """An entity as the table stores it."""
    return entity.model_dump(mode="json", by_alias=True, exclude_defaults=True)


def save(
    folder: Path, key: str, entities: Mapping[str, models.Entity], origin: dict[str, str]
) -> None:
    """Keep a build's table (``key``: the digest of every definition, kg.build) for the next."""
    table = _TABLE.dump_json(dict(entities), by_alias=True, exclude_defaults=True)
    owners = json.dumps(origin, sort_keys=True, separators=(",", ":")).encode()
    key_json = json.dumps(key).encode()
    data = b'{"key":' + key_json + b',"origin":' + owners + b',"entities":' + table + b"}\n"
    write_bytes(folder / FILE, data)


def load(folder: Path, key: str) -> tuple[EntityTable, dict[str, str]] | None:
    """The table kept under ``key``, or None when there is none (or another build's)."""
    try:
        data = json.loads((folder / FILE).read_bytes())
        if data["key"] != key:
            return None
        entities, origin = data["entities"], data["origin"]
        if not isinstance(entities, dict) or not isinstance(origin, dict):
            return None
        if set(entities) != set(origin):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return EntityTable(entities), origin
