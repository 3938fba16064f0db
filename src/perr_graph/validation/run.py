"""Validating units on worker processes (:mod:`perr_graph.pool`), with the cache.

The parent reads the data, prepares the shapes for the engine (refusing, before any work, a shape the fast
engine is not trusted with), writes each unit's own triples as N-Triples (its cache key) and hands the units to
the workers. Each worker builds its state once from plain bytes (the shapes, the shared graphs), so any start
method works: for each unit it makes the unit's data (its triples, and the shared triples it can reach), runs
the engine, the quote check and the descriptions, and sends back the unit's report. Reports come back in the
order of the units, whatever the number of workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from perr_graph import pool
from perr_graph.validation.cache import Cache, code_digest, unit_key
from perr_graph.validation.describe import describe
from perr_graph.validation.engines import Prepared, UnitData, canonical, fork_safe
from perr_graph.validation.guards import typed_literals
from perr_graph.validation.model import Report, UnitReport
from perr_graph.validation.quotes import Locator, check_quotes
from perr_graph.validation.shapes import Shapes
from perr_graph.validation.terms import to_nt
from perr_graph.validation.units import Quads, Unit, ntriples, shared_slice

Progress = Callable[[int, int], None]


@dataclass
class Settings:
    """How to validate: the engine, the source texts, whether units take a forward slice of the shared graphs
    (the project's shapes) or the whole of them, and the severity from which a result fails."""

    engine: str = "auto"
    locator: Locator | None = None
    slice: bool = True
    fail_on: str = "violation"


@dataclass
class _State:
    """What a worker keeps between units."""

    shapes: Shapes
    prepared: Prepared
    shared: Quads
    graphs: list[str]
    shared_subjects: set[str]
    settings: Settings


def _setup(
    shapes_in: Shapes | str, shared_nq: bytes, graphs: list[str], settings: Settings, exact: bool
) -> _State:
    """A worker's state: the shapes ready for the engine (given, or as N-Triples to a worker process), the
    shared graphs (kept as written when the data was read so), the subjects they describe."""
    import pyoxigraph as ox

    shapes = shapes_in if isinstance(shapes_in, Shapes) else Shapes.from_ntriples(shapes_in)
    prepared = Prepared.make(shapes, settings.engine)
    if exact:
        shared = Quads(ox.Dataset(ox.parse(shared_nq, format=ox.RdfFormat.N_QUADS)), exact=True)
    else:
        store = ox.Store()
        if shared_nq:
            store.load(shared_nq, format=ox.RdfFormat.N_QUADS)
        shared = Quads(store, exact=False)
    subjects = {str(q.subject) for q in shared.match()}
    return _State(shapes, prepared, shared, graphs, subjects, settings)


def _work(state: _State, item: tuple[Unit, bytes]) -> UnitReport:
    """One unit: its data, the engine, the quote check, the descriptions."""
    import pyoxigraph as ox

    unit, own_nt = item
    own = list(ox.parse(own_nt, format=ox.RdfFormat.N_TRIPLES)) if own_nt else []
    data = list(own)
    if not unit.shared and state.graphs:
        data += (
            shared_slice(state.shared, own, state.graphs)
            if state.settings.slice
            else state.shared.triples(state.graphs)
        )
    nt = ox.serialize(data, format=ox.RdfFormat.N_TRIPLES)
    store = ox.Store()
    store.load(nt, format=ox.RdfFormat.N_TRIPLES)
    text = (nt or b"").decode("utf-8")
    results = state.prepared.run(UnitData(text, store, typed_literals(data)), unit.name)
    notes: list[str] = []
    if not unit.shared:
        own_subjects = {str(t.subject) for t in own}
        results = [
            r
            for r in results
            if not (to_nt(r.focus) in state.shared_subjects and to_nt(r.focus) not in own_subjects)
        ]
        quotes, notes = check_quotes(store, state.settings.locator or Locator())
        results += quotes
    d = describe(store, results, state.shapes, state.settings.locator or Locator())
    return UnitReport(
        unit.name, unit.graph, results, d.labels, d.locations, d.details, notes, _bnodes(results, data)
    )


def _bnodes(results: list[Any], data: list[Any]) -> dict[str, list[str]]:
    """The triples of the blank nodes the results name (focus nodes, values), and of those they lead to."""
    from rdflib import BNode

    wanted = {str(n) for r in results for n in (r.focus, r.value) if isinstance(n, BNode)}
    if not wanted:
        return {}
    by_subject: dict[str, list[Any]] = {}
    for t in data:
        by_subject.setdefault(str(t.subject), []).append(t)
    out = {}
    for label in wanted:
        lines: list[str] = []
        todo, seen = [f"_:{label}"], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for t in by_subject.get(node, []):
                lines.append(f"{t.subject} {t.predicate} {t.object} .\n")
                if str(t.object).startswith("_:"):
                    todo.append(str(t.object))
        out[label] = sorted(set(lines))
    return out


def validate_units(
    quads: Quads,
    units: Sequence[Unit],
    graphs: Sequence[str],
    shapes: Shapes,
    settings: Settings,
    *,
    jobs: int | None = 1,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate ``units`` of ``quads``, each with the shared ``graphs``: the report, units in order."""
    settings = replace(settings, engine=canonical(settings.engine))
    Prepared.make(shapes, settings.engine)  # refuses now what the fast engine is not trusted with
    shared_nq = _shared_nquads(quads, graphs)
    context = "\0".join(
        [
            code_digest(),
            shapes.digest,
            settings.engine,
            str(settings.slice),
            hashlib.sha256(shared_nq).hexdigest(),
        ]
    )
    store = Cache(Path(cache)) if cache is not None else None
    sources = settings.locator.sources if settings.locator else None
    done: dict[int, UnitReport] = {}
    todo: list[tuple[int, Unit, bytes, str | None]] = []
    for i, unit in enumerate(units):
        own = ntriples(quads.triples(unit.graphs))
        key = unit_key(context, unit.name, unit.graphs, own, sources) if store is not None else None
        hit = store.get(key) if store is not None and key is not None else None
        if hit is not None:
            done[i] = hit
        else:
            todo.append((i, unit, own, key))
    total = len(units)
    if progress:
        progress(len(done), total)
    try:
        n = pool.jobs_for(jobs, len(todo))
        reports = pool.imap(
            _work,
            ((u, own) for _, u, own, _ in todo),
            setup=_setup,
            setup_args=(
                shapes if n == 1 else shapes.ntriples(skolemize=False),
                shared_nq,
                list(graphs),
                settings,
                quads.exact,
            ),
            jobs=n,
            chunksize=1,
            start_method=_start_method(n),
        )
        for (i, _, _, key), report in zip(todo, reports, strict=True):
            done[i] = report
            if store is not None and key is not None:
                store.put(key, report)
            if progress:
                progress(len(done), total)
    finally:
        if store is not None:
            store.close()
    return Report([done[i] for i in range(len(units))], shapes, settings.fail_on, settings.engine)


def _shared_nquads(quads: Quads, graphs: Sequence[str]) -> bytes:
    import pyoxigraph as ox

    out = []
    for g in graphs:
        for t in quads.triples([g]):
            out.append(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)))
    raw = ox.serialize(out, format=ox.RdfFormat.N_QUADS) if out else b""
    return b"\n".join(sorted(raw.splitlines())) + b"\n" if raw else b""


def _start_method(jobs: int) -> pool.StartMethod | None:
    """Fork workers (fast: nothing to read again) while shacl-rust has not run in this process; after it has,
    a forked worker may hang in it, so workers come from a fresh process (forkserver, else spawn)."""
    import multiprocessing

    if jobs <= 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and fork_safe():
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"
