"""Both engines asked about single values, for the data checks of :mod:`perr_graph.validation.guards`.

Some constraints give a result on a value that depends on that value alone and the constraint's parameters: a
literal's validity for its datatype (SHACL §4.1.2), a range constraint on one value (SHACL §4.3). Where the
engines may read a value differently (an ill-typed literal, a value of another kind than a range's limit), the
question is put to both engines, on a tiny graph made for it, and the fast engine is trusted with the unit only
when they give the same answer. Answers are kept for the process (the same values come back in every unit).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

#: (lexical form, datatype) -> (shacl-rust finds it ill-typed, pySHACL does)
DATATYPES: dict[tuple[str, str], tuple[bool, bool]] = {}
#: (range constraint as N-Triples, value as N-Triples) -> the engines give different results
RANGES: dict[tuple[str, str], bool] = {}
_P = URIRef("urn:perr:guard:p")


def _run_both(data_nt: str, shapes: Graph) -> tuple[list[dict], list]:
    from perr_graph.validation.engines import rdflib_graph, run_pyshacl, shacl_rust_validate
    from perr_graph.validation.terms import to_nt

    shapes_nt = "".join(f"{to_nt(s)} {to_nt(p)} {to_nt(o)} .\n" for s, p, o in shapes)
    return shacl_rust_validate(data_nt, shapes_nt)["results"], run_pyshacl(rdflib_graph(data_nt), shapes)


def datatypes(literals: Sequence[tuple[str, str]]) -> None:
    """Fill :data:`DATATYPES` for ``literals`` (lexical form, datatype IRI) not asked about yet."""
    from perr_graph.validation.terms import plain_literal, to_nt

    todo = sorted({t for t in literals if t not in DATATYPES})
    if not todo:
        return
    prop = {dt: URIRef(f"urn:perr:guard:p{i}") for i, dt in enumerate(sorted({dt for _, dt in todo}))}
    shapes = Graph()
    for dt, p in prop.items():
        node, ps = URIRef(str(p) + "/shape"), URIRef(str(p) + "/property")
        shapes.add((node, RDF.type, SH.NodeShape))
        shapes.add((node, SH.targetSubjectsOf, p))
        shapes.add((node, SH.property, ps))
        shapes.add((ps, SH.path, p))
        shapes.add((ps, SH.datatype, URIRef(dt)))
    nts = {t: to_nt(plain_literal(t[0], None, t[1])) for t in todo}
    data = "".join(f"<urn:perr:guard:s> {to_nt(prop[t[1]])} {nts[t]} .\n" for t in todo)
    rust_results, python_results = _run_both(data, shapes)
    rust = {r.get("value") for r in rust_results}
    python = {to_nt(r.value) for r in python_results if r.value is not None}
    for t, nt in nts.items():
        DATATYPES[t] = (nt in rust, nt in python)


def ranges(limits: Sequence[tuple[Node, Literal]], values: Sequence[str]) -> bool:
    """Whether the engines give different results for the range constraint ``limits`` ((parameter, limit) pairs
    of one shape) on any of ``values`` (N-Triples): each value is the one value of a focus node of its own."""
    from perr_graph.validation.terms import to_nt

    key = "".join(sorted(f"{to_nt(p)} {to_nt(limit)} ." for p, limit in limits))
    todo = sorted({v for v in values if (key, v) not in RANGES})
    if todo:
        shapes = Graph()
        node, ps = URIRef("urn:perr:guard:shape"), URIRef("urn:perr:guard:property")
        shapes.add((node, RDF.type, SH.NodeShape))
        shapes.add((node, SH.targetSubjectsOf, _P))
        shapes.add((node, SH.property, ps))
        shapes.add((ps, SH.path, _P))
        for p, limit in limits:
            shapes.add((ps, p, limit))
        focus = {v: f"<urn:perr:guard:v{i}>" for i, v in enumerate(todo)}
        data = "".join(f"{focus[v]} {to_nt(_P)} {v} .\n" for v in todo)
        rust_results, python_results = _run_both(data, shapes)
        rust = {(r["focusNode"], r["sourceConstraintComponent"]) for r in rust_results}
        python = {(to_nt(r.focus), to_nt(r.component)) for r in python_results}
        for v, f in focus.items():
            RANGES[(key, v)] = {c for s, c in rust if s == f} != {c for s, c in python if s == f}
    return any(RANGES[(key, v)] for v in values)
