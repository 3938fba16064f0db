"""What ``perr serve`` answers besides queries: the query page, the SPARQL service description, the dataset's
resources (content negotiation) and the source texts.

* The **query page** (``/``) is YASGUI (``static/yasgui/``, copied from npm at build time by
  ``scripts/vendor-npm.sh``) in the frame of ``templates/query.html.j2``, with the library's questions; without
  the vendored files, the plain form (``static/index.html``) with a line saying so.
* The **service description** (SPARQL 1.1 Service Description) is the answer to a ``GET`` of the endpoint without
  a query: the endpoint, the language, the result formats, the union default graph and the named graphs.
* A **resource** of the dataset, ``https://w3id.org/perr-graph/id/<path>``, is served at ``/id/<path>`` (a concept,
  ``…/concept/<path>``, at ``/concept/<path>``): an HTML
  page (its facts, the quote it comes from and a link to the source line) to a client that prefers HTML, Turtle
  (or N-Triples, RDF/XML) otherwise. The queries behind it are written here and run on the engine like any
  other, checked first.
* A **source text** (``/source/<file>``) is one of the corpus's ``data/sources`` files, one anchor per line.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import escape

from perr_graph.i18n import N_, messages
from perr_graph.namespaces import BASE
from perr_graph.rdf.terms import prefixed

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
YASGUI = STATIC / "yasgui"

#: the files of the query page served under ``/static/`` (nothing else is: no path from the request is opened)
STATIC_FILES = {
    "query.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.js": "text/javascript; charset=utf-8",
    "yasgui/yasgui.min.css": "text/css; charset=utf-8",
    "yasgui/VERSION.json": "application/json",
}

#: RDF media types a resource can be asked for (Oxigraph writes them), the first the default
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml")

#: ``?format=`` of a resource (a link can say which it wants: a browser's Accept would say HTML)
FORMATS = {"turtle": "text/turtle", "ntriples": "application/n-triples", "rdfxml": "application/rdf+xml"}

#: the dataset's IRIs served here, under ``/<root>``: its resources and the concepts of its vocabularies
RESOURCE_ROOTS = ("id/", "concept/")

#: the characters of an IRI's path and query as the dataset writes them (``docs/model.md``, "IRIs")
_IRI_PATH = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/%-]+$")

_PREFIXES = """PREFIX perr: <https://w3id.org/perr-graph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: the triples of a resource and of its evidence (``<fact>/source`` and its selectors), from every graph
TRIPLES = """CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?s { <$IRI> <$IRI/source> <$IRI/source/quote> <$IRI/source/lines> }
  GRAPH ?g { ?s ?p ?o }
}"""

#: a resource's facts, with the labels of the properties and of the values in the page's language
FACTS = (
    _PREFIXES
    + """SELECT ?g ?p ?o ?plabel ?olabel WHERE {
  GRAPH ?g { <$IRI> ?p ?o }
  OPTIONAL { GRAPH ?pg { ?p rdfs:label ?plabel } FILTER(LANGMATCHES(LANG(?plabel), "$LANG")) }
  OPTIONAL { GRAPH ?og { ?o skos:prefLabel|dcterms:title|rdfs:label ?olabel }
             FILTER(LANG(?olabel) = "" || LANGMATCHES(LANG(?olabel), "$LANG")) }
} ORDER BY ?g ?p ?o LIMIT 2000"""
)

#: where a resource comes from: the source file, its lines and the quote
EVIDENCE = (
    _PREFIXES
    + """SELECT ?file ?start ?end ?quote WHERE {
  GRAPH ?g { <$IRI> prov:wasDerivedFrom ?src }
  GRAPH ?g2 { ?src oa:hasSource ?doc OPTIONAL { ?src perr:lineStart ?start } OPTIONAL { ?src perr:lineEnd ?end }
              OPTIONAL { ?src oa:hasSelector ?sel . ?sel oa:exact ?quote } }
  OPTIONAL { GRAPH ?g3 { ?doc dcterms:identifier ?file } }
} ORDER BY ?file ?start LIMIT 50"""
)

#: what points to a resource
INCOMING = _PREFIXES + """SELECT ?s ?p ?g WHERE { GRAPH ?g { ?s ?p <$IRI> } } ORDER BY ?p ?s LIMIT 500"""

_LABELS = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name",
)


def resource_iri(path: str) -> str | None:
    """The dataset IRI that ``/id/<path>`` (or ``/concept/<path>``) stands for, or None when the path is no IRI of
    the dataset."""
    rest = path.removeprefix("/")
    root = next((r for r in RESOURCE_ROOTS if rest.startswith(r)), None)
    tail = rest[len(root) :] if root else ""
    if not tail or not _IRI_PATH.match(tail) or ".." in tail.split("/"):
        return None
    return BASE + rest


