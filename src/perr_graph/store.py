"""The embedded store: RDF files in pyoxigraph (Oxigraph's Rust engine, in-process).

rdflib's memory store answers the same SPARQL but 15× slower or more on our queries; pyoxigraph keeps the named
graphs, answers the query library in milliseconds and needs no server.

This module opens or loads the files it is given, and nothing else: it never builds. A command that works on
the built dataset asks :func:`perr_graph.build.ensure_dataset` for it first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DatasetFiles:
    """The files of a dataset, not loaded in this process: given where a store is expected by a command that
    reads the dataset through one batch of queries (``perr report``), the batch's child process
    (:func:`perr_graph.sparql.run.select_plain`) loads them itself, then answers. The store then lives only in
    that child: no copy-on-write of it for the engine (its reads write to the store's memory: at 500 synthetic
    protocols, the 19 queries took 13–14 s in a child forked after loading, 9.7 s in the child that loaded), and
    the processes forked afterwards to write pages do not inherit it. Each batch loads the files again: a
    command asks every query it needs in one."""

    files: tuple[Path, ...]
    lenient: bool = False

    def __post_init__(self) -> None:
        for f in self.files:  # here, at once, rather than in the child after any other work
            rdf_format(f)

    def open(self):
        """The store holding the files (:func:`open_store`)."""
        return open_store(self.files, lenient=self.lenient)


def open_store(
    files: Sequence[Path],
    location: Path | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    lenient: bool = False,
):
    """A pyoxigraph Store holding ``files``: in memory, or, with ``location``, the on-disk store of
    :func:`open_disk_store` (``progress`` says when it is being made). ``lenient``: the files are read without
    checking their IRIs and language tags (:func:`load_file`), for a command that only reads the dataset."""
    import pyoxigraph as ox

    paths = [Path(f) for f in files]
    if not paths:
        raise InputError("no RDF file to open (give the dataset or --data FILE)")
    if location is not None:
        return open_disk_store(Path(location), paths, progress)
    store = ox.Store()
    for f in paths:
        load_file(store, f, lenient=lenient)
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
    made again when they change. A folder that is not such a store is never overwritten: one without a valid
    manifest, or holding anything besides the store's own files, is refused (issue 16)."""
    import pyoxigraph as ox

    stamp = _stamp(files)
    manifest = location / MANIFEST
    if location.exists():
        if not location.is_dir() or not manifest.exists():
            if location.is_dir() and not any(location.iterdir()):
                location.rmdir()
            else:
                raise InputError(f"not a perr store (no {MANIFEST}): give an empty or new folder", location)
        else:
            recorded = _recorded(manifest)
            if recorded is None:
                raise InputError(
                    f"not a perr store: its {MANIFEST} is not the one perr writes; give an empty or new folder",
                    location,
                )
            if recorded == stamp:
                return ox.Store.read_only(str(location))
            strangers = sorted(
                p.name for p in location.iterdir() if not _STORE_FILE.match(p.name) or p.is_dir()
            )
            if strangers:
                raise InputError(
                    f"not replaced: the store holds other files ({', '.join(strangers[:3])}); "
                    "give an empty or new folder",
                    location,
                )
    say = progress or (lambda _m: None)
    location.parent.mkdir(parents=True, exist_ok=True)
    tmp = location.parent / f".{location.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        store = ox.Store(str(tmp))
        for f in files:
            say(f"loading {f} into {location}")
            load_file(store, f, bulk=True)
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


#: what a store folder holds: RocksDB's files (data, logs, manifests, options) and perr's manifest
_STORE_FILE = re.compile(
    r"^(\d+\.(log|sst|blob|dbtmp)|CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(\.dbtmp)?"
    + "|"
    + re.escape(MANIFEST)
    + ")$"
)


def _recorded(manifest: Path) -> list[dict[str, object]] | None:
    """The files a store's manifest records, or None if it is not a manifest perr wrote (unreadable, not JSON,
    not ``{"files": [{"file", "size", "mtime_ns"}, …]}``)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(
        isinstance(f, dict)
        and set(f) == {"file", "size", "mtime_ns"}
        and isinstance(f["file"], str)
        and isinstance(f["size"], int)
        and isinstance(f["mtime_ns"], int)
        for f in files
    ):
        return None
    return files


def rdf_format(path: Path) -> str:
    """The media type of the RDF file ``path``, by its suffix; InputError if the suffix is not one of
    :data:`FORMATS` or the file does not exist."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"unknown RDF file type {path.suffix!r} (use .ttl, .trig, .nt, .nq, .jsonld, .rdf)", path
        )
    if not path.exists():
        raise InputError("file not found", path)
    return fmt


def load_file(store: Any, path: Path, *, lenient: bool = False, bulk: bool = False) -> None:
    """Add the RDF file ``path`` to ``store`` (a file of triples into a graph named by the file's ``file:`` IRI).

    ``lenient``: Oxigraph's parser skips its checks of IRIs and language tags (a malformed file is still refused,
    with its line); the national synthetic dataset (886 MB of N-Quads) loads in about 13–16 s instead of 19–22 s.
    ``bulk``: Oxigraph's bulk loader, for the on-disk store (not transactional, memory bounded); in memory the
    plain loader is as fast and keeps less."""
    import pyoxigraph as ox

    fmt = rdf_format(path)
    kwargs = {}
    if fmt in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"):
        kwargs["to_graph"] = ox.NamedNode(f"file://{path.resolve()}")
    try:
        load = store.bulk_load if bulk else store.load
        load(path=str(path), format=ox.RdfFormat.from_media_type(fmt), lenient=lenient, **kwargs)
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"syntax error: {exc.msg if hasattr(exc, 'msg') else exc}", path, line) from None
    except (OSError, ValueError) as exc:
        raise InputError(str(exc), path) from None


def graph_names(store: Any) -> list[str]:
    """The IRIs of the store's named graphs, sorted (blank-node graph names are left out)."""
    import pyoxigraph as ox

    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
