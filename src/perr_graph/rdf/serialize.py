"""Deterministic RDF output: the one N-Quads and TriG writer, whose bytes depend only on the triples.

rdflib's serializers follow its stores' iteration order, which can change between runs; these writers sort
every statement, with one tie-break rule (:func:`trig`), so the same input gives byte-identical files. They read
any iterable of triples: an rdflib ``Graph`` (``perr build``) or a plain set (``perr synth``), and write each
term once (:mod:`perr_graph.rdf.terms`). Writing them to disk, atomically, is :mod:`perr_graph.outputs`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from perr_graph.namespaces import PREFIXES
from perr_graph.rdf.terms import term

#: a statement as the emitters write it (subject, predicate, object)
Triple = tuple[Node, Node, Node]

_RDF_TYPE = str(RDF.type)


class _Written:
    """Each term written once (:func:`~perr_graph.rdf.terms.term`): a dataset names the same subjects,
    predicates and concepts again and again, and writing a term is most of the cost of writing a statement."""

    def __init__(self, compact: bool):
        self.compact = compact
        self.memo: dict[Node, str] = {}

    def __call__(self, x: Node) -> str:
        s = self.memo.get(x)
        if s is None:
            s = self.memo[x] = term(x, self.compact)
        return s


def nquads(graphs: Mapping[URIRef, Iterable[Triple]]) -> list[str]:
    """The statements of every graph as N-Quads lines, sorted as written (the line is the sort key, so equal
    statements give equal lines and the order never depends on the store)."""
    t = _Written(compact=False)
    lines: list[str] = []
    for name, g in graphs.items():
        gn = t(name)
        lines.extend(f"{t(s)} {t(p)} {t(o)} {gn} .\n" for s, p, o in g)
    lines.sort()
    return lines


def trig(graphs: Mapping[URIRef, Iterable[Triple]], prefixes: bool = True) -> list[str]:
    """The graphs as TriG: the ``@prefix`` lines of every project prefix (unless ``prefixes`` is false: a stream
    writes them once, at the top), then one block per graph.

    Order: graphs by name; in each, subjects by IRI, one block per subject; its predicates ``rdf:type`` first
    (written ``a``), then by IRI; each predicate's objects by kind (literal before IRI), lexical form, language
    tag and, last, their written form, so that objects the first three leave tied (one lexical form with two
    datatypes) are ordered too and the output never depends on set order."""
    out = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in sorted(PREFIXES.items())] if prefixes else []
    t = _Written(compact=True)
    for name in sorted(graphs):
        out.append(f"\n{t(name)} {{\n")
        by_subject: dict[Node, dict[Node, list[Node]]] = {}
        for s, p, o in graphs[name]:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        for s in sorted(by_subject, key=str):
            preds = by_subject[s]
            parts: list[str] = []
            for p in sorted(preds, key=lambda x: (str(x) != _RDF_TYPE, str(x))):
                objs = sorted(
                    preds[p], key=lambda x: (type(x).__name__, str(x), str(getattr(x, "language", "")), t(x))
                )
                parts.append(f"{'a' if str(p) == _RDF_TYPE else t(p)} " + " , ".join(t(o) for o in objs))
            out.append(f"  {t(s)}\n    " + " ;\n    ".join(parts) + " .\n")
        out.append("}\n")
    return out
