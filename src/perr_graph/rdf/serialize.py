"""Deterministic RDF output: N-Quads and TriG whose bytes depend only on the triples, and atomic writes.

rdflib's serializers follow its stores' iteration order, which can change between runs; these writers sort
every statement, so the same input gives byte-identical files. Every file is written to a temporary name in the
same folder and renamed into place: a failed or interrupted build never leaves a half-written output.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from perr_graph.namespaces import PREFIXES

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NAMESPACES = sorted(((str(ns), p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0]))


def _iri(term: URIRef, compact: bool) -> str:
    s = str(term)
    if compact:
        for ns, prefix in _NAMESPACES:
            if s.startswith(ns) and _LOCAL.match(s[len(ns) :]):
                return f"{prefix}:{s[len(ns) :]}"
    return "<" + s.replace(">", "%3E").replace(" ", "%20") + ">"


def term(t, compact: bool = False) -> str:
    if isinstance(t, URIRef):
        return _iri(t, compact)
    if isinstance(t, Literal):
        lexical = str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if t.language:
            return f'"{lexical}"@{t.language}'
        if t.datatype and str(t.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{lexical}"^^{_iri(t.datatype, compact)}'
        return f'"{lexical}"'
    if isinstance(t, BNode):
        raise ValueError("blank nodes are not allowed in the dataset (every node has an IRI)")
    raise TypeError(f"not an RDF term: {t!r}")


def nquads(graphs: dict[URIRef, Graph]) -> Iterator[str]:
    lines = []
    for name, g in graphs.items():
        gn = term(name)
        lines.extend(f"{term(s)} {term(p)} {term(o)} {gn} .\n" for s, p, o in g)
    yield from sorted(lines)


def trig(graphs: dict[URIRef, Graph]) -> Iterator[str]:
    for prefix, ns in sorted(PREFIXES.items()):
        yield f"@prefix {prefix}: <{ns}> .\n"
    for name in sorted(graphs):
        g = graphs[name]
        yield f"\n{term(name, True)} {{\n"
        by_subject: dict = {}
        for s, p, o in g:
            by_subject.setdefault(s, {}).setdefault(p, []).append(o)
        for s in sorted(by_subject, key=lambda x: str(x)):
            preds = by_subject[s]
            parts = []
            for p in sorted(
                preds, key=lambda x: (str(x) != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", str(x))
            ):
                objs = " , ".join(
                    term(o, True)
                    for o in sorted(
                        preds[p], key=lambda x: (type(x).__name__, str(x), str(getattr(x, "language", "")))
                    )
                )
                parts.append(f"{'a' if str(p).endswith('22-rdf-syntax-ns#type') else term(p, True)} {objs}")
            yield f"  {term(s, True)}\n    " + " ;\n    ".join(parts) + " .\n"
        yield "}\n"


@contextlib.contextmanager
def atomic_file(path: Path):
    """A binary file to write that appears at ``path`` only once it is complete (a temporary file in the same
    folder, synced and renamed into place; removed if anything goes wrong)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write text to ``path`` through a temporary file renamed into place (never a half-written file)."""
    with atomic_file(path) as f:
        for chunk in chunks:
            f.write(chunk.encode("utf-8"))


def to_dataset(graphs: dict[URIRef, Graph]) -> Dataset:
    ds = Dataset()
    for name, g in graphs.items():
        target = ds.graph(name)
        for t in g:
            target.add(t)
    return ds
