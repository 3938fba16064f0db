"""The validation API: :func:`validate_dataset` (what ``perr validate`` and ``perr report`` run), and
:func:`validate` / :func:`validate_report` for rdflib graphs, shaped like pySHACL's ``validate`` (it returns
``(conforms, report_graph, report_text)`` and never changes its inputs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rdflib import Graph

from perr_graph.errors import InputError
from perr_graph.validation.model import SEVERITIES, Report
from perr_graph.validation.quotes import Locator
from perr_graph.validation.run import Progress, Settings, validate_units
from perr_graph.validation.shapes import Shapes
from perr_graph.validation.units import SHARED_GRAPHS, Quads, Unit, open_units
from perr_graph.validation.wording import check_language


def check_severity(fail_on: str) -> str:
    if fail_on not in SEVERITIES:
        raise InputError(f"unknown severity {fail_on!r} (use violation, warning or info)")
    return fail_on


def validate_dataset(
    files: Sequence[Path] | None = None,
    *,
    shapes: Shapes | None = None,
    own_shapes: bool = False,
    shared: bool = True,
    dataset: Path | Callable[[], Path] | None = None,
    locator: Locator | None = None,
    engine: str = "auto",
    fail_on: str = "violation",
    jobs: int | None = 1,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate RDF ``files`` (or the built ``dataset``) unit by unit (:mod:`perr_graph.validation.units`).

    ``shapes``: the shapes graph (default: the bundled shapes). ``own_shapes``: they are a validator's own
    shapes, not the project's: units then have the whole shared graphs rather than a slice of them, and with
    ``shared`` False nothing is added to the files (not even the ontology). ``locator``: where the source texts
    are, for the quote check and the paths of locations. ``jobs``: worker processes (None: one per core)."""
    check_severity(fail_on)
    shapes = shapes or Shapes.load()
    quads, units, graphs = open_units(files, shared=shared, dataset=dataset, ontology=not own_shapes)
    settings = Settings(engine=engine, locator=locator, slice=not own_shapes, fail_on=fail_on)
    return validate_units(quads, units, graphs, shapes, settings, jobs=jobs, cache=cache, progress=progress)


def validate(
    data_graph: Graph,
    shacl_graph: Graph | Shapes | None = None,
    ont_graph: Graph | None = None,
    *,
    shared: Graph | Iterable[Graph] | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    lang: str = "fr",
    engine: str = "auto",
    name: str = "data",
) -> tuple[bool, Graph, str]:
    """Validate one graph, pySHACL style: ``(conforms, report_graph, report_text)``.

    ``shared`` graphs and ``ont_graph`` are added as data; results on nodes that only they describe are left
    out. ``conforms`` is False when a result is at or above ``fail_on``. No input graph is changed."""
    from perr_graph.validation.render import text
    from perr_graph.validation.turtle import report_graph

    check_language(lang)
    report = validate_report(
        data_graph,
        shacl_graph,
        ont_graph,
        shared=shared,
        sources=sources,
        fail_on=fail_on,
        engine=engine,
        name=name,
    )
    return report.conforms, report_graph(report, lang), text(report, lang)


def validate_report(
    data_graph: Graph,
    shacl_graph: Graph | Shapes | None = None,
    ont_graph: Graph | None = None,
    *,
    shared: Graph | Iterable[Graph] | None = None,
    sources: Path | None = None,
    fail_on: str = "violation",
    engine: str = "auto",
    name: str = "data",
) -> Report:
    """As :func:`validate`, but returns the :class:`~perr_graph.validation.model.Report` (results, labels,
    source lines). The shared graphs are taken whole (no slice)."""
    import pyoxigraph as ox

    from perr_graph.validation.terms import to_ox

    check_severity(fail_on)
    shapes = (
        shacl_graph
        if isinstance(shacl_graph, Shapes)
        else Shapes.from_graph(shacl_graph)
        if shacl_graph is not None
        else Shapes.load()
    )
    others = [shared] if isinstance(shared, Graph) else list(shared or [])
    if ont_graph is not None:
        others.append(ont_graph)
    dataset = ox.Dataset()
    own = "urn:perr:validate:data"
    graphs = []
    for i, g in enumerate([data_graph, *others]):
        gname = own if i == 0 else f"urn:perr:validate:shared{i}"
        if i:
            graphs.append(gname)
        node = ox.NamedNode(gname)
        for s, p, o in g:
            dataset.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o), node))
    settings = Settings(engine=engine, locator=Locator(sources), slice=False, fail_on=fail_on)
    report = validate_units(Quads(dataset, exact=True), [Unit(name, (own,))], graphs, shapes, settings)
    report.units[0].graph = None
    return report


__all__ = ["SHARED_GRAPHS", "check_severity", "validate", "validate_dataset", "validate_report"]
