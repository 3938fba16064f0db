"""Validation units: what is validated together, and with which shared data.

What ``perr validate`` reads (docs/validation.md, "How a protocol is checked"): each protocol's named graph is a
unit, validated on its own together with the shared graphs (ontology, registry, reference) as data, so one
protocol's data can never make another look complete. A file without named graphs is one unit. Results on nodes
that only the shared graphs describe are left out of a protocol's report; they are reported once, by the unit
``shared`` (the shared graphs alone).

A unit's data is its own graphs, the ontology, and — with the project's shapes — only the triples of the other
shared graphs reachable *forward* from the terms of its own graphs (a partner's category and parents, a QPV's
commune and EPCI, labels, identifiers): every project shape walks from the protocol's nodes towards the registry,
never back, so it sees the same triples as with the whole shared graphs, and a unit stays small whatever the
number of protocols (:func:`shared_slice`). With other shapes (``--shapes``), a unit has the whole shared graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perr_graph import namespaces as ns
from perr_graph.errors import InputError
from perr_graph.validation.model import SHARED
from perr_graph.validation.rdfin import read_quads, store_is_exact

SHARED_GRAPHS = (str(ns.ONTOLOGY_GRAPH), str(ns.REGISTRY_GRAPH), str(ns.REFERENCE_GRAPH))
ONTOLOGY = str(ns.ONTOLOGY_GRAPH)
#: the default graph, as a unit's graph name
DEFAULT = ""


@dataclass(frozen=True)
class Unit:
    """A unit: its name in the report, its own graphs, and whether it is the shared graphs' own unit."""

    name: str
    graphs: tuple[str, ...]
    shared: bool = False

    @property
    def graph(self) -> str | None:
        """The unit's named graph (its IRI in the report): its one graph, or its protocol's graph when the
        protocol's graph of inferences joins it."""
        return self.graphs[0] if self.graphs and self.graphs[0] and not self.shared else None


