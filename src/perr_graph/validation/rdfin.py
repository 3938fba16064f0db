"""Reading RDF files exactly as written, for validation.

The embedded store (pyoxigraph's ``Store``) keeps typed literals in their canonical form (``"4.0"^^xsd:decimal``
comes back as ``"4"``, ``"01"^^xsd:integer`` as ``"1"``) and gives blank nodes fresh labels at each load. SHACL
compares terms (RDF 1.1 Concepts, section 3.3: a literal is its lexical form and datatype), so validation reads
its inputs with pyoxigraph's parser, which keeps every lexical form, and labels blank nodes by file and order of
appearance, so that the same file always gives the same labels (the same report, the same cache key).

:func:`store_is_exact` tells when the faster store may be used instead: an N-Quads or N-Triples file without
blank nodes whose typed literals are all in canonical form already (the built dataset and ``perr synth``'s
output are).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perr_graph.errors import InputError
from perr_graph.store import FORMATS

#: formats whose default-graph triples go to a named graph of their own (``file://<path>``), as the store does
TRIPLE_FORMATS = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
_TYPED = re.compile(rb'"\^\^<http://www\.w3\.org/2001/XMLSchema#([A-Za-z]+)>')


def media_type(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF file type {path.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", path
        )
    return fmt


def read_quads(path: Path, prefix: str, *, own_graph: bool = True) -> Iterator[Any]:
    """The quads of an RDF file, lexical forms kept, blank nodes labelled ``<prefix>b<n>`` in order of first
    appearance. With ``own_graph``, the default-graph triples of a triples-only format (Turtle, N-Triples,
    JSON-LD, RDF/XML) are put in the named graph ``file://<absolute path>``. Errors name the file and line."""
    import pyoxigraph as ox

    path = Path(path)
    fmt = media_type(path)
    if not path.exists():
        raise InputError("file not found", path)
    graph = ox.NamedNode(path.resolve().as_uri()) if own_graph and fmt in TRIPLE_FORMATS else None
    labels: dict[str, Any] = {}

    def term(t: Any) -> Any:
        if isinstance(t, ox.BlankNode):
            b = labels.get(t.value)
            if b is None:
                b = labels[t.value] = ox.BlankNode(f"{prefix}b{len(labels)}")
            return b
        return t

    try:
        for q in ox.parse(
            path=str(path), format=ox.RdfFormat.from_media_type(fmt), base_iri=path.resolve().as_uri()
        ):
            g = q.graph_name
            if graph is not None and isinstance(g, ox.DefaultGraph):
                g = graph
            elif isinstance(g, ox.BlankNode):
                g = term(g)
            yield ox.Quad(term(q.subject), q.predicate, term(q.object), g)
    except SyntaxError as exc:
        raise InputError(f"syntax error: {getattr(exc, 'msg', exc)}", path, exc.lineno) from None
    except (OSError, ValueError) as exc:
        raise InputError(str(exc), path) from None


def store_is_exact(path: Path) -> bool:
    """Whether loading ``path`` into the store keeps it as written: an N-Quads or N-Triples file with no blank
    node and every typed literal of an XML Schema datatype already in the canonical form the store would give
    it (checked by loading each distinct one into a scratch store and reading it back)."""
    import pyoxigraph as ox

    path = Path(path)
    if FORMATS.get(path.suffix.lower()) not in ("application/n-quads", "application/n-triples"):
        return False
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if b"_:" in data:
        return False
    typed = set()
    for m in _TYPED.finditer(data):
        start = data.rfind(b'"', 0, m.start())
        typed.add(data[start : m.end()])
    if not typed:
        return True
    probe = b"".join(b"<urn:x:%d> <urn:x:p> %s .\n" % (i, lit) for i, lit in enumerate(sorted(typed)))
    scratch = ox.Store()
    try:
        scratch.load(probe, format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        return False
    back = scratch.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return {m.group(0) for m in re.finditer(rb'"[^"\n]*"\^\^<[^>]*>', back or b"")} == typed
