"""The stage benchmark harness: real figures per stage, missing modules reported, not fatal."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load("bench_stages")
synth = _load("synth")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "project"
    synth.generate(8, 5, out)
    return out


def test_runs_stages_in_child_processes_and_writes_markdown(project: Path, tmp_path: Path) -> None:
    md = tmp_path / "out.md"
    argv = ["--project", str(project), "--stages", "curation,graphs,render", "--markdown", str(md)]
    argv += ["--workdir", str(tmp_path / "work")]
    assert bench.main(argv) == 0
    text = md.read_text()
    assert "| curation load + validation |" in text
    rows = [line for line in text.splitlines() if line.startswith("| serialise every graph")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1].endswith(("ms", " s"))  # a measured wall time, not a status
    assert cells[2].endswith(("ms", " s"))  # and CPU time
    assert float(cells[3].replace(",", "")) > 10  # peak RSS of a Python child, in MB
    assert "8 articles" in text
    assert "Command: `python benchmarks/bench_stages.py --project" in text


def test_a_missing_kg_module_is_reported_not_raised(project: Path, tmp_path: Path) -> None:
    def stage(ctx) -> None:
        bench.need("kg.no_such_module")

    bench.STAGES["missing"] = ("a stage of a module not written yet", stage)
    try:
        ctx = bench.Ctx(project, tmp_path / "build", tmp_path, 3, None)
        bench.child("missing", ctx, tmp_path / "r.json")
        result = json.loads((tmp_path / "r.json").read_text())
        assert result["status"] == "not available"
        assert "kg.no_such_module" in result["note"]
        stage_rows, _ = bench.tables([result])
        assert stage_rows[0][1] == "not available"
    finally:
        del bench.STAGES["missing"]


def test_unknown_stage_is_a_usage_error(project: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        bench.main(["--project", str(project), "--stages", "nope"])
    assert exc.value.code == 2
    assert "unknown stage(s) nope" in capsys.readouterr().err


def test_p95_and_median_of_timings() -> None:
    summary = bench._summary([float(i) for i in range(1, 21)])
    assert summary["median"] == 10.5
    assert summary["p95"] == 19.0
    assert summary["runs"] == 20