class Quads:
    """The data read: quads by graph, held in the store (fast, canonical literals) or in a dataset (terms as
    written), behind one small interface."""

    def __init__(self, container: Any, exact: bool):
        self.container = container
        self.exact = exact

    @classmethod
    def read(cls, files: Sequence[Path]) -> Quads:
        """The quads of ``files``: in the store when every file is kept as written there
        (:func:`~perr_graph.validation.rdfin.store_is_exact`), else read exactly."""
        import pyoxigraph as ox

        from perr_graph.store import load_file

        if all(store_is_exact(f) for f in files):
            store = ox.Store()
            for f in files:
                load_file(store, Path(f))
            return cls(store, exact=False)
        dataset = ox.Dataset()
        for i, f in enumerate(files):
            for q in read_quads(Path(f), f"f{i}"):
                dataset.add(q)
        return cls(dataset, exact=True)

    def match(self, s: Any = None, p: Any = None, o: Any = None, g: Any = None) -> Iterable[Any]:
        """Quads matching a pattern (None: any)."""
        c = self.container
        if not self.exact:
            return c.quads_for_pattern(s, p, o, g)
        if s is not None:
            found = c.quads_for_subject(s)
        elif g is not None:
            found = c.quads_for_graph_name(g)
        elif p is not None:
            found = c.quads_for_predicate(p)
        else:
            found = iter(c)
        return (
            q
            for q in found
            if (p is None or q.predicate == p)
            and (o is None or q.object == o)
            and (g is None or q.graph_name == g)
        )

    def graph_names(self) -> list[str]:
        """Named graphs (IRIs, sorted), and ``DEFAULT`` when the default graph holds triples."""
        import pyoxigraph as ox

        if not self.exact:
            names = {g.value for g in self.container.named_graphs() if isinstance(g, ox.NamedNode)}
            if next(iter(self.container.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
                names.add(DEFAULT)
        else:
            names = {
                q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else DEFAULT
                for q in self.container
            }
        return sorted(names)

    def triples(self, graphs: Iterable[str]) -> list[Any]:
        """The triples of ``graphs``."""
        import pyoxigraph as ox

        out = []
        for g in graphs:
            for q in self.match(g=graph_node(g)):
                out.append(ox.Triple(q.subject, q.predicate, q.object))
        return out

    def add_graphs(self, other: Quads, graphs: Iterable[str]) -> None:
        """Copy ``graphs`` of ``other`` into this data."""
        for g in graphs:
            for q in list(other.match(g=graph_node(g))):
                self.container.add(q)


def graph_node(name: str) -> Any:
    import pyoxigraph as ox

    return ox.DefaultGraph() if name == DEFAULT else ox.NamedNode(name)


def ntriples(triples: Iterable[Any]) -> bytes:
    """Triples as N-Triples, lines sorted (the same data always gives the same bytes: cache keys)."""
    import pyoxigraph as ox

    raw = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    return b"\n".join(sorted(raw.splitlines())) + b"\n" if raw else b""


def discover(quads: Quads) -> tuple[list[Unit], list[str]]:
    """The units of the data (each named graph but the shared ones and the build's other ``graph:`` graphs,
    and the default graph when it holds triples; a protocol's graph of inferences, ``graph:inferences/<pid>``,
    joins its protocol's unit), and the shared graphs present."""
    present, units = [], []
    names = list(quads.graph_names())
    inferences = {g for g in names if g.startswith(str(ns.GRAPH) + "inferences/")}
    for g in names:
        if g in SHARED_GRAPHS:
            present.append(g)
        elif g.startswith(str(ns.GRAPH)) and not g.startswith(str(ns.GRAPH) + "protocol/"):
            continue  # the build's other graphs (dataset description, matches, inferences) are not protocols
        else:
            # a protocol's graph of inferences is validated with it: its inferred involvements hang on it
            pid = g[len(str(ns.GRAPH) + "protocol/") :]
            own = (g, *(x for x in [str(ns.inference_graph(pid))] if x in inferences))
            units.append(Unit(unit_name(quads, g), own))
    return units, [g for g in SHARED_GRAPHS if g in present]


def unit_name(quads: Quads, graph: str) -> str:
    """The protocol's id when the graph describes one protocol of ours, else the file or graph's last name."""
    import pyoxigraph as ox

    prefix = str(ns.ID) + "protocol/"
    rdf_type, protocol = ox.NamedNode(str(ns.RDF.type)), ox.NamedNode(str(ns.PERR.Protocol))
    pids = sorted(
        q.subject.value[len(prefix) :]
        for q in quads.match(None, rdf_type, protocol, graph_node(graph))
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(prefix)
    )
    if len(pids) == 1 and "/" not in pids[0]:
        return pids[0]
    if graph == DEFAULT:
        return "default graph"
    if graph.startswith("file://"):
        return Path(graph[len("file://") :]).name
    return graph.rstrip("/").rsplit("/", 1)[-1]


def open_units(
    files: Sequence[Path] | None,
    *,
    shared: bool = True,
    dataset: Path | Callable[[], Path] | None = None,
    ontology: bool = True,
) -> tuple[Quads, list[Unit], list[str]]:
    """What ``perr validate`` reads: the given RDF files, or the built ``dataset``; their units; and the shared
    graphs each protocol unit is validated with. Shared graphs the files do not bring are taken from the built
    dataset (only the ontology with ``shared`` False, and not even it without ``ontology``: other shapes than
    the project's do not need it). ``dataset`` may be a function that gives it (building it if need be), called
    only when it is needed. The unit ``shared`` comes last when the input brings shared graphs."""
    if callable(dataset) and not files:
        dataset = dataset()
    paths = (
        [Path(f) for f in files]
        if files
        else ([Path(dataset)] if dataset is not None and not callable(dataset) else [])
    )
    if not paths:
        raise InputError("nothing to validate: give RDF files or the built dataset")
    quads = Quads.read(paths)
    units, present = discover(quads)
    if not units:
        raise InputError("no protocol graph to validate (the input holds only shared graphs)", paths[0])
    wanted = list(SHARED_GRAPHS) if shared else ([ONTOLOGY] if ontology else [])
    missing = [g for g in wanted if g not in present]
    if missing:
        if callable(dataset):
            dataset = dataset()
        if dataset is None or not files:
            raise InputError(
                f"the files lack the shared graph(s) {', '.join(missing)} and no built dataset was given to "
                "take them from",
                paths[0],
            )
        quads.add_graphs(Quads.read([Path(dataset)]), missing)
    if present:
        units.append(Unit(SHARED, tuple(present), shared=True))
    return quads, units, [g for g in SHARED_GRAPHS if g in present or g in missing]


def shared_slice(shared: Quads, own: Sequence[Any], graphs: Sequence[str]) -> list[Any]:
    """The triples of the shared ``graphs`` reachable forward from the terms of ``own`` (triples): the
    ontology whole, and of the others the triples whose subject is a term of ``own`` or the object of a triple
    already taken, transitively (see the module docstring)."""
    import pyoxigraph as ox

    out = []
    if ONTOLOGY in graphs:
        out += shared.triples([ONTOLOGY])
    others = [graph_node(g) for g in graphs if g != ONTOLOGY]
    if not others:
        return out
    seen: set[Any] = set()
    todo = []
    for t in own:
        for node in (t.subject, t.object):
            if isinstance(node, (ox.NamedNode, ox.BlankNode)) and node not in seen:
                seen.add(node)
                todo.append(node)
    while todo:
        node = todo.pop()
        for g in others:
            for q in shared.match(s=node, g=g):
                out.append(ox.Triple(q.subject, q.predicate, q.object))
                o = q.object
                if isinstance(o, (ox.NamedNode, ox.BlankNode)) and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return out
