"""``perr validate`` at national scale: the same results as :mod:`perr_graph.validate`, linear in the number of
protocols, on several cores, and cached by content.

:func:`perr_graph.validate.validate_store` runs every compiled check of every protocol on one store that holds all
the protocols, each check over the protocol's graph and the shared graphs (ontology, registry, reference). Its
time per protocol grows with the size of the whole store (a triple pattern over the chosen graphs still walks the
store's indexes across every graph), and with the registry (checks that target organisations or territories
evaluate every node of the registry, then drop the results on shared-only nodes; labels of every registry node
are read for every protocol): about N² overall. Here, with the same compiled checks and the same rules:

1. **A small store per protocol.** Each protocol is validated in a working store that holds the shared graphs
   and that protocol's graph only (added, validated, removed). Queries name the same graphs as their default
   graph, so they see exactly the same triples; the compiled checks never name a graph themselves (if one did,
   this module would fall back to the plain path).
2. **Focus nodes of the protocol only.** A check whose shape targets a class or the subjects of a property keeps,
   in the plain path, only the focus nodes that the protocol's own graph describes (results on nodes that only
   the shared graphs describe are dropped; they are the ``shared`` unit's). Here its focus pattern says so in
   the query (``GRAPH <protocol> { ?this ?p ?o }``), so the registry is not evaluated for every protocol. Shapes
   with ``sh:targetObjectsOf`` or ``sh:targetNode`` keep the plain focus and the plain filter.
3. **Labels and lines of the results only.** The plain path reads the label of every node (registry included)
   to describe its results; here the same query is restricted to the result nodes and their parent IRIs
   (``VALUES ?s``), which are all the plain path ever looks up.
4. **Processes.** Protocols are spread over ``jobs`` worker processes (forked: the shared graphs are loaded once).
5. **Cache.** With ``cache=DIR``, each protocol's report is kept under the SHA-256 of everything it depends on:
   the protocol graph's sorted N-Triples, the shared graphs' sorted N-Quads, the compiled checks, the source texts
   its quotes cite (and the folder they are read from), and the code of both validation modules. Only protocols
   whose key changed are validated again.

The API is :mod:`perr_graph.validate`'s: :func:`validate_dataset` and :func:`validate_store` return the same
:class:`~perr_graph.validate.Report`. ``tests/test_validate_fast.py`` checks that both paths give identical
reports (results, labels, source lines, text and JSON) on the real five and on synthetic protocols.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from pathlib import Path

from rdflib.namespace import SH

from perr_graph import validate as V

#: stands for the IRI of the unit's own graph in a restricted check
OWN = "urn:perr:validate-fast:own-graph"
_FOCUS_OWN = f"GRAPH <{OWN}> {{ ?this ?_own_p ?_own_o }} "
#: the classes (and superclasses) of the nodes the unit's own graph describes
_CLASSES = (
    f"SELECT DISTINCT ?c WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ GRAPH <{OWN}> {{ ?s ?_p ?_o }} }} }} "
    "?s rdf:type/rdfs:subClassOf* ?c }"
)
_CODE = hashlib.sha256(
    b"".join(Path(m.__file__).read_bytes() for m in (V,)) + Path(__file__).read_bytes()
).hexdigest()


# ==========================================================================================================
# Checks restricted to the protocol's own focus nodes
# ==========================================================================================================


class FastChecks:
    """The plain path's compiled checks, with the focus of class / subjects-of targets restricted to the nodes
    the unit's own graph describes (``{own}`` stands for that graph's IRI)."""

    def __init__(
        self,
        shapes: V.Shapes,
        restrict: bool = True,
        skip_absent: bool = True,
        describe_results_only: bool = True,
    ):
        """``restrict``, ``skip_absent`` and ``describe_results_only`` switch steps 2 and 3 of the module
        docstring (and the skipping of shapes whose target classes a unit lacks) off, to measure what each buys
        (``benchmarks/changes.py``); the report is the same either way."""
        self.shapes = shapes
        self.describe_results_only = describe_results_only
        g = shapes.graph
        self.checks: list[tuple[V.Check, str, bool]] = []  # (check, query template, restricted)
        #: node shape -> its target classes, when it targets classes only (its checks can be skipped for a unit
        #: that has no node of those classes)
        self.class_only: dict = {}
        self.names_graphs = False
        for node_shape in {c.node_shape for c in shapes.checks}:
            if not any(
                g.value(node_shape, p) is not None
                for p in (SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
            ):
                self.class_only[node_shape] = frozenset(str(c) for c in g.objects(node_shape, SH.targetClass))
        if not skip_absent:
            self.class_only = {}
        for check in shapes.checks:
            if re.search(r"\bGRAPH\s*[<?$]", check.query, re.IGNORECASE):
                self.names_graphs = True
            focus = shapes._focus(check.node_shape)
            head = "{ SELECT DISTINCT ?this WHERE { "
            restricted = (
                restrict
                and focus in check.query
                and focus.startswith(head)
                and focus.endswith(" } }")
                and not any(
                    g.value(check.node_shape, p) is not None for p in (SH.targetObjectsOf, SH.targetNode)
                )
            )
            template = (
                check.query.replace(focus, head + _FOCUS_OWN + focus[len(head) :])
                if restricted
                else check.query
            )
            self.checks.append((check, template, restricted))

    def digest(self) -> str:
        h = hashlib.sha256()
        for check, template, restricted in self.checks:
            h.update(
                repr(
                    (
                        str(check.node_shape),
                        str(check.shape),
                        str(check.component),
                        str(check.severity),
                        str(check.path),
                        template,
                        restricted,
                    )
                ).encode("utf-8")
            )
        return h.hexdigest()


def run_shapes(store, fast: FastChecks, unit: V.Unit, shared_subjects: set) -> list[V.Result]:
    """:func:`perr_graph.validate.run_shapes` for a unit with one own named graph, on a store where the focus
    restriction is exact (see the module docstring)."""
    (own,) = unit.own
    graphs = V._graphs(list(unit.own) + list(unit.shared))
    own_subjects = V._subjects(store, V._graphs(unit.own))
    classes = {
        row["c"].value
        for row in V._select(store, V._PROLOGUE + _CLASSES.replace(OWN, own), graphs)
        if hasattr(row["c"], "value")
    }
    results: dict = {}
    for check, template, restricted in fast.checks:
        targets = fast.class_only.get(check.node_shape)
        if restricted and targets is not None and not targets & classes:
            continue  # no node of the unit has a class this shape targets: its focus is empty
        for row in V._select(store, V._PROLOGUE + template.replace(OWN, own), graphs):
            focus = V.from_ox(row["this"])
            if not restricted and focus in shared_subjects and focus not in own_subjects:
                continue
            value = V._get(row, "value")
            path = V._get(row, "path")
            r = V.Result(
                focus,
                check.shape,
                check.severity,
                check.component,
                path if path is not None else check.path,
                value,
                node_shape=check.node_shape,
            )
            results.setdefault(r.key, r)
    return list(results.values())


def describe(store, unit: V.Unit, results: list[V.Result]) -> tuple[dict, dict]:
    """:func:`perr_graph.validate.describe`, reading the labels and lines of the result nodes and of their parent
    IRIs only (the only nodes :func:`perr_graph.validate._nearest` looks up)."""
    from rdflib import URIRef

    wanted: set = set()
    for r in results:
        for node in (r.focus, r.value):
            if isinstance(node, URIRef):
                s = str(node)
                wanted.add(s)
                if s.startswith(str(V.ns.ID)):
                    parts = s.split("/")
                    for cut in range(len(parts) - 1, s.count("/") - str(V.ns.ID).count("/") + 1, -1):
                        wanted.add("/".join(parts[:cut]))
    if not wanted or not all(_iri_ok(x) for x in wanted):
        return V.describe(store, unit, results)
    values = "VALUES ?s { " + " ".join(f"<{x}>" for x in sorted(wanted)) + " } "
    return V.describe(store, unit, results, values)


def _iri_ok(s: str) -> bool:
    return not re.search(r"[\s<>\"{}|\\^`]", s)


# ==========================================================================================================
# Working stores and workers
# ==========================================================================================================


def _dump_graph(store, graph: str) -> bytes:
    """A named graph as N-Triples, lines sorted (the cache key, and what a worker loads)."""
    import pyoxigraph as ox

    raw = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return b"\n".join(sorted(raw.splitlines())) + b"\n"


_STATE: dict = {}


def _shared_slice(base, own_store, own: str, shared_names: list[str]) -> list:
    """The triples of the shared graphs a protocol's checks can reach: the ontology whole, and of the other shared
    graphs (registry, reference) the triples whose subject is reachable from the terms of the protocol's own graph
    by following shared triples forward (a partner's category and parents, a QPV's communes and EPCI, labels,
    identifiers). Every shape walks from the protocol's nodes towards the registry, never back (inverse paths are
    on the protocol's own properties), so the checks see the same triples as with the whole shared graphs."""
    import pyoxigraph as ox

    quads = []
    seen: set = set()
    todo = []
    for q in own_store.quads_for_pattern(None, None, None, ox.NamedNode(own)):
        for t in (q.subject, q.object):
            if isinstance(t, (ox.NamedNode, ox.BlankNode)) and t not in seen:
                seen.add(t)
                todo.append(t)
    graphs = [ox.NamedNode(g) for g in shared_names if g != str(V.ns.ONTOLOGY_GRAPH)]
    while todo:
        node = todo.pop()
        for g in graphs:
            for q in base.quads_for_pattern(node, None, None, g):
                quads.append(q)
                o = q.object
                if isinstance(o, (ox.NamedNode, ox.BlankNode)) and o not in seen:
                    seen.add(o)
                    todo.append(o)
    return quads


