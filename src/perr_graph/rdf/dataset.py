"""The dataset's own description, in ``graph:dataset`` (``docs/model.md``, "Named graphs"): DCAT and VoID."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sized

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

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


def dataset_description(graphs: Mapping[URIRef, Sized], protocols: Iterable[Protocol]) -> Graph:
    """``id:dataset``, a ``dcat:Dataset`` and ``void:Dataset``: titles, description, version, the IRI space and
    vocabulary, its two distributions (TriG, N-Quads), one ``void:subset`` per named graph with its triple
    count (only the size of each graph is read), the source document and protocol of each protocol's graph,
    and the total triple count."""
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
    for fmt, media in (("trig", "application/trig"), ("nq", "application/n-quads")):
        dist = ns.ID[f"dataset/distribution/{fmt}"]
        g.add((D, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.mediaType, Literal(media)))
        g.add((dist, DCAT.downloadURL, URIRef(f"file:perr.{fmt}")))
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
