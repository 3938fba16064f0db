"""``perr export``: a dataset in the RDF format asked (:mod:`perr_graph.rdf.serialize`, :mod:`perr_graph.rdf.jsonld`).

The files are read with rdflib (lexical forms kept as written), then each named graph is written by the project's own deterministic writers (TriG, N-Quads, the union as Turtle or
N-Triples) or as JSON-LD with the ontology's context.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef

from perr_graph.errors import InputError
from perr_graph.inputs.ontology import ontology_graph
from perr_graph.rdf import jsonld
from perr_graph.rdf.serialize import nquads, trig

#: rdflib parser names by file suffix (the same suffixes as :data:`perr_graph.store.FORMATS`)
_PARSERS = {
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
}


def graphs_of(files: list[Path]) -> dict[URIRef, Graph]:
    """The named graphs of ``files`` as rdflib graphs, lexical forms as written (the embedded store would
    normalise ``"1.0000"^^xsd:decimal`` to ``"1"``); a file without named graphs is the graph
    ``file://<its absolute path>``, as the store loads it."""
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    out: dict[URIRef, Graph] = {}
    for f in files:
        fmt = _PARSERS.get(f.suffix.lower())
        if fmt is None:
            raise InputError(
                f"unknown RDF file type {f.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", f
            )
        if not f.is_file():
            raise InputError("file not found", f)
        ds = Dataset()
        try:
            ds.parse(f, format=fmt)
        except Exception as exc:  # rdflib's parsers raise many exception types
            raise InputError(
                f"cannot parse: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", f
            ) from None
        for g in ds.graphs():
            triples = list(g)
            if not triples:
                continue
            name = URIRef(f.resolve().as_uri()) if g.identifier == DATASET_DEFAULT_GRAPH_ID else g.identifier
            if not isinstance(name, URIRef):
                raise InputError("a graph named by a blank node cannot be exported", f)
            target = out.setdefault(name, Graph())
            for t in triples:
                target.add(t)
    return out


def export(files: list[Path], fmt: str, ontology: Path) -> list[str]:
    """The dataset in ``files`` as text chunks in format ``fmt`` (see ``perr export --help``)."""
    if fmt == "context":
        return [
            json.dumps({"@context": jsonld.context(ontology_graph(ontology))}, ensure_ascii=False, indent=1)
            + "\n"
        ]
    graphs = graphs_of(files)
    if fmt == "trig":
        return trig(graphs)
    if fmt == "nq":
        return list(nquads(graphs))
    if fmt == "jsonld":
        ctx = jsonld.context(ontology_graph(ontology))
        return [jsonld.dataset_document(sorted(graphs.items()), ctx)]
    union = Graph()
    for g in graphs.values():
        union += g
    if fmt == "nt":
        return sorted(_nt_lines(union))
    if fmt == "turtle":
        from perr_graph.namespaces import bind_prefixes

        bind_prefixes(union)
        return [union.serialize(format="turtle")]
    raise InputError(f"unknown export format {fmt!r}")


def _nt_lines(triples: Graph) -> list[str]:
    from perr_graph.rdf.terms import term

    return [f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples]
