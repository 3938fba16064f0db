"""The SHACL engines behind one interface: shacl-rust (the fast engine), pySHACL (the reference) and ``auto``
(shacl-rust for the shapes it is trusted with, pySHACL for the others: :mod:`perr_graph.validation.routing`).

Each takes a unit's data (N-Triples text, terms as written) and gives :class:`~perr_graph.validation.model.Result`
values read from its report (SHACL §3.6: focus node, result path, value, source shape, source constraint
component, severity). Results are a set: a result an engine reports twice is kept once. The engines are chosen
by measurement (docs/benchmarks.md, "Choosing the SHACL engine").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from perr_graph.validation import paths, routing
from perr_graph.validation.model import Result
from perr_graph.validation.shapes import Shapes, ShapesError
from perr_graph.validation.terms import from_nt, from_ox, to_nt

#: the engines ``perr validate --engine`` accepts, the default first. ``perr`` is the name issue 17 gave the
#: project's own fast engine; since the measurement (docs/benchmarks.md) replaced the project's SPARQL compiler by
#: shacl-rust, it names the fast engine run alone: shacl-rust, refusing what it is not trusted with
ENGINES = ("auto", "perr", "shacl-rust", "pyshacl")
#: what each engine name runs
ALIASES = {"perr": "shacl-rust"}

#: whether shacl-rust ran in this process: a process forked after that may hang in it (its thread pool does not
#: survive a fork), so worker processes are then started another way (:func:`fork_safe`)
_RAN_IN_PROCESS = False


def canonical(engine: str) -> str:
    """The engine an engine name runs (``perr`` is shacl-rust)."""
    if engine not in ENGINES:
        raise ShapesError(f"unknown engine {engine!r} (use {', '.join(ENGINES)})")
    return ALIASES.get(engine, engine)


def fork_safe() -> bool:
    """Whether worker processes may be forked from this process (shacl-rust has not run in it)."""
    return not _RAN_IN_PROCESS


def shacl_rust_validate(data_nt: str, shapes_nt: str) -> dict[str, Any]:
    """``shacl_rust.validate`` on N-Triples text (every call of it goes through here: see :func:`fork_safe`)."""
    import shacl_rust

    global _RAN_IN_PROCESS
    _RAN_IN_PROCESS = True
    return shacl_rust.validate(data_nt, shapes_nt, data_format="nt", shapes_format="nt")


class EngineRefusal(ShapesError):
    """The fast engine is asked to run a shape that uses a feature it is not trusted with."""


#: the last prepared shapes of this process (see :meth:`Prepared.make`)
_PREPARED: dict[tuple[str, str], Prepared] = {}


@dataclass
class UnitData:
    """What an engine validates: a unit's triples as N-Triples (terms as written), a store of them for the data
    checks (:mod:`~perr_graph.validation.guards`), and their typed literals as written."""

    ntriples: str
    store: Any
    typed: set[tuple[str, str]]


@dataclass
class Prepared:
    """A shapes graph made ready for one engine: the N-Triples the fast engine reads and the rdflib graph pySHACL
    reads, each with the other's targets removed when ``auto`` splits the shapes."""

    shapes: Shapes
    engine: str
    fast: str | None = None
    reference: Graph | None = None
    plan: routing.Plan | None = None
    guards: Any = None  # perr_graph.validation.guards.Guards, for auto and shacl-rust
    _halves: dict[frozenset[Node], tuple[str | None, Graph | None]] = field(default_factory=dict)

    @classmethod
    def make(cls, shapes: Shapes, engine: str) -> Prepared:
        """The shapes made ready for ``engine`` (kept per shapes graph and engine in this process: preparing
        parses every SPARQL constraint)."""
        engine = canonical(engine)
        key = (shapes.digest, engine)
        if key not in _PREPARED:
            _PREPARED.clear()
            _PREPARED[key] = cls._make(shapes, engine)
        return _PREPARED[key]

    @classmethod
    def _make(cls, shapes: Shapes, engine: str) -> Prepared:
        if engine not in ENGINES:
            raise ShapesError(f"unknown engine {engine!r} (use {', '.join(ENGINES)})")
        if engine == "pyshacl":
            return cls(shapes, engine, reference=shapes.graph)
        plan = routing.plan(shapes)
        if engine == "shacl-rust" and plan.reference:
            shape = plan.reference[0]
            raise EngineRefusal(
                f"the shacl-rust engine is not trusted with {routing.describe(plan.reasons[shape][0])}, used by "
                f"the shape {shapes.name(shape)}: use --engine auto or --engine pyshacl"
            )
        from perr_graph.validation.guards import Guards

        prepared = cls(shapes, engine, plan=plan, guards=Guards.make(shapes))
        prepared.fast, prepared.reference = prepared.halves(frozenset(plan.reference))
        return prepared

    def halves(self, routed: frozenset[Node]) -> tuple[str | None, Graph | None]:
        """The fast engine's shapes (N-Triples) and pySHACL's (rdflib) when the targeted shapes ``routed`` go to
        pySHACL; None for an engine that has nothing to evaluate."""
        if routed not in self._halves:
            assert self.plan is not None
            targeted = self.shapes.targeted
            fast = [s for s in targeted if s not in routed]
            if not routed:
                self._halves[routed] = (self.shapes.ntriples(), None)
            elif not fast:
                self._halves[routed] = (None, self.shapes.graph)
            else:
                self._halves[routed] = (
                    self.shapes.ntriples(routing.half(self.shapes, sorted(routed, key=str))),
                    routing.half(self.shapes, fast),
                )
        return self._halves[routed]

    def run(self, data: UnitData, unit: str = "data") -> list[Result]:
        """Every result of the unit's data, each once (SHACL §3.6: a report's results are a set)."""
        fast, reference = self.fast, self.reference
        routed: frozenset[Node] = frozenset()
        if self.plan is not None and self.guards is not None:
            hit = self.guards.check(data.store, data.typed, self.plan.fast)
            if hit and self.engine == "shacl-rust":
                shape, reason = sorted(hit.items(), key=lambda kv: str(kv[0]))[0]
                raise EngineRefusal(
                    f"{unit}: the shacl-rust engine is not trusted with {routing.describe(reason)}, checked by "
                    f"the shape {self.shapes.name(shape)}: use --engine auto or --engine pyshacl"
                )
            routed = frozenset(self.plan.reference) | frozenset(hit)
            if hit:
                fast, reference = self.halves(routed)
        results: dict[tuple[str, ...], Result] = {}
        if fast is not None:
            for r in run_shacl_rust(data.ntriples, fast, self.shapes):
                results.setdefault(r.key, r)
        if reference is not None and (self.engine == "pyshacl" or self._has_focus(data.store, routed)):
            for r in run_pyshacl(rdflib_graph(data.ntriples), reference):
                results.setdefault(r.key, r)
        return list(results.values())

    def _has_focus(self, store: Any, shapes: Iterable[Node]) -> bool:
        """Whether any of the targeted ``shapes`` has a focus node in the unit (SHACL §2.1.3)."""
        g = self.shapes.graph
        for shape in shapes:
            if (shape, SH.targetNode, None) in g:
                return True
            classes = list(g.objects(shape, SH.targetClass))
            if any(c in self.shapes.classes for c in g.objects(shape, RDF.type)):
                classes.append(shape)
            asks = [f"ASK {{ ?x <{RDF.type}>/<{RDFS.subClassOf}>* {to_nt(c)} }}" for c in classes]
            asks += [f"ASK {{ ?x {to_nt(p)} ?y }}" for p in g.objects(shape, SH.targetSubjectsOf)]
            asks += [f"ASK {{ ?x {to_nt(p)} ?y }}" for p in g.objects(shape, SH.targetObjectsOf)]
            if any(bool(store.query(a)) for a in asks):
                return True
        return False