def local_path(iri: str) -> str | None:
    """``/id/<path>`` (``/concept/<path>``) for a dataset IRI: a link this server answers; else None."""
    rest = iri.removeprefix(BASE)
    if rest == iri or not any(rest.startswith(r) and len(rest) > len(r) for r in RESOURCE_ROOTS):
        return None
    return "/" + rest


def _weights(accept: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media:
            weights[media.lower()] = max(q, weights.get(media.lower(), 0.0))
    return weights


def negotiate(accept: str | None) -> str:
    """``text/html`` when the client prefers HTML (a browser), else the RDF type it prefers (Turtle by
    default: curl sends ``*/*``)."""
    weights = _weights(accept or "*/*")
    html = max(weights.get("text/html", 0.0), weights.get("application/xhtml+xml", 0.0))
    best, rdf = RDF_TYPES[0], 0.0
    for media in RDF_TYPES:
        if weights.get(media, 0.0) > rdf:
            best, rdf = media, weights[media]
    if rdf == 0.0:
        rdf = max(weights.get("*/*", 0.0), weights.get("text/*", 0.0) * 0.5)
    return "text/html" if html > rdf else best


def fill(query: str, iri: str, lang: str = "fr") -> str:
    """A query of this module for one resource (the IRI is checked by :func:`resource_iri`)."""
    return query.replace("$IRI", iri).replace('"$LANG"', f'"{lang}"')


def rdf(ntriples: bytes, media: str) -> bytes:
    """The engine's N-Triples written again in ``media``, with the project's prefixes (Turtle people can read)."""
    from rdflib import Graph

    from perr_graph.namespaces import bind_prefixes

    g = Graph()
    bind_prefixes(g)
    g.parse(data=ntriples, format="nt")
    return g.serialize(format=_RDFLIB_FORMATS[media], encoding="utf-8")


_RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml"}


# -- the service description -----------------------------------------------------------------------------------


def service_description(endpoint: str, graphs: frozenset[str], media: str = "text/turtle") -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` (its own URL), in ``media``."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    dcterms = Namespace("http://purl.org/dc/terms/")
    g = Graph()
    g.bind("sd", sd)
    g.bind("formats", formats)
    g.bind("dcterms", dcterms)
    service, dataset = URIRef(endpoint), URIRef(endpoint + "#dataset")
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, service))
    g.add((service, dcterms.title, Literal("perr-graph (perr serve)")))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    g.add((service, sd.defaultEntailmentRegime, URIRef("http://www.w3.org/ns/entailment/Simple")))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        g.add((service, sd.resultFormat, formats[fmt]))
    for fmt in ("Turtle", "N-Triples", "RDF_XML"):
        g.add((service, sd.resultFormat, formats[fmt]))
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default = URIRef(endpoint + "#default-graph")
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    for name in sorted(graphs):
        node = URIRef(endpoint + "#graph-" + str(sorted(graphs).index(name)))
        g.add((dataset, sd.namedGraph, node))
        g.add((node, RDF.type, sd.NamedGraph))
        g.add((node, sd.name, URIRef(name)))
    return g.serialize(format=_RDFLIB_FORMATS[media], encoding="utf-8")


# -- pages -----------------------------------------------------------------------------------------------------


@cache
def environment(lang: str) -> jinja2.Environment:
    """The pages' Jinja2 environment in ``lang`` (autoescaped; messages from :mod:`perr_graph.i18n`)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    messages(lang).install(env)
    env.globals["lang"] = lang
    env.filters["short"] = short
    env.filters["local"] = local_path
    return env


def short(iri: str) -> str:
    """``id:protocol/voiron`` for an IRI with a project prefix, else the IRI."""
    return prefixed(iri) or iri


def yasgui_vendored() -> bool:
    return (YASGUI / "yasgui.min.js").is_file() and (YASGUI / "yasgui.min.css").is_file()


#: the words of YASGUI's own controls (its bundle has no message catalogue): query.js shows them in the page's
#: language where YASGUI writes them (a control's text, ``title``, ``placeholder`` or ``aria-label``)
YASGUI_WORDS = [
    N_("Run query"),
    N_("Share query"),
    N_("Shorten"),
    N_("Download result"),
    N_("Show all"),
    N_("Filter query results"),
    N_("Simple view"),
    N_("Ellipse"),
    N_("Search or add an endpoint"),
    N_("Clear endpoint"),
    N_("Endpoint is down"),
    N_("Open settings"),
    N_("Close settings"),
    N_("Request method"),
    N_("Named Graphs"),
    N_("Default Graphs"),
    N_("Header Arguments"),
    N_("Add tab"),
    N_("Add a new tab"),
    N_("New Tab"),
    N_("Close tab"),
    N_("Close Tab"),
    N_("Close other tabs"),
    N_("Copy Tab"),
    N_("Rename Tab"),
    N_("Undo close Tab"),
    N_("Try query in a new browser window"),
    N_("Page size:"),
]


def query_page(lang: str, library: list[dict]) -> bytes:
    """The query page: YASGUI with the library, or the plain form saying YASGUI is missing."""
    m = messages(lang)
    if not yasgui_vendored():
        notice = m._(
            "YASGUI is not installed with this copy of perr-graph (scripts/vendor-npm.sh): the plain query "
            "form below works without it."
        )
        page = (STATIC / "index.html").read_text(encoding="utf-8")
        return page.replace(
            "<main>",
            f'<p id="no-yasgui" style="margin:0;padding:8px 18px;background:#fff3bf">{escape(notice)}</p>\n<main>',
            1,
        ).encode("utf-8")
    strings = {
        "library": m._("Query library"),
        "all": m._("(all)"),
        "chart": m._("Chart"),
        "table": m._("Table"),
        "response": m._("Response"),
        "query": m._("Query"),
        "chart_none": m._("No numeric column to chart."),
        "chart_label": m._("label"),
        "chart_value": m._("value"),
        # YASGUI's controls, and the words of its result table (DataTables' language options)
        "ui": {w: m._(w) for w in YASGUI_WORDS if m._(w) != w},
        # the line above the results ("12 results in 0.5 seconds"), which YASGUI composes
        "answer_one": m._("{rows} row"),
        "answer_many": m._("{rows} rows"),
        "answer_time": m._("{answer} in {seconds} s"),
        "table_words": {
            "info": m._("Rows _START_ to _END_ of _TOTAL_"),
            "infoEmpty": m._("No rows"),
            "infoFiltered": m._("(filtered from _MAX_ rows)"),
            "emptyTable": m._("No data in the answer"),
            "zeroRecords": m._("No row matches"),
            "lengthMenu": m._("_MENU_ rows per page"),
        },
    }
    text = (
        environment(lang)
        .get_template("query.html.j2")
        .render(
            library=library,
            strings=json.dumps(strings, ensure_ascii=False).replace("</", "<\\/"),
            library_json=json.dumps(library, ensure_ascii=False).replace("</", "<\\/"),
        )
    )
    return text.encode("utf-8")


def resource_page(
    lang: str, iri: str, facts: list[dict], evidence: list[dict], incoming: list[dict]
) -> bytes:
    """The HTML page of one resource from the rows of :data:`FACTS`, :data:`EVIDENCE` and :data:`INCOMING` (SPARQL
    JSON bindings)."""
    seen, rows = set(), []
    for b in facts:
        key = (b["g"]["value"], b["p"]["value"], b["o"]["type"], b["o"]["value"])
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "graph": b["g"]["value"],
                "p": b["p"]["value"],
                "plabel": b.get("plabel", {}).get("value"),
                "o": b["o"],
                "olabel": b.get("olabel", {}).get("value"),
            }
        )
    title = next((r["o"]["value"] for label in _LABELS for r in rows if r["p"] == label), short(iri))
    sources = []
    for b in evidence:
        file = b.get("file", {}).get("value")
        start = b.get("start", {}).get("value")
        end = b.get("end", {}).get("value")
        sources.append(
            {
                "file": file,
                "start": start,
                "end": end,
                "quote": b.get("quote", {}).get("value"),
                "href": f"/source/{file}#L{start}" if file and start else None,
            }
        )
    links = [{"s": b["s"]["value"], "p": b["p"]["value"], "graph": b["g"]["value"]} for b in incoming]
    text = (
        environment(lang)
        .get_template("resource.html.j2")
        .render(iri=iri, title=title, rows=rows, sources=sources, incoming=links)
    )
    return text.encode("utf-8")


def source_file(folder: Path | None, name: str) -> Path | None:
    """The source text ``name`` of the corpus (a plain file name found in ``folder``), or None."""
    if folder is None or not re.fullmatch(r"[A-Za-z0-9._-]+\.(txt|md)", name):
        return None
    try:
        found = {p.name: p for p in folder.iterdir() if p.is_file()}
    except OSError:
        return None
    return found.get(name)


def source_page(lang: str, path: Path) -> bytes:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    text = environment(lang).get_template("source.html.j2").render(name=path.name, lines=lines)
    return text.encode("utf-8")
