"""The named query library, parameter binding, execution, formats and `kg query`."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from _kgsmall import small_store
from click.testing import CliRunner
from conftest import WORKSHOP_2011_ORGANISERS

from kg.cli import main
from kg.queries import (
    QueryError,
    bind_params,
    execute,
    get_query,
    load_library,
    resolve_entity,
    run_named,
    store_runner,
)
from kg.remote import bind_values
from kg.results import query_store, serialize

ID = "https://kg.invalid/id/"
TWELVE = {"AZ", "KZ", "KG", "RU", "TJ", "TH", "TR", "TM", "AE", "GB", "US", "UZ"}
INJECTIONS = ['x" || "1"="1', 'a" . ?s ?p ?o } #', "x' || '1'='1", 'a"""} ?s ?p ?o {"""']


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def run(seed_store):
    return store_runner(seed_store)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = small_store(tmp_path_factory.mktemp("small") / "store")
    return store_runner(ox.Store.read_only(str(path)))


def normalised(rows: list[dict]) -> list[dict]:
    """Rows with GROUP_CONCAT lists sorted: SPARQL leaves their order to the engine's plan."""
    out = []
    for row in rows:
        out.append(
            {k: {**v, "value": "; ".join(sorted(v["value"].split("; ")))} for k, v in row.items()}
        )
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def ids(result, var: str) -> set[str]:
    return {row[var]["value"].removeprefix(ID) for row in result.rows if var in row}


# ---------------------------------------------------------------- the library


def test_library_covers_the_questions(library) -> None:
    assert len(library) >= 15
    for q in library.values():
        assert q.title and q.description and q.question, q.name
        for p in q.params:
            assert not p.required or p.example is not None, (q.name, p)
            assert p.help, (q.name, p.name)


def test_every_query_answers_its_example(library, run) -> None:
    """Each query's documented example gives rows on the seeds (the docs don't lie)."""
    for q in library.values():
        answer = run_named(run, q, q.example_args())
        assert answer.result.rows, f"{q.name} {q.example_args()} gave no rows"


def test_countries_at_the_2011_workshop(library, run) -> None:
    q = library["countries-at-event"]
    result = run_named(run, q, {"event": "almaty-workshop-2011"}).result
    assert {row["iso"]["value"] for row in result.rows} == TWELVE
    for row in result.rows:
        assert "Azerbaijan, Kazakhstan, Kyrgyzstan" in row["quote"]["value"]
        assert row["article"]["value"].endswith("004_3cdedc2bc6c43dd1")


def test_co_organisers_of_the_2011_workshop(library, run) -> None:
    result = run_named(run, library["event-participants"], {"event": "almaty-workshop-2011"})
    organisers = {
        row["agent"]["value"].removeprefix(ID)
        for row in result.result.rows
        if row["role"]["value"] == "organised"
    }
    assert organisers == WORKSHOP_2011_ORGANISERS


def test_names_over_time_of_the_bishkek_office(library, run) -> None:
    result = run_named(run, library["names-over-time"], {"entity": "OSCE Centre in Bishkek"})
    registry = {
        (r["name"]["value"], r.get("until", {}).get("value"))
        for r in result.result.rows
        if r["source"]["value"] == "registry"
    }
    assert ("OSCE Centre in Bishkek", "2017") in registry
    used = {
        (r["name"]["value"], r["articleDate"]["value"][:4])
        for r in result.result.rows
        if r["source"]["value"] == "article"
    }
    assert ("OSCE Centre in Bishkek", "2011") in used
    assert ("OSCE Programme Office in Bishkek", "2017") in used


def test_timeline_is_ordered_and_bounded(library, run) -> None:
    result = run_named(run, library["timeline"], {"from": "2011", "to": "2017"}).result
    dates = [row["date"]["value"] for row in result.rows]
    assert dates == sorted(dates)
    assert all("2011" <= d[:4] <= "2017" for d in dates)
    assert "almaty-workshop-2011" in ids(result, "event")


def test_shortest_chain_direct_and_through_an_intermediary(library, run) -> None:
    q = library["shared-event-chain"]
    direct = run_named(run, q, {"from": "osce-pob", "to": "iom"}).result
    assert {r["hops"]["value"] for r in direct.rows} == {"1"}
    two = run_named(run, q, {"from": "kg-parliament", "to": "osce-centre-astana"}).result
    assert {r["hops"]["value"] for r in two.rows} == {"2"}
    assert ids(two, "event1") == {"bishkek-coordination-meeting-2015"}
    assert ids(two, "event2") == {"almaty-workshop-2011"}
    assert "iom" in ids(two, "via1")


def test_shortest_chain_of_three_events(library, small) -> None:
    result = run_named(small, library["shared-event-chain"], {"from": "org-a", "to": "org-d"})
    rows = result.result.rows
    assert len(rows) == 1
    row = rows[0]
    assert row["hops"]["value"] == "3"
    assert [
        row[k]["value"].removeprefix(ID) for k in ("event1", "via1", "event2", "via2", "event3")
    ] == ["ev1", "org-b", "ev2", "org-c", "ev3"]


def test_optional_parameters_filter_only_when_given(library, run) -> None:
    q = library["officials"]
    everyone = run_named(run, q, {}).result.rows
    one_org = run_named(run, q, {"org": "osce-pob"}).result.rows
    assert len(one_org) < len(everyone)
    assert {r["organisation"]["value"] for r in one_org} == {ID + "osce-pob"}


# ---------------------------------------------------------------- binding


def test_entity_by_id_label_alias_and_case(run) -> None:
    for text in (
        "osce-pob",
        "OSCE Programme Office in Bishkek",
        "osce centre in bishkek",
        ID + "osce-pob",
    ):
        assert resolve_entity(run, text).value == ID + "osce-pob"


def test_ambiguous_name_lists_the_candidates(small) -> None:
    with pytest.raises(ValueError) as err:
        resolve_entity(small, "interior ministry")
    message = str(err.value)
    assert "ambiguous" in message and "kz-interior" in message and "kg-interior" in message


def test_unknown_entity_suggests_close_names(run) -> None:
    with pytest.raises(ValueError) as err:
        resolve_entity(run, "OSCE Centre in Bishkec")
    assert "osce-pob" in str(err.value)


@pytest.mark.parametrize(
    ("name", "raw", "needle"),
    [
        ("timeline", {"from": "twenty"}, "not a year"),
        ("multi-article-organisations", {"min": "2.5"}, "not a whole number"),
        ("countries-at-event", {}, "is required"),
        ("countries-at-event", {"event": "almaty-workshop-2011", "year": "1"}, "unknown param"),
        ("countries-at-event", {"event": "no-such-event"}, "no entity"),
    ],
)
def test_bad_parameters_are_reported(library, run, name, raw, needle) -> None:
    with pytest.raises(QueryError) as err:
        bind_params(run, library[name], raw)
    assert needle in str(err.value)


def test_all_problems_reported_together(library, run) -> None:
    with pytest.raises(QueryError) as err:
        bind_params(run, library["timeline"], {"from": "x", "to": "y"})
    assert len(err.value.problems) == 2


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_string_parameter_is_inert(library, run, payload) -> None:
    result = run_named(run, library["search"], {"text": payload}).result
    assert result.rows == []


@pytest.mark.parametrize("payload", [*INJECTIONS, "http://a.test/x> . ?s ?p ?o . <y"])
def test_injection_in_entity_and_iri_parameters_is_refused(library, run, payload) -> None:
    with pytest.raises(QueryError):
        bind_params(run, library["countries-at-event"], {"event": payload})
    from kg.queries import Param, bind_value

    with pytest.raises(ValueError):
        bind_value(run, Param("x", "iri"), payload)


def _sub_select_spans(text: str) -> list[tuple[int, int]]:
    """Where the sub-selects of a query are (offsets of their braces), comments left out."""
    from kg.remote_bind import _tokens

    spans, stack = [], []
    for at, kind in _tokens(text):
        if kind == "{":
            stack.append((at, text[at + 1 : at + 40].lstrip().upper().startswith("SELECT")))
        elif kind == "}":
            start, is_select = stack.pop()
            if is_select:
                spans.append((start, at))
    return spans


def _binds_inside_a_sub_select(q) -> bool:
    import re

    spans = _sub_select_spans(q.text)
    return any(
        a < m.start() < b
        for p in q.params
        for m in re.finditer(rf"\?{p.name}\b", q.text)
        for a, b in spans
    )


def test_values_text_gives_the_same_answers_as_substitution(library, run, seed_store) -> None:
    """The bound text (kg.remote.bind_values, used locally and remotely) means the same as
    pyoxigraph's own ``substitutions=``. Queries that use a parameter inside a sub-select (to
    find a page, or to start from the parameter) are compared with their plain formulation in
    test_paging instead: ``substitutions=`` does not reach a sub-select, the text binding
    does."""
    for q in library.values():
        if _binds_inside_a_sub_select(q):
            continue
        bindings = bind_params(run, q, q.example_args())
        local = query_store(seed_store, q.text, bindings, limit=None)
        remote = execute(seed_store, bind_values(q.text, bindings))
        assert remote.variables == local.variables, q.name
        assert normalised(remote.rows) == normalised(local.rows), q.name


def test_parameters_are_written_into_every_sub_select(library) -> None:
    """A query that uses a parameter inside a sub-select is right only if the text binding
    writes the term in everywhere; kg.remote_bind falls back to a VALUES block alone when the
    substituted text would not parse (the sub-select would then see no value: every row)."""
    from itertools import combinations

    from kg.remote_bind import _substitution_parses

    inside = [q for q in library.values() if _binds_inside_a_sub_select(q)]
    assert {"quotations", "officials", "claims", "timeline", "entity-facts"} <= {
        q.name for q in inside
    }
    for q in inside:
        kinds = [(p.name, "iri" if p.type in ("entity", "iri") else "literal") for p in q.params]
        for n in range(1, len(kinds) + 1):
            for subset in combinations(kinds, n):
                assert _substitution_parses(q.text, tuple(sorted(subset))), (q.name, subset)


def test_values_text_of_an_injection_payload_matches_nothing(library, run, seed_store) -> None:
    for payload in INJECTIONS:
        bindings = bind_params(run, library["search"], {"text": payload})
        assert execute(seed_store, bind_values(library["search"].text, bindings)).rows == []


def test_unknown_query_suggests_names(library) -> None:
    with pytest.raises(QueryError, match="officials"):
        get_query(library, "oficials")


def test_bad_header_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.rq").write_text(
        "# title: x\n# parm: a entity\n# param: b colour\nSELECT * WHERE { ?s ?p ?o }\n"
    )
    (tmp_path / "notitle.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError) as err:
        load_library(tmp_path)
    text = str(err.value)
    assert "bad.rq:2: unknown header line" in text
    assert "bad.rq:3: parameter type 'colour'" in text
    assert "notitle.rq:1: missing '# title:'" in text


# ---------------------------------------------------------------- formats and cap


def test_result_formats_agree(library, run) -> None:
    result = run_named(run, library["countries-at-event"], {"event": "almaty-workshop-2011"})
    r = result.result
    as_json = json.loads(serialize(r, "json"))
    assert len(as_json["results"]["bindings"]) == 12
    rows = list(csv.DictReader(io.StringIO(serialize(r, "csv").decode())))
    assert {row["iso"] for row in rows} == TWELVE
    tsv = serialize(r, "tsv").decode().splitlines()
    assert tsv[0].split("\t")[0] == "?event" and len(tsv) == 13
    root = ET.fromstring(serialize(r, "xml"))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(root.findall(f"{ns}results/{ns}result")) == 12


def test_cap_is_explicit(seed_store) -> None:
    result = execute(seed_store, "SELECT * WHERE { ?s ?p ?o }", limit=7)
    assert len(result.rows) == 7 and result.truncated
    assert json.loads(serialize(result, "json"))["truncated"] is True
    small = execute(seed_store, "SELECT * WHERE { ?s a <https://kg.invalid/ns#Country> }")
    assert not small.truncated


def test_construct_formats(seed_store) -> None:
    q = "CONSTRUCT { ?c ?p ?o } WHERE { ?c a kg:Country ; ?p ?o }"
    result = execute(seed_store, q)
    assert result.kind == "graph" and result.triples > 0
    ttl = serialize(result, "turtle")
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))) == result.triples
    jsonld = serialize(result, "jsonld")
    assert len(list(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD))) == result.triples
    with pytest.raises(ValueError):
        serialize(result, "csv")