def run_shacl_rust(data_nt: str, shapes_nt: str, shapes: Shapes) -> list[Result]:
    """shacl-rust on N-Triples text; blank-node shapes mapped back from the IRIs they were given, and the results
    of SPARQL constraints put in the form pySHACL gives them (see :mod:`~perr_graph.validation.routing`)."""
    no_value = routing.no_value_property_shapes(shapes)
    try:
        report = shacl_rust_validate(data_nt, shapes_nt)
    except Exception as exc:  # the engine raises plain exceptions (ValueError, RuntimeError) for bad shapes
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ShapesError(f"shacl-rust cannot run the shapes: {first}") from None
    out = []
    for r in report["results"]:
        shape = shapes.unskolem.get(r["sourceShape"][1:-1]) if r["sourceShape"].startswith("<") else None
        result = Result(
            focus=_term(r["focusNode"]),
            shape=shape if shape is not None else _term(r["sourceShape"]),
            component=_term(r["sourceConstraintComponent"]),
            severity=_term(r["severity"]),
            path=paths.from_sparql(r["resultPath"]) if r.get("resultPath") else None,
            value=from_nt(r.get("value")),
        )
        if result.component == SH.SPARQLConstraintComponent:
            if result.value is None and (result.shape, SH.path, None) not in shapes.graph:
                # SHACL §5.3.2 as pySHACL reads it: the value of a result of a node shape's SPARQL constraint that
                # binds no ?value is the focus node; shacl-rust leaves it out
                result = replace(result, value=result.focus)
            elif result.shape in no_value:
                # shacl-rust runs such a query once per value node: one result per focus node, as pySHACL gives
                result = replace(result, value=None)
        out.append(result)
    return out


