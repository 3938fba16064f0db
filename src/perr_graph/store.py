"""The embedded store: RDF files in pyoxigraph (Oxigraph's Rust engine, in-process).

rdflib's memory store answers the same SPARQL but 15× slower or more on our queries; pyoxigraph keeps the named
graphs, answers the query library in milliseconds and needs no server.

This module opens or loads the files it is given, and nothing else: it never builds. A command that works on
the built dataset asks :func:`perr_graph.build.ensure_dataset` for it first.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from perr_graph.errors import InputError

#: the file in an on-disk store that says which files it was made from
MANIFEST = "perr-store.json"

FORMATS = {
    ".nq": "application/n-quads",
    ".nquads": "application/n-quads",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".turtle": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".xml": "application/rdf+xml",
    ".owl": "application/rdf+xml",
}


def open_store(
    files: Sequence[Path], location: Path | None = None, progress: Callable[[str], None] | None = None
):
    """A pyoxigraph Store holding ``files``: in memory, or, with ``location``, the on-disk store of
    :func:`open_disk_store` (``progress`` says when it is being made)."""
    import pyoxigraph as ox

    paths = [Path(f) for f in files]
    if not paths:
        raise InputError("no RDF file to open (give the dataset or --data FILE)")
    if location is not None:
        return open_disk_store(Path(location), paths, progress)
    store = ox.Store()
    for f in paths:
        load_file(store, f)
    return store


def _stamp(files: list[Path]) -> list[dict[str, object]]:
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            raise InputError("file not found", f) from None
        out.append({"file": str(f.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return out


def open_disk_store(location: Path, files: list[Path], progress: Callable[[str], None] | None = None):
    """An on-disk Oxigraph store (RocksDB) in ``location`` holding ``files``, opened read-only.

    For datasets too large to load into memory at each run (the national graph: millions of triples). Made
    the first time, in a temporary folder beside ``location`` renamed into place once complete; reused as long
    as the files are the same (path, size and modification time, recorded in ``location/perr-store.json``);
    made again when they change. A folder that is not such a store is never overwritten."""
    import pyoxigraph as ox

    stamp = _stamp(files)
    manifest = location / MANIFEST
    if location.exists():
        if not manifest.exists():
            if location.is_dir() and not any(location.iterdir()):
                location.rmdir()
            else:
                raise InputError(f"not a perr store (no {MANIFEST}): give an empty or new folder", location)
        else:
            try:
                same = json.loads(manifest.read_text(encoding="utf-8")).get("files") == stamp
            except (OSError, ValueError, AttributeError):
                same = False
            if same:
                return ox.Store.read_only(str(location))
    say = progress or (lambda _m: None)
    location.parent.mkdir(parents=True, exist_ok=True)
    tmp = location.parent / f".{location.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        for f in files:
            say(f"loading {f} into {location}")
            load_file(store, f)
        store.flush()
        store.optimize()
        del store
        (tmp / MANIFEST).write_text(json.dumps({"files": stamp}, indent=1) + "\n", encoding="utf-8")
        if location.exists():
            shutil.rmtree(location)
        os.replace(tmp, location)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ox.Store.read_only(str(location))


def load_file(store: Any, path: Path) -> None:
    import pyoxigraph as ox

    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF file type {path.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", path
        )
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


def graph_names(store: Any) -> list[str]:
    """The IRIs of the store's named graphs, sorted (blank-node graph names are left out)."""
    import pyoxigraph as ox

    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