# ---------------------------------------------------------------- the CLI


@pytest.fixture()
def cli(seed_build):
    runner = CliRunner()
    store = str(seed_build / "store")

    def invoke(*args: str):
        return runner.invoke(main, [*args, "--store", store] if args[0] == "query" else list(args))

    return invoke


def test_cli_lists_the_library(cli, library) -> None:
    result = cli("queries")
    assert result.exit_code == 0
    for name in library:
        assert name in result.output


def test_cli_named_query_csv_to_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "countries.csv"
    result = cli(
        "query",
        "countries-at-event",
        "-p",
        "event",
        "Almaty workshop 2011",
        "-f",
        "csv",
        "-o",
        str(target),
    )
    # a wrong name: exit 1, a readable message, nothing written
    assert result.exit_code == 1 and "no entity" in result.output and not target.exists()
    result = cli(
        "query",
        "countries-at-event",
        "-p",
        "event",
        "almaty-workshop-2011",
        "-f",
        "csv",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.open()))
    assert {row["iso"] for row in rows} == TWELVE


def test_cli_table_and_json(cli) -> None:
    result = cli("query", "countries-at-event", "-p", "event", "almaty-workshop-2011")
    assert result.exit_code == 0 and "Uzbekistan" in result.output and "12 rows" in result.output
    result = cli("query", "articles", "-f", "json")
    assert len(json.loads(result.output)["results"]["bindings"]) == 5


