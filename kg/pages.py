"""The HTML pages of `kg serve`: the query page and one page per entity.

Pages are Jinja2 templates with autoescaping on, so every piece of article text is escaped;
scripts and styles are same-origin files under kg/web/static (no CDN, works offline) and a
Content-Security-Policy forbids anything else. An entity URL also answers Turtle, N-Triples
or JSON-LD to RDF clients (content negotiation, as linked-data servers do).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.derived import PREDICATES
from kg.queries import NamedQuery, QueryError, run_named
from kg.results import GRAPH_FORMATS, Result, serialize, shorten
from kg.server import CSP, GRAPH_MEDIA, WEB_DIR, ApiError, Service, _media, negotiate
from kg.vocab import NS, entity_id_of, entity_iri

_ENV = Environment(
    loader=FileSystemLoader(str(WEB_DIR / "templates")),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENTITY_MEDIA = {"text/html": "html", "application/xhtml+xml": "html"} | GRAPH_MEDIA
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,200}$")
# An entity page shows what the curated graphs say: the derived graph's summaries (kg.derived:
# article counts, first seen) are left out of the page and of its RDF.
_CURATED = f"FILTER(?p NOT IN ({', '.join(f'<{NS}{name}>' for name in PREDICATES)}))"
_ABOUT = f"""
SELECT ?e ?p ?o ?pLabel WHERE {{
  ?e ?p ?o .
  {_CURATED}
  OPTIONAL {{ ?p <http://www.w3.org/2000/01/rdf-schema#label> ?pLabel }}
}} ORDER BY ?p ?o
"""
_DESCRIBE = f"""
CONSTRUCT {{ ?e ?p ?o . ?s ?q ?e }} WHERE {{ {{ ?e ?p ?o {_CURATED} }} UNION {{ ?s ?q ?e }} }}
"""
KG_NS = "https://kg.invalid/ns#"
# (heading, query, parameter) shown on a page, by the entity's kind; "*" for every kind
SECTIONS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("Names over time", "names-over-time", "entity", ("*",)),
    ("Facts, with evidence", "entity-facts", "entity", ("*",)),
    ("Posts held", "officials", "person", ("Person",)),
    ("Officials", "officials", "org", ("Organization",)),
    ("Quoted", "quotations", "speaker", ("Person", "Organization", "Group")),
    ("Partners (shared events)", "co-participants", "org", ("Organization", "Group", "Person")),
    ("Who took part", "event-participants", "event", ("Event",)),
    ("Countries represented", "countries-at-event", "event", ("Event",)),
    ("Claims attributed", "claims", "source", ("Person", "Organization", "Group")),
    ("Claims about it", "claims", "about", ("*",)),
    ("Claims measuring it", "claims", "measure", ("Measure",)),
    (
        "Linked events and agencies",
        "programme-links",
        "programme",
        ("Programme", "ActionPlan", "Campaign", "Platform", "Mechanism"),
    ),
]


def render(template: str, **context: Any) -> HTMLResponse:
    html = _ENV.get_template(template).render(**context)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP, "Vary": "Accept"})


async def index(request: Request) -> Response:
    """The query page: SPARQL editor, named queries as examples, results table, downloads."""
    service: Service = request.app.state.service
    return render("index.html", queries=list(service.library.values()))


def _cell(term: Mapping[str, Any] | None, label: Mapping[str, Any] | None = None) -> dict:
    """A table cell: text plus a link for entity IRIs."""
    if term is None:
        return {"text": label["value"] if label else "", "href": None}
    if term["type"] == "uri":
        eid = entity_id_of(term["value"])
        text = label["value"] if label else (eid or shorten(term["value"]))
        return {"text": text, "href": f"/entity/{eid}" if eid else None}
    return {"text": term["value"], "href": None}


def table(result: Result, hide: tuple[str, ...] = ()) -> dict[str, Any]:
    """Rows for a template: ``xLabel`` columns link to ``x``; ``x`` itself is not repeated."""
    names = [v for v in result.variables if v not in hide]
    shown = [v for v in names if f"{v}Label" not in names]
    rows = []
    for row in result.rows:
        cells = []
        for v in shown:
            if v.endswith("Label") and v[:-5] in names:
                cells.append(_cell(row.get(v[:-5]), row.get(v)))
            else:
                cells.append(_cell(row.get(v)))
        rows.append(cells)
    headers = [v[:-5] if v.endswith("Label") and v[:-5] in names else v for v in shown]
    return {"headers": headers, "rows": rows, "truncated": result.truncated}


def entity_view(service: Service, library: Mapping[str, NamedQuery], eid: str) -> dict | None:
    """Everything the entity page shows; None when the id is unknown."""
    iri = ox.NamedNode(entity_iri(eid))
    about = service.run(_ABOUT, {"e": iri})
    if not about.rows:
        return None
    kinds, labels, alt, props = [], [], [], []
    for row in about.rows:
        p, o = row["p"]["value"], row["o"]
        if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and o["value"].startswith(KG_NS):
            kinds.append(o["value"][len(KG_NS) :])
        elif p == "http://www.w3.org/2000/01/rdf-schema#label":
            labels.append(o["value"])
        elif p == "http://www.w3.org/2004/02/skos/core#altLabel":
            alt.append(o["value"])
        elif o["type"] == "literal" or p.startswith(KG_NS):
            name = row.get("pLabel", {}).get("value") or shorten(p)
            if p not in (KG_NS + "nameRecord",):
                props.append((name, _cell(o)))
    if not labels:
        return None
    sections = []
    for heading, name, param, for_kinds in SECTIONS:
        if name not in library or not ("*" in for_kinds or set(kinds) & set(for_kinds)):
            continue
        try:
            answer = run_named(service.runner(), library[name], {param: eid})
        except QueryError:
            continue
        if answer.result.rows:
            hide = tuple(p.name for p in library[name].params)
            sections.append(
                {"heading": heading, "query": name, "param": param, **table(answer.result, hide)}
            )
    return {
        "id": eid,
        "iri": iri.value,
        "label": labels[0],
        "kinds": sorted(set(kinds)),
        "alt": sorted(set(alt)),
        "props": props,
        "sections": sections,
    }


async def entity(request: Request) -> Response:
    """An entity as an HTML page, or as RDF to a client that asks for it."""
    service: Service = request.app.state.service
    eid = request.path_params["id"]
    if not _ID.match(eid):
        raise ApiError(404, f"no entity {eid!r}: ids are lower-case letters, digits and '-'")
    wanted = request.query_params.get("format")
    if wanted:
        if wanted not in (*GRAPH_FORMATS, "html"):
            raise ApiError(400, f"format must be one of html, {', '.join(GRAPH_FORMATS)}")
        fmt = wanted
    else:
        fmt = negotiate(request.headers.get("accept", ""), ENTITY_MEDIA, "html")
    if fmt != "html":
        result = await run_in_threadpool(
            service.run, _DESCRIBE, {"e": ox.NamedNode(entity_iri(eid))}
        )
        if not result.ntriples:
            raise ApiError(404, f"no entity {eid!r}")
        return Response(
            serialize(result, fmt), media_type=_media(fmt, "graph"), headers={"Vary": "Accept"}
        )
    view = await run_in_threadpool(entity_view, service, service.library, eid)
    if view is None:
        raise ApiError(404, f"no entity {eid!r}")
    return render("entity.html", e=view)
