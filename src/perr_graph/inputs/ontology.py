"""The ontology as an input of the build: the graph itself, and the concept slugs the configurations and the
registry may use (``docs/model.md``, "Concept schemes")."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from perr_graph import namespaces as ns
from perr_graph.errors import InputError


def ontology_graph(directory: Path) -> Graph:
    """Every ``*.ttl`` file of the ontology folder (not its ``shapes/``), in one graph."""
    g = Graph()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise InputError("no ontology file (*.ttl) in the folder", directory)
    for f in files:
        try:
            g.parse(f, format="turtle")
        except Exception as exc:  # rdflib raises several exception types for syntax errors
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"cannot parse the ontology: {first}", f) from None
    return g


def concept_slugs(onto: Graph) -> dict[str, set[str]]:
    """scheme short name → the concept slugs the ontology defines in it (``docs/model.md``)."""
    out: dict[str, set[str]] = {}
    for scheme, namespace in ns.SCHEMES.items():
        prefix = str(namespace)
        out[scheme] = {
            str(s)[len(prefix) :] for s in onto.subjects(RDF.type, SKOS.Concept) if str(s).startswith(prefix)
        }
    return out


def categories(onto: Graph) -> set[str]:
    """The partner-category slugs the ontology defines (the registry may use no other)."""
    prefix = str(ns.CATEGORY)
    return {str(s)[len(prefix) :] for s in onto.subjects(RDF.type, None) if str(s).startswith(prefix)}
