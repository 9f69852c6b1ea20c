"""A strict YAML reader for hand-written curation files.

Every scalar is returned as text (or None for an empty value), so the schema, not YAML 1.1's
implicit typing, decides what a value means: ``NO`` stays "NO", ``1:20`` stays "1:20" and
``2015-03-18`` is checked as a date later. Duplicate keys, anchors/aliases (alias bombs) and tags
are refused, each with its line number. PyYAML's event stream is used because it carries marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # the C parser is several times faster on large corpora
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from kg.problems import Problems

Path_ = tuple[str | int, ...]
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass
class YamlDoc:
    """The plain data of one file and the line of every value in it (keyed by its path)."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: Path_) -> int | None:
        """Line of the deepest known value on ``loc`` (pydantic error locations fit here)."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


class _Refused(Exception):
    def __init__(self, line: int, message: str, hint: str | None = None):
        self.line, self.message, self.hint = line, message, hint


def read_yaml(path: Path, problems: Problems, display: str | None = None) -> YamlDoc | None:
    """Read ``path``; on any problem record it in ``problems`` and return None."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(name, None, f"cannot read file: {exc.strerror}")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(name, line, "file is not UTF-8 text", "save the file as UTF-8")
        return None
    return parse_yaml(text, path, problems, name)


def parse_yaml(text: str, path: Path, problems: Problems, name: str) -> YamlDoc | None:
    """Parse YAML text read from ``path``; on any problem record it and return None."""
    doc = YamlDoc(path, None)
    try:
        doc.data = _build(yaml.parse(text, Loader=_Loader), doc.lines)
    except _Refused as exc:
        problems.add(name, exc.line, exc.message, exc.hint)
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problems.add(name, line, f"malformed YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.add(name, None, f"malformed YAML: {exc}")
        return None
    return doc


def _build(events: Any, lines: dict[Path_, int]) -> Any:
    """Turn the event stream into dicts, lists, str and None, refusing what we do not accept."""
    stack: list[tuple[Any, Path_, list[Any]]] = []  # (container, path, [pending key, key line])
    root: Any = None
    documents = 0

    def place(value: Any, line: int) -> Path_:
        nonlocal root
        if not stack:
            root = value
            lines[()] = line
            return ()
        container, cpath, pending = stack[-1]
        if isinstance(container, list):
            vpath = (*cpath, len(container))
            container.append(value)
            lines[vpath] = line
            return vpath
        key = pending[0]
        vpath = (*cpath, key)
        container[key] = value
        pending[0] = _NO_KEY
        return vpath

    for event in events:
        line = event.start_mark.line + 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(line, "more than one YAML document in the file")
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(line, "YAML aliases (*name) are not allowed", "write the value out")
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            if event.anchor is not None:
                raise _Refused(line, f"YAML anchors (&{event.anchor}) are not allowed")
            if event.tag is not None and event.tag != "!":
                raise _Refused(
                    line, f"YAML tags ({event.tag}) are not allowed", "quote the value instead"
                )
        if isinstance(event, yaml.ScalarEvent):
            plain = event.implicit[0]  # True for unquoted scalars
            value = None if (plain and event.value in _NULLS) else event.value
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2][0] is _NO_KEY:
                container, cpath, pending = stack[-1]
                if value is None:
                    raise _Refused(line, "empty mapping key")
                if value in container:
                    first = lines.get((*cpath, value))
                    raise _Refused(
                        line,
                        f"duplicate key '{value}'" + (f" (first at line {first})" if first else ""),
                        "each key may appear once in a mapping",
                    )
                pending[0] = value
                lines[(*cpath, value)] = line
                continue
            place(value, line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if stack and isinstance(stack[-1][0], dict) and stack[-1][2][0] is _NO_KEY:
                raise _Refused(line, "a mapping key must be plain text")
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            vpath = place(container, line)
            stack.append((container, vpath, [_NO_KEY]))
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
    return root


class _NoKey:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<no key>"


_NO_KEY = _NoKey()