def _validate_unit(task: tuple) -> V.UnitReport:
    """One protocol unit in a working store: its graph and the shared triples it can reach (or, with the slice
    switched off, every shared triple); checks, quotes, labels."""
    import pyoxigraph as ox

    unit, triples = task
    base, fast, sources, shared_subjects = (_STATE[k] for k in ("base", "fast", "sources", "shared_subjects"))
    (own,) = unit.own
    name = ox.NamedNode(own)
    isolate = _STATE.get("isolate", True)
    sliced = isolate and _STATE.get("slice", True)
    if sliced:
        work = ox.Store()
        work.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        work.extend(_STATE["ontology"])
        work.extend(_shared_slice(base, work, own, [str(g) for g in unit.shared]))
    elif isolate:
        work = base
        work.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
    else:  # step 1 switched off: every protocol in one store, as the plain path has it
        work = _STATE["store"]
    try:
        results = run_shapes(work, fast, unit, shared_subjects)
        quote_results, notes = V.check_quotes(work, unit, sources)
        results += quote_results
        labels, locations = (
            describe(work, unit, results) if fast.describe_results_only else V.describe(work, unit, results)
        )
    finally:
        if isolate and not sliced:
            base.remove_graph(name)
    return V.UnitReport(unit.name, own, results, labels, locations, notes)


