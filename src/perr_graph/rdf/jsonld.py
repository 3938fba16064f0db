"""JSON-LD: the dataset as JSON-LD 1.1, with an ``@context`` that gives the ontology's terms short names.

The context (:func:`context`) maps every project prefix (``perr:``, ``id:``, ``org:``, ``skos:`` …) to its
namespace, and every term of ``ontology/perr.ttl`` to its local name: ``Commitment`` for ``perr:Commitment``,
``lead`` for ``perr:lead`` (object properties typed ``@id``, so their values read as IRIs). It is computed from the
ontology, so a term added there is in the context at the next export; ``perr export --format context`` writes it
alone, to publish it.

The document (:func:`dataset_document`) is rdflib's JSON-LD serialisation of the named graphs, compacted with the
context, then put in a canonical order (node objects by ``@id``, values by their JSON text, keys sorted): the same
quads give the same bytes. Order carries no meaning in JSON-LD outside ``@list`` (JSON-LD 1.1, section 4.3.1), and
the dataset holds no RDF list, so the reordering changes nothing of what the document says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

from perr_graph import namespaces as ns


def context(ontology: Graph) -> dict[str, Any]:
    """The ``@context``: the project prefixes, then one term per ``perr:`` class or property of ``ontology``."""
    ctx: dict[str, Any] = {prefix: str(namespace) for prefix, namespace in sorted(ns.PREFIXES.items())}
    base = str(ns.PERR)
    kinds: dict[str, set] = {}
    for subject, kind in ontology.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and str(subject).startswith(base):
            kinds.setdefault(str(subject)[len(base) :], set()).add(kind)
    for local, found in sorted(kinds.items()):
        if not local or local in ctx:
            continue
        ctx[local] = (
            {"@id": f"perr:{local}", "@type": "@id"} if OWL.ObjectProperty in found else f"perr:{local}"
        )
    return ctx


def dataset_document(graphs: Iterable[tuple[URIRef, Graph]], ctx: dict[str, Any]) -> str:
    """The named graphs as one JSON-LD document, compacted with ``ctx``, in canonical order (module docstring)."""
    ds = Dataset()
    for name, graph in graphs:
        target = ds.graph(name)
        for triple in graph:
            target.add(triple)
    raw = ds.serialize(format="json-ld", context=ctx, auto_compact=True)
    doc = json.loads(raw)
    doc["@context"] = ctx
    return json.dumps(_canonical(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _canonical(value: Any) -> Any:
    """``value`` with every array of node objects or values sorted (by ``@id``, else by JSON text)."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _canonical(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: (str(v.get("@id", "")) if isinstance(v, dict) else "", _text(v)))
    return value


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
