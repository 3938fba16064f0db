"""Every namespace and IRI pattern of perr-graph, in one place.

No other module types an IRI: they call the helpers below. The IRI patterns are documented in
``docs/model.md`` ("IRIs"); they are built from ids in the data files and from source line numbers, so they
stay stable from one build to the next.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    VOID,
    XSD,
    DefinedNamespace,
)

BASE = "https://w3id.org/perr-graph/"

PERR = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")
CONCEPT = Namespace(BASE + "concept/")
PILLAR = Namespace(CONCEPT + "pillar/")
THEME = Namespace(CONCEPT + "theme/")
ROLE = Namespace(CONCEPT + "role/")
CATEGORY = Namespace(CONCEPT + "partner-category/")
RULE = Namespace(CONCEPT + "rule/")
DOCTYPE = Namespace(CONCEPT + "document-type/")
BODY = Namespace(CONCEPT + "governance-body/")
STAT = Namespace(CONCEPT + "statistic/")
HYPOTHESIS = Namespace(CONCEPT + "hypothesis/")

QB = Namespace("http://purl.org/linked-data/cube#")
OA = Namespace("http://www.w3.org/ns/oa#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SCHEMA = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
RFC5147 = URIRef("http://tools.ietf.org/rfc/rfc5147")

#: prefix -> namespace, bound on every graph we write and used by the query runner (ours are ``Namespace``
#: strings, the standard ones rdflib's ``DefinedNamespace`` classes; ``str()`` of either is the namespace IRI)
PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "perr": PERR,
    "id": ID,
    "graph": GRAPH,
    "pillar": PILLAR,
    "theme": THEME,
    "role": ROLE,
    "category": CATEGORY,
    "rule": RULE,
    "doctype": DOCTYPE,
    "body": BODY,
    "stat": STAT,
    "hypothesis": HYPOTHESIS,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "qb": QB,
    "oa": OA,
    "foaf": FOAF,
    "adms": ADMS,
    "schema": SCHEMA,
    "spdx": SPDX,
    "time": TIME,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

#: the concept schemes, by the short name the data files use
SCHEMES: dict[str, Namespace] = {
    "pillar": PILLAR,
    "theme": THEME,
    "role": ROLE,
    "category": CATEGORY,
    "rule": RULE,
    "doctype": DOCTYPE,
    "body": BODY,
    "stat": STAT,
    "hypothesis": HYPOTHESIS,
}


def bind_prefixes(graph) -> None:
    """Bind every project prefix on an rdflib graph or dataset."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)


def sparql_prologue() -> str:
    """PREFIX declarations for every project prefix, for queries written without them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# --- graphs -------------------------------------------------------------------------------------------------


def protocol_graph(pid: str) -> URIRef:
    return GRAPH[f"protocol/{pid}"]


def inference_graph(pid: str) -> URIRef:
    """``graph:inferences/<pid>``: what a hypothesis reads into a protocol that the protocol does not state
    (``docs/model.md``, "Stated and inferred readings"); never mixed with ``graph:protocol/<pid>``."""
    return GRAPH[f"inferences/{pid}"]


ONTOLOGY_GRAPH = GRAPH["ontology"]
REGISTRY_GRAPH = GRAPH["registry"]
REFERENCE_GRAPH = GRAPH["reference"]
DATASET_GRAPH = GRAPH["dataset"]
MATCHES_GRAPH = GRAPH["matches"]
DATASET = ID["dataset"]
REFERENCE_SOURCE = ID["source/reference"]


# --- resources ----------------------------------------------------------------------------------------------


def protocol(pid: str) -> URIRef:
    return ID[f"protocol/{pid}"]


def source(pid: str) -> URIRef:
    return ID[f"source/{pid}"]


def contract(pid: str) -> URIRef:
    return ID[f"contract/{pid}"]


def org(partner_id: str) -> URIRef:
    return ID[f"org/{partner_id}"]


def person(slug: str) -> URIRef:
    return ID[f"person/{slug}"]


def territory(territory_id: str) -> URIRef:
    return ID[f"territory/{territory_id}"]


def in_protocol(pid: str, kind: str, key: str) -> URIRef:
    """A resource that belongs to one protocol: ``id:protocol/<pid>/<kind>/<key>``."""
    return ID[f"protocol/{pid}/{kind}/{key}"]


def child(parent: URIRef, *parts: str) -> URIRef:
    """A node that only exists as part of another: ``<parent>/<part>/…``."""
    return URIRef(str(parent) + "".join("/" + p for p in parts))


def agent(slug: str) -> URIRef:
    """An agent that acts on the dataset itself (its publisher): ``id:agent/<slug>``."""
    return ID[f"agent/{slug}"]


#: where IANA registers media types; DCAT 3 (section 6.7.9) recommends these IRIs for ``dcat:mediaType``
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
#: the SPDX licence list, for a licence given by its SPDX identifier
SPDX_LICENSES = "https://spdx.org/licenses/"


def media_type(media: str) -> URIRef:
    """The IANA IRI of a media type, e.g. ``application/n-quads``."""
    return URIRef(IANA_MEDIA_TYPES + media)


def licence(value: str) -> URIRef:
    """A licence given as a URL, or as an SPDX identifier (``CC-BY-4.0``)."""
    return URIRef(value if "://" in value else SPDX_LICENSES + value)


def concept(scheme: str, slug: str) -> URIRef:
    """A SKOS concept, e.g. ``concept("theme", "emploi")``."""
    return SCHEMES[scheme][slug]