def test_cli_ad_hoc_sparql_and_file(cli, tmp_path: Path, seed_store) -> None:
    q = "SELECT ?c WHERE { ?c a kg:Country }"
    result = cli("query", "--sparql", q, "-f", "tsv")
    countries = len(execute(seed_store, q).rows)
    assert countries >= 12
    assert result.exit_code == 0 and result.output.count("\n") == countries + 1
    path = tmp_path / "q.rq"
    path.write_text(q)
    assert cli("query", "--file", str(path), "-f", "tsv").output == result.output


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ("query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
            "SERVICE is not allowed",
        ),
        (("query", "--sparql", "SELECT * WHERE { ?s ?p }"), "syntax error at line 1"),
        (("query", "--sparql", "CLEAR ALL"), "read-only"),
        (("query", "timeline", "-p", "from", "20x1"), "not a year"),
        (("query", "nope"), "no named query"),
        (("query",), "give exactly one"),
        (("query", "--sparql", "ASK {}", "-f", "turtle"), "cannot be written as turtle"),
    ],
)
def test_cli_errors_are_one_line_and_exit_1(cli, args, needle) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert needle in result.output
    assert "Traceback" not in result.output


def test_cli_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "articles", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "kg build" in result.output


def test_docs_list_every_query(library) -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs" / "queries.md").read_text()
    for name, q in library.items():
        assert f"| `{name}` | {q.question} |" in docs, name


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1 and "kg build" in result.output


