"""The shapes graph: read from files, its shapes named, its messages in French and English.

A shapes graph (SHACL §1.5) is read exactly as written (:mod:`perr_graph.validation.rdfin`), every file into one
graph. Shapes that are blank nodes (SHACL §2.1: "a shape is an IRI or blank node") are given IRIs of their own
for the fast engine (:attr:`Shapes.skolem`), which does not keep blank-node labels in its results, and mapped back
to the blank node in every result, so a result always names the shape of the shapes graph that gave it.

Messages: a shape's ``sh:message`` (SHACL §2.1.5) in the language asked for, else one without a language tag,
else the English one; a shape without any gets a message written from its constraint component
(:mod:`perr_graph.validation.wording`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from perr_graph.errors import PerrError
from perr_graph.validation import paths
from perr_graph.validation.terms import compact, from_ox, local_name

#: where blank-node shapes get their IRI for the fast engine
SKOLEM = "urn:perr:shape:"
#: the project's shapes namespace (``perrsh:``)
PERRSH = "https://w3id.org/perr-graph/shapes#"
#: the predicates that make their subject a target of focus nodes (SHACL §2.1.3)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: predicates whose object is a shape (SHACL §4.7, §4.5: sh:node, sh:property, sh:not, sh:qualifiedValueShape)
SHAPE_VALUED = (SH.property, SH.node, getattr(SH, "not"), SH.qualifiedValueShape)
#: predicates whose object is a list of shapes (SHACL §4.6: sh:and, sh:or, sh:xone)
SHAPE_LISTS = (getattr(SH, "and"), getattr(SH, "or"), SH.xone)
RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
RDFS_SUBCLASSOF = URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf")


class ShapesError(PerrError):
    """A shapes file cannot be read, or a shape cannot be run by the engine asked for."""


class Shapes:
    """A shapes graph (rdflib, literals as written), with its N-Triples for the engines."""

    def __init__(self, graph: Graph, files: Sequence[Path] = ()):
        self.graph = graph
        self.files = tuple(files)
        self._messages: dict[tuple[Node, str | None], str] = {}
        for shape, m in graph.subject_objects(SH.message):
            if isinstance(m, Literal):
                self._messages.setdefault((shape, m.language), str(m))

    # --- reading ----------------------------------------------------------------------------------------

    @classmethod
    def load(cls, sources: Path | Sequence[Path] | None = None) -> Shapes:
        """The shapes of ``sources``: folders (their ``*.ttl``) and files, in order (a corpus's own join the
        bundled ones); by default the bundled shapes."""
        from perr_graph import resources

        items = (
            [resources.shapes()] if sources is None else [sources] if isinstance(sources, Path) else sources
        )
        files: list[Path] = []
        for item in map(Path, items):
            if item.is_dir():
                found = sorted(item.glob("*.ttl"))
                if not found:
                    raise ShapesError("no shapes (*.ttl) in the folder", item)
                files += found
            elif item.is_file():
                files.append(item)
            else:
                raise ShapesError("no such shapes file or folder", item)
        return cls.from_files(files)

    @classmethod
    def from_files(cls, files: Iterable[Path]) -> Shapes:
        from perr_graph.errors import InputError
        from perr_graph.validation.rdfin import read_quads

        g = Graph()
        files = list(files)
        for i, f in enumerate(files):
            try:
                for q in read_quads(f, f"s{i}", own_graph=False):
                    g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
            except InputError as exc:
                raise ShapesError(f"cannot read shapes: {exc.message}", exc.path, exc.line) from None
        return cls(g, files)

    @classmethod
    def from_ntriples(cls, text: str) -> Shapes:
        """Shapes from N-Triples text (what :meth:`ntriples` writes: worker processes rebuild the shapes so)."""
        import pyoxigraph as ox

        g = Graph()
        for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return cls(g)

    @classmethod
    def from_graph(cls, graph: Graph) -> Shapes:
        """Shapes from an rdflib graph (copied: the caller's graph is never changed)."""
        g = Graph()
        for t in graph:
            g.add(t)
        return cls(g)

    # --- what the graph holds -----------------------------------------------------------------------------

    @cached_property
    def shapes(self) -> frozenset[Node]:
        """Every shape (SHACL §2.1: instances of sh:NodeShape / sh:PropertyShape, subjects of targets or of
        sh:path, values of the shape-valued parameters)."""
        g = self.graph
        out: set[Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
        out |= set(g.subjects(SH.path, None))
        for p in TARGETS:
            out |= set(g.subjects(p, None))
        for p in SHAPE_VALUED:
            out |= {o for o in g.objects(None, p) if not isinstance(o, Literal)}
        for p in SHAPE_LISTS:
            for head in g.objects(None, p):
                out |= {m for m in Collection(g, head) if not isinstance(m, Literal)}
        return frozenset(out)

    @cached_property
    def classes(self) -> frozenset[Node]:
        """The classes whose instances in the shapes graph are classes (SHACL §2.1.3.3, implicit class targets):
        rdfs:Class, owl:Class and the direct subclasses of rdfs:Class the shapes graph declares, as pySHACL
        reads them."""
        return frozenset({RDFS_CLASS, OWL_CLASS, *self.graph.subjects(RDFS_SUBCLASSOF, RDFS_CLASS)})

    @cached_property
    def targeted(self) -> tuple[Node, ...]:
        """The shapes with a target (explicit, or implicit: a shape that is also a class, SHACL §2.1.3.3),
        sorted: each is a starting point of validation."""
        g = self.graph
        out = [
            s
            for s in self.shapes
            if any((s, p, None) in g for p in TARGETS)
            or any(c in self.classes for c in g.objects(s, RDF.type))
        ]
        return tuple(sorted(out, key=lambda s: (isinstance(s, BNode), str(s))))

    def node_shapes(self) -> list[URIRef]:
        """The named node shapes that have a target (what ``tests/shapes/`` gives examples for)."""
        return [s for s in self.targeted if isinstance(s, URIRef) and (s, SH.path, None) not in self.graph]

    def parents(self, shape: Node) -> list[Node]:
        """The shapes that name ``shape`` with sh:property (none for a node shape)."""
        return sorted(self.graph.subjects(SH.property, shape), key=str)

    def path(self, shape: Node) -> paths.Path | None:
        node = self.graph.value(shape, SH.path)
        return None if node is None else paths.from_graph(self.graph, node)

    # --- naming and messages ----------------------------------------------------------------------------

    def name(self, shape: Node | None) -> str:
        """A shape's short name: the local name of a ``perrsh:`` shape, a prefixed name, or for a blank node its
        parent's name and its path (``ex:PersonShape/ex:age``)."""
        if shape is None:
            return ""
        if isinstance(shape, URIRef):
            return local_name(shape) if str(shape).startswith(PERRSH) else compact(shape)
        parents = self.parents(shape)
        path = self.path(shape) if (shape, SH.path, None) in self.graph else None
        head = self.name(parents[0]) if parents else "_"
        return f"{head}/{paths.text(path)}" if path is not None else f"{head}/[{compact(shape)}]"

    def message(self, shape: Node, lang: str) -> str | None:
        """The shape's ``sh:message`` in ``lang``, else untagged, else in English; None when it has none."""
        for key in ((shape, lang), (shape, None), (shape, "en"), (shape, "fr")):
            if key in self._messages:
                return self._messages[key]
        return None

    # --- for the engines --------------------------------------------------------------------------------

    @cached_property
    def skolem(self) -> dict[Node, URIRef]:
        """Each blank-node shape and the IRI it is given for the fast engine."""
        return {s: URIRef(SKOLEM + str(s)) for s in self.shapes if isinstance(s, BNode)}

    @cached_property
    def unskolem(self) -> dict[str, Node]:
        return {str(iri): b for b, iri in self.skolem.items()}

    def ntriples(self, graph: Graph | None = None, skolemize: bool = True) -> str:
        """``graph`` (default: the whole shapes graph) in N-Triples, sorted, blank-node shapes as their IRIs."""
        from perr_graph.validation.terms import to_nt

        g = self.graph if graph is None else graph
        swap: dict[Any, Any] = dict(self.skolem) if skolemize else {}
        lines = {f"{to_nt(swap.get(s, s))} {to_nt(p)} {to_nt(swap.get(o, o))} .\n" for s, p, o in g}
        return "".join(sorted(lines))

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the shapes graph (sorted N-Triples): part of every cache key."""
        return hashlib.sha256(self.ntriples(skolemize=False).encode("utf-8")).hexdigest()