def _term(text: str) -> Node:
    term = from_nt(text)
    if term is None:
        raise ShapesError("shacl-rust gave a result without a focus node, shape, component or severity")
    return term


def run_pyshacl(data: Graph, shapes_graph: Graph) -> list[Result]:
    """pySHACL (SHACL Core and SHACL-SPARQL, no inference, no SHACL-AF) on ``data`` (changed: pass a copy)."""
    from pyshacl import validate

    _, report, _ = validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    if not isinstance(report, Graph):  # pySHACL's ValidationFailure: a shape it cannot run
        raise ShapesError(f"pySHACL cannot run the shapes: {str(report).strip().splitlines()[0]}")
    return results_of_report(report)


def results_of_report(report: Graph) -> list[Result]:
    """The results of a SHACL report graph (the ``sh:result`` values of its ``sh:ValidationReport``; results
    nested in ``sh:detail`` are not results of the report)."""
    out = []
    for rep in report.subjects(RDF.type, SH.ValidationReport):
        for node in report.objects(rep, SH.result):
            path_node = report.value(node, SH.resultPath)
            out.append(
                Result(
                    focus=_required(report, node, SH.focusNode),
                    shape=_required(report, node, SH.sourceShape),
                    component=_required(report, node, SH.sourceConstraintComponent),
                    severity=_required(report, node, SH.resultSeverity),
                    path=None if path_node is None else paths.from_graph(report, path_node),
                    value=report.value(node, SH.value),
                )
            )
    return out


def _required(report: Graph, node: Node, prop: Node) -> Node:
    value = report.value(node, prop)
    if value is None:
        raise ShapesError(f"pySHACL gave a result without {prop}")
    return value


def rdflib_graph(data_nt: str | bytes | Iterable[Any]) -> Graph:
    """An rdflib graph of N-Triples text (or pyoxigraph triples), terms as written, blank nodes as labelled."""
    import pyoxigraph as ox

    g = Graph()
    triples: Iterable[Any] = (
        ox.parse(
            data_nt.encode("utf-8") if isinstance(data_nt, str) else data_nt, format=ox.RdfFormat.N_TRIPLES
        )
        if isinstance(data_nt, (str, bytes))
        else data_nt
    )
    cache: dict[Any, Any] = {}

    def conv(t: Any) -> Any:
        o = cache.get(t)
        if o is None:
            o = cache[t] = from_ox(t)
        return o

    for t in triples:
        g.add((conv(t.subject), conv(t.predicate), conv(t.object)))
    return g
