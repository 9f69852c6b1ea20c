"""The draft document `kg suggest` writes, and its YAML.

Emitted by hand rather than by a YAML library so the draft can carry comments (the registry
name and score behind each matched name), keep a stable key order, and quote every string a
YAML 1.1 reader could misread (NO, 1:20, 2015-03-18, on) — a draft must read back exactly as
it was meant, through the strict loader of kg.yamlread.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg import models
from kg.problems import Problems
from kg.yamlread import read_yaml


@dataclass
class Draft:
    """Everything `kg suggest` proposes for one article, ready to render as YAML."""

    article_id: str
    article: dict[str, Any]
    entities: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict)
    name_notes: dict[str, str] = field(default_factory=dict)
    facts: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------- YAML

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_YAML11_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}


def scalar(value: Any) -> str:
    """A YAML scalar no YAML 1.1 or 1.2 reader misreads: plain only for simple words."""
    if value is True:
        return "true"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, float):
        return repr(value)
    s = str(value)
    if _PLAIN.match(s) and s.lower() not in _YAML11_WORDS:
        return s
    quoted = json.dumps(s, ensure_ascii=False)
    for ch, esc in (("\u2028", "\\L"), ("\u2029", "\\P"), ("\u0085", "\\N")):
        quoted = quoted.replace(ch, esc)
    return quoted


_REVIEW_KEYS = ("suggested", "score", "note")


def _item(lines: list[str], item: dict[str, Any]) -> None:
    first = True
    ordered = [k for k in item if k not in _REVIEW_KEYS] + [k for k in _REVIEW_KEYS if k in item]
    for key in ordered:
        value = item[key]
        lead = "  - " if first else "    "
        first = False
        if isinstance(value, list):
            lines.append(f"{lead}{key}: [{', '.join(scalar(v) for v in value)}]")
        elif isinstance(value, dict):
            inner = ", ".join(f"{k}: {scalar(v)}" for k, v in value.items())
            lines.append(f"{lead}{key}: {{{inner}}}")
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")


def render(draft: Draft) -> str:
    """The draft as YAML text, deterministic for the same article and registry."""
    lines = [
        f"# Draft written by `kg suggest {draft.article_id}`: every item marked `suggested: true`",
        "# is a machine's reading. Check each against the article, fix or delete it, then remove",
        "# its `suggested` line. `kg check` lists what is left; docs/curation.md walks through it.",
        "",
        "article:",
    ]
    for key, value in draft.article.items():
        lines.append(f"  {key}: {scalar(value)}")
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        ("entities", draft.entities),
    ]
    for name, items in sections:
        if items:
            lines += ["", f"{name}:"]
            for it in items:
                _item(lines, it)
    if draft.names:
        lines += ["", "names:"]
        for eid, names in draft.names.items():
            note = draft.name_notes.get(eid)
            comment = f"  # {note}" if note else ""
            lines.append(f"  {eid}: [{', '.join(scalar(n) for n in names)}]{comment}")
    for name, items in (
        ("facts", draft.facts),
        ("posts", draft.posts),
        ("quotes", draft.quotes),
        ("claims", draft.claims),
    ):
        if items:
            lines += ["", f"{name}:"]
            for it in items:
                _item(lines, it)
    return "\n".join(lines) + "\n"


def validate(text: str) -> models.ArticleCuration:
    """Read rendered YAML back through the loader's strict model (the schema a draft must pass)."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as fh:
        fh.write(text)
        tmp = Path(fh.name)
    try:
        problems = Problems()
        doc = read_yaml(tmp, problems)
        problems.raise_if_any()
        assert doc is not None
        return models.ArticleCuration.model_validate(doc.data)
    finally:
        tmp.unlink(missing_ok=True)
