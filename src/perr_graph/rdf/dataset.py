"""The dataset's own description, in ``graph:dataset`` (``docs/model.md``, "Named graphs"): DCAT and VoID."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sized
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from perr_graph import __version__
from perr_graph import namespaces as ns
from perr_graph.model import Protocol

_TITLES = (
    ("perr-graph : les protocoles d'engagements renforcés et réciproques", "fr"),
    ("perr-graph: the PERR urban-policy protocols", "en"),
)
_DESCRIPTION = (
    "Commitments, partners, leads, indicators, signatories and territories of the French 'protocoles "
    "d'engagements renforcés et réciproques' (2019–2022), each fact traced to its source text and line."
)


#: the dataset's files: (name, IANA media type, dcterms:format label); perr export writes the JSON-LD one
DISTRIBUTIONS = (
    ("perr.trig", "application/trig", "TriG"),
    ("perr.nq", "application/n-quads", "N-Quads"),
    ("perr.jsonld", "application/ld+json", "JSON-LD"),
)
_UNKNOWN_LICENCE = (
    (
        "Licence non établie : les conditions de réutilisation des textes sources n'ont pas été relevées.",
        "fr",
    ),
    (
        "Licence not established: the terms under which the source texts may be reused have not been recorded.",
        "en",
    ),
)


@dataclass(frozen=True)
class Publication:
    """How a corpus's dataset is published (``perr.toml``): each field None when not stated."""

    licence: str | None = None
    publisher: str | None = None
    issued: datetime.date | None = None
    download_url: str | None = None


def dataset_description(
    graphs: Mapping[URIRef, Sized], protocols: Iterable[Protocol], publication: Publication | None = None
) -> Graph:
    """``id:dataset``, a ``dcat:Dataset`` and ``void:Dataset``: titles, description, version, licence (or a
    statement that it is unknown), publisher and issue date as the corpus states them, the IRI space and
    vocabulary, its distributions (TriG, N-Quads, JSON-LD) with their IANA media types, one ``void:subset`` per
    named graph with its triple count (only the size of each graph is read), the source document and protocol
    of each protocol's graph, and the total triple count."""
    publication = publication or Publication()
    g = Graph()
    D = ns.DATASET
    g.add((D, RDF.type, DCAT.Dataset))
    g.add((D, RDF.type, VOID.Dataset))
    for title, lang in _TITLES:
        g.add((D, DCTERMS.title, Literal(title, lang=lang)))
    g.add((D, DCTERMS.description, Literal(_DESCRIPTION, lang="en")))
    g.add((D, DCTERMS.hasVersion, Literal(__version__)))
    g.add((D, VOID.uriSpace, Literal(str(ns.ID))))
    g.add((D, VOID.vocabulary, URIRef(str(ns.PERR))))
    _publication(g, D, publication)
    for file, media, label in DISTRIBUTIONS:
        dist = ns.ID[f"dataset/distribution/{file.rsplit('.', 1)[1]}"]
        g.add((D, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, Literal(file)))
        g.add((dist, DCAT.mediaType, ns.media_type(media)))
        g.add((dist, DCTERMS["format"], Literal(label)))
        if publication.download_url:
            g.add((dist, DCAT.downloadURL, URIRef(publication.download_url + file)))
    total = 0
    for name, graph in sorted(graphs.items()):
        sub = ns.ID["dataset/graph/" + str(name)[len(str(ns.GRAPH)) :]]
        g.add((D, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, RDFS.label, Literal(str(name))))
        g.add((sub, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
        total += len(graph)
    for p in protocols:
        sub = ns.ID[f"dataset/graph/protocol/{p.pid}"]
        g.add((sub, DCTERMS.source, ns.source(p.pid)))
        g.add((sub, DCTERMS.subject, ns.protocol(p.pid)))
    g.add((D, VOID.triples, Literal(total, datatype=XSD.integer)))
    return g


def _publication(g: Graph, dataset: URIRef, publication: Publication) -> None:
    """Licence, publisher and issue date, each only as the corpus states it (DCAT 3, section 6.6)."""
    if publication.licence:
        g.add((dataset, DCTERMS.license, ns.licence(publication.licence)))
    else:
        for text, lang in _UNKNOWN_LICENCE:
            g.add((dataset, DCTERMS.rights, Literal(text, lang=lang)))
    if publication.publisher:
        agent = ns.agent(re.sub(r"[^a-z0-9]+", "-", publication.publisher.lower()).strip("-") or "publisher")
        g.add((dataset, DCTERMS.publisher, agent))
        g.add((agent, RDF.type, FOAF.Agent))
        g.add((agent, FOAF.name, Literal(publication.publisher)))
    if publication.issued:
        g.add((dataset, DCTERMS.issued, Literal(publication.issued.isoformat(), datatype=XSD.date)))
