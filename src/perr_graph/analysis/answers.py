"""A library query's answer as records of plain Python values, for the comparison tables, the partner network and
the report: numbers as ``int`` or ``float``, IRIs and texts as strings, protocol IRIs as protocol ids."""

from __future__ import annotations

from pyoxigraph import Literal as _LITERAL

from perr_graph import namespaces as ns
from perr_graph.sparql.library import find
from perr_graph.sparql.run import Limits, select_plain

_PROTOCOL = str(ns.ID["protocol/"])
#: the analyses read whole answers (at national scale, tens of thousands of rows): no row cap, a generous time
ANALYSIS = Limits(timeout=600.0, max_rows=2**62)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(_XSD + k for k in ("integer", "int", "long", "nonNegativeInteger"))
_DECIMALS = frozenset(_XSD + k for k in ("decimal", "double", "float"))


def value(term):
    """A query term as a Python value: int or float for numeric literals, the text (or IRI) otherwise.

    Called once per term of every answer the analyses read (1.2 million at national scale): literals are told by
    their type, not by looking for a datatype attribute, which IRIs lack."""
    if term is None:
        return None
    if type(term) is _LITERAL:
        dt = term.datatype.value
        if dt in _INTEGERS:
            return int(term.value)
        if dt in _DECIMALS:
            return float(term.value)
    return term.value


def pid(iri: str) -> str:
    """``valence`` for ``id:protocol/valence``."""
    return iri[len(_PROTOCOL) :] if iri.startswith(_PROTOCOL) else iri


def run(store, name: str, params: dict[str, str] | None = None) -> tuple[str, list[dict]]:
    """A library query's answer as records of plain values (protocol IRIs in the ``protocol``, ``protocol_a`` and
    ``protocol_b`` columns as protocol ids), and the query's file name."""
    q = find(name)
    ((columns, rows),) = select_plain(store, [(q, params)], value, limits=ANALYSIS)
    return q.path.name, _records(columns, rows)


def run_many(store, names: list[str]) -> dict[str, tuple[str, list[dict]]]:
    """The answers of several library queries (without parameters), as :func:`run` gives each, run together:
    one child process, one query per core at a time (:func:`perr_graph.sparql.run.select_plain`)."""
    queries = [find(n) for n in names]
    answers = select_plain(store, [(q, None) for q in queries], value, limits=ANALYSIS)
    return {
        n: (q.path.name, _records(columns, rows))
        for n, q, (columns, rows) in zip(names, queries, answers, strict=True)
    }


def _records(columns: list[str], rows: list[list]) -> list[dict]:
    out = []
    for r in rows:
        rec = dict(zip(columns, r, strict=False))
        for c in ("protocol", "protocol_a", "protocol_b"):
            if isinstance(rec.get(c), str):
                rec[c] = pid(rec[c])
        out.append(rec)
    return out
