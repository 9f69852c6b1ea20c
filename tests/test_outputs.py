"""Writing the output files with the pieces of unchanged graphs copied from the last build's
files gives the bytes of writing every piece, separators and empty pieces included."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg.outputs import OUTPUTS, Chunks, Previous, describe, piece_lengths, write_outputs


def _graphs(rng: random.Random, names: list[str]) -> dict[str, Chunks]:
    def piece(name: str, field: str) -> bytes:
        if rng.random() < 0.2:
            return b""  # a graph with nothing for that output (an empty graph, say)
        return f"{name}:{field}:{rng.random()}\n".encode() * rng.randint(1, 3)

    return {n: Chunks(*(piece(n, f) for f in Chunks.FIELDS[:4])) for n in names}


def _write(out: Path, order: list[str], graphs: dict[str, Chunks]) -> dict[str, bytes]:
    for filename, temp in write_outputs(out, (graphs[n] for n in order)).items():
        temp.replace(out / filename)
    return {o.filename: (out / o.filename).read_bytes() for o in OUTPUTS}


@pytest.mark.parametrize("kernel", [True, False], ids=["copy_file_range", "buffer"])
@pytest.mark.parametrize("seed", range(20))
def test_copied_pieces_give_the_same_bytes(
    tmp_path: Path, seed: int, kernel: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not kernel:
        monkeypatch.delattr("os.copy_file_range", raising=False)
    rng = random.Random(seed)
    names = [f"g{i:02d}" for i in range(rng.randint(0, 12))]
    graphs = _graphs(rng, names)
    old = tmp_path / "old"
    old.mkdir()
    _write(old, names, graphs)
    described = describe(old, names)

    # the next build: some graphs changed, some removed, some added
    changed = {n for n in names if rng.random() < 0.3}
    kept = [n for n in names if rng.random() < 0.85]
    added = [f"g{i:02d}b" for i in range(rng.randint(0, 3))]
    order = sorted(kept + added)
    now = {**graphs, **_graphs(rng, [*changed, *added, "last"])}
    (tmp_path / "full").mkdir()
    expected = _write(tmp_path / "full", [*order, "last"], now)

    previous = Previous.open(old, described, {n: piece_lengths(graphs[n]) for n in names})
    assert previous is not None
    new = tmp_path / "new"
    new.mkdir()
    items = [n if n in graphs and n not in changed else now[n] for n in order]
    temps = write_outputs(new, items, previous, last=lambda: now["last"])  # as kg.derived's
    previous.close()
    assert {f: p.read_bytes() for f, p in temps.items()} == expected


def test_previous_files_not_as_recorded_are_not_used(tmp_path: Path) -> None:
    graphs = _graphs(random.Random(1), ["a", "b"])
    _write(tmp_path, ["a", "b"], graphs)
    described = describe(tmp_path, ["a", "b"])
    lengths = {n: piece_lengths(c) for n, c in graphs.items()}
    assert Previous.open(tmp_path, described, lengths) is not None
    assert Previous.open(tmp_path, described, {"a": lengths["a"]}) is None  # a length unknown
    wrong = {**lengths, "a": tuple(n + 1 for n in lengths["a"])}
    assert Previous.open(tmp_path, described, wrong) is None  # does not add up to the size
    (tmp_path / "kg.ttl").write_bytes((tmp_path / "kg.ttl").read_bytes() + b"#\n")
    assert Previous.open(tmp_path, described, lengths) is None  # changed since
