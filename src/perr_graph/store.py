"""The embedded store: the built dataset in pyoxigraph (Oxigraph's Rust engine, in-process).

rdflib's memory store answers the same SPARQL but 15× slower or more on our queries; pyoxigraph keeps the named
graphs, answers the query library in milliseconds and needs no server.
"""

from __future__ import annotations

from pathlib import Path

from . import paths
from .errors import InputError

FORMATS = {
    ".nq": "application/n-quads", ".nquads": "application/n-quads", ".trig": "application/trig",
    ".ttl": "text/turtle", ".turtle": "text/turtle", ".nt": "application/n-triples",
    ".jsonld": "application/ld+json", ".json": "application/ld+json", ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml", ".owl": "application/rdf+xml",
}


def default_dataset() -> Path:
    return paths.DIST / "perr.nq"


def open_store(files: list[Path] | None = None, build_if_missing: bool = True):
    """A pyoxigraph Store holding ``files`` (default: the built dataset, built first if missing)."""
    import pyoxigraph as ox

    if not files:
        nq = default_dataset()
        if not nq.exists():
            if not build_if_missing:
                raise InputError("no built dataset: run 'perr build' first", nq)
            from .build import build

            build()
        files = [nq]
    store = ox.Store()
    for f in files:
        load_file(store, Path(f))
    return store


def load_file(store, path: Path) -> None:
    import pyoxigraph as ox

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown RDF file type {path.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", path)
    if not path.exists():
        raise InputError("file not found", path)
    kwargs = {}
    if fmt in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"):
        kwargs["to_graph"] = ox.NamedNode(f"file://{path.resolve()}")
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.from_media_type(fmt), **kwargs)
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"syntax error: {exc.msg if hasattr(exc, 'msg') else exc}", path, line) from None
    except (OSError, ValueError) as exc:
        raise InputError(str(exc), path) from None


def graph_names(store) -> list[str]:
    """The IRIs of the store's named graphs, sorted (blank-node graph names are left out)."""
    import pyoxigraph as ox

    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
