"""The strict reader: text in, text out; every YAML trap is an error with its line."""

from pathlib import Path

import pytest

from kg.problems import Problems
from kg.yamlread import read_yaml


def read(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    doc = read_yaml(path, problems, "f.yaml")
    return (doc.data if doc else None), [str(p) for p in problems.items]


def test_yaml_11_surprises_stay_text(tmp_path: Path) -> None:
    data, problems = read(tmp_path, "country: NO\ntime: 1:20\nday: 2015-03-18\nflag: yes\n")
    assert problems == []
    assert data == {"country": "NO", "time": "1:20", "day": "2015-03-18", "flag": "yes"}


def test_empty_and_tilde_are_null_but_quoted_null_is_text(tmp_path: Path) -> None:
    data, _ = read(tmp_path, "a:\nb: ~\nc: 'null'\n")
    assert data == {"a": None, "b": None, "c": "null"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml:3: duplicate key 'a' (first at line 1)"),
        ("a: &x [1]\nb: *x\n", "f.yaml:1: YAML anchors (&x) are not allowed"),
        ("a: [1]\nb: *x\n", "f.yaml:2: "),
        ("a: !!python/object/apply:os.system [ls]\n", "f.yaml:1: YAML tags"),
        ("a: !!str 5\n", "f.yaml:1: YAML tags"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2: malformed YAML"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2: more than one YAML document"),
    ],
)
def test_refused_constructs_name_their_line(tmp_path: Path, text: str, expected: str) -> None:
    data, problems = read(tmp_path, text)
    assert data is None
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    data, problems = read(tmp_path, bomb)
    assert data is None
    assert "anchors" in problems[0]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: ok\nb: \xff\xfe\n")
    problems = Problems()
    assert read_yaml(path, problems, "f.yaml") is None
    assert str(problems.items[0]).startswith("f.yaml:2: file is not UTF-8")