def _cache_key(unit: V.Unit, triples: bytes, context: str, sources: Path | None) -> str:
    h = hashlib.sha256()
    h.update(context.encode())
    h.update(repr((unit.name, list(map(str, unit.own)), list(map(str, unit.shared)))).encode("utf-8"))
    h.update(triples)
    h.update(repr(str(sources)).encode("utf-8"))
    if sources is not None:
        for file in sorted(set(re.findall(rb'<http://purl\.org/dc/terms/identifier> "([^"\\]*)"', triples))):
            path = Path(sources) / file.decode("utf-8", "replace")
            h.update(file + b"\0")
            try:
                h.update(
                    hashlib.sha256(path.read_bytes()).digest()
                    if path.is_file() and "/" not in file.decode("utf-8", "replace")
                    else b"missing"
                )
            except OSError:
                h.update(b"unreadable")
    return h.hexdigest()


def validate_store(
    store,
    units: list[V.Unit],
    shapes: V.Shapes | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    *,
    jobs: int | None = None,
    cache: Path | None = None,
    fast: FastChecks | None = None,
    isolate: bool = True,
    slice_shared: bool = True,
    progress=None,
) -> V.Report:
    """:func:`perr_graph.validate.validate_store`, linear in the number of protocols, on ``jobs`` processes
    (default: every core), with an optional cache folder. ``isolate=False`` validates every protocol in the
    store that holds them all (step 1 switched off, to measure what it buys). ``progress(done, total)`` is called
    as protocols are done (cached ones included)."""
    import pyoxigraph as ox

    shapes = shapes or V.Shapes.load()
    fast = fast or FastChecks(shapes)
    simple = [
        u
        for u in units
        if u.name != V.SHARED and len(u.own) == 1 and isinstance(u.own[0], str) and not fast.names_graphs
    ]
    if not simple:
        return V.validate_store(store, units, shapes, sources, fail_on)
    shared_names = sorted({str(g) for u in simple for g in u.shared})
    if any([str(g) for g in u.shared] != [str(g) for g in simple[0].shared] for u in simple):
        return V.validate_store(store, units, shapes, sources, fail_on)
    base = ox.Store()
    shared_digest = hashlib.sha256()
    for g in shared_names:
        dump = _dump_graph(store, g)
        shared_digest.update(g.encode("utf-8") + b"\n" + dump)
        base.load(dump, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
    shared_subjects = V._subjects(base, V._graphs(shared_names)) if shared_names else set()
    context = "\0".join([_CODE, fast.digest(), shared_digest.hexdigest()])

    by_unit: dict[int, V.UnitReport] = {}
    todo = []
    cache = Path(cache) if cache is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    keys = {}
    simple_ids = {id(u) for u in simple}
    for i, unit in enumerate(units):
        if id(unit) not in simple_ids:
            continue
        triples = _dump_graph(store, unit.own[0])
        key = _cache_key(unit, triples, context, sources) if cache is not None else None
        keys[i] = key
        hit = _cache_get(cache, key) if key else None
        if hit is not None:
            by_unit[i] = hit
        else:
            todo.append((i, unit, triples))

    ontology = list(base.quads_for_pattern(None, None, None, ox.NamedNode(str(V.ns.ONTOLOGY_GRAPH))))
    _STATE.update(
        base=base,
        fast=fast,
        sources=sources,
        shared_subjects=shared_subjects,
        store=store,
        isolate=isolate,
        slice=slice_shared,
        ontology=ontology,
    )
    try:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
        tasks = [(u, t) for _, u, t in todo]
        if jobs == 1:
            done = map(_validate_unit, tasks)
        else:
            import multiprocessing

            pool = multiprocessing.get_context("fork").Pool(jobs)
            done = pool.imap(_validate_unit, tasks, chunksize=max(1, min(8, len(tasks) // (jobs * 4) or 1)))
        try:
            if progress:
                progress(len(by_unit), len(simple))
            for (i, _, _), report in zip(todo, done, strict=False):
                by_unit[i] = report
                if keys.get(i):
                    _cache_put(cache, keys[i], report)
                if progress:
                    progress(len(by_unit), len(simple))
        finally:
            if jobs > 1:
                pool.close()
                pool.join()
    finally:
        _STATE.clear()

    reports = []
    for i, unit in enumerate(units):
        if i in by_unit:
            reports.append(by_unit[i])
        elif (
            unit.name == V.SHARED
            and [str(g) for g in unit.own]
            and all(str(g) in shared_names for g in unit.own)
        ):
            # the shared graphs alone: the same checks on a store that holds nothing else
            reports.extend(V.validate_store(base, [unit], shapes, sources, fail_on).units)
        else:
            reports.extend(V.validate_store(store, [unit], shapes, sources, fail_on).units)
    return V.Report(reports, shapes, fail_on)


def _cache_get(cache: Path | None, key: str):
    if cache is None:
        return None
    path = cache / f"{key}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def _cache_put(cache: Path | None, key: str, report: V.UnitReport) -> None:
    if cache is None:
        return
    path = cache / f"{key}.pickle"
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(report, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def validate_dataset(
    files: list[Path] | None = None,
    shared: bool = True,
    shapes: V.Shapes | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    *,
    jobs: int | None = None,
    cache: Path | None = None,
    fast: FastChecks | None = None,
    progress=None,
    dataset: Path | None = None,
) -> V.Report:
    """:func:`perr_graph.validate.validate_dataset` (same arguments, same units, same report), through
    :func:`validate_store` above."""
    V.check_severity(fail_on)
    store, units = V.open_units(files, shared, dataset)
    return validate_store(
        store,
        units,
        shapes or V.Shapes.load(),
        sources,
        fail_on,
        jobs=jobs,
        cache=cache,
        fast=fast,
        progress=progress,
    )