def test_cli_gives_up_a_runaway_query_at_its_timeout(seed_build) -> None:
    import subprocess
    import sys
    import time

    kg = Path(sys.executable).with_name("kg")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(kg),
            "query",
            "--sparql",
            query,
            "--timeout",
            "1",
            "--store",
            str(seed_build / "store"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "did not finish within 1 s" in proc.stderr
    assert time.monotonic() - started < 20


def test_result_from_remote_json(library, run) -> None:
    from kg.results import result_from_json

    result = run_named(run, library["countries-at-event"], {"event": "almaty-workshop-2011"})
    data = json.loads(serialize(result.result, "json"))
    again = result_from_json(data)
    assert again.variables == result.result.variables and again.rows == result.result.rows
    capped = result_from_json(data, limit=3)
    assert len(capped.rows) == 3 and capped.truncated
    assert result_from_json({"head": {}, "boolean": True}).boolean is True


def test_cli_ctrl_c_stops_a_running_query(seed_build) -> None:
    import signal
    import subprocess
    import sys
    import time

    kg = Path(sys.executable).with_name("kg")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    proc = subprocess.Popen(
        [str(kg), "query", "--sparql", query, "--store", str(seed_build / "store")],
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3.0)  # past start-up (imports), into the query, even on a loaded machine
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err
