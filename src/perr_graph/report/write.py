"""Writing the report's pages into a folder (the temporary folder of :func:`perr_graph.report.build_report`),
with progress bars.

The protocol pages with their source pages, the partner pages (thousands at national scale) and the network
files are shared among worker processes
(:func:`perr_graph.pool.imap`, one per core) when the platform can fork: the workers inherit what was read, so
nothing is sent to them but names, and they send back the paths they wrote, in order. Each page depends only on
the data, so the report is the same bytes whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from perr_graph import pool
from perr_graph.analysis.names import file_stem
from perr_graph.analysis.network import gexf, graphml
from perr_graph.i18n import messages
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads
from perr_graph.report.links import Links
from perr_graph.report.pages import compare, index, matches, network, ontology, partner, protocol, search
from perr_graph.report.pages import validation as findings
from perr_graph.report.render import Site
from perr_graph.terminal import Progress


def write_pages(
    store, out: Path, validation: dict | None, sources: Path | None, lang: str, progress: Progress | None
) -> list[Path]:
    progress = progress or Progress(quiet=True)
    m = messages(lang)
    reading = progress.task(m._("Reading the data"))
    data = ReportData.read(store, validation, lang, sources)
    progress.done(reading)
    texts = protocol.readable_sources(data, sources)
    links = Links(set(texts))
    site = Site(out, lang, sources=bool(texts))
    everyone = partner.partners(data)
    total = 9 + 2 * len(data.pids) + len(everyone)
    task = progress.task(m._("Pages"), total=total)

    def page(name: str, title: str, template: str, make) -> None:
        dl = Downloads(Path(name).stem)
        site.write(name, title, template, make(dl), dl)
        progress.advance(task)

    page("index.html", m._("Territories"), index.TEMPLATE, lambda dl: index.context(data, links, dl))
    page("commitments.html", m._("Commitments"), search.TEMPLATE, lambda dl: search.context(data, links))
    page("compare.html", m._("Compare"), compare.TEMPLATE, lambda dl: compare.context(data, links, dl))
    page("matches.html", m._("Matches"), matches.TEMPLATE, lambda dl: matches.context(data, links, dl))
    exports = [Path(x) for paths in _shared(_export, list(data.graphs), (data, out)) for x in paths]
    site.written += exports
    names = [p.name for p in exports]
    page("network.html", m._("Network"), network.TEMPLATE, lambda dl: network.context(data, links, dl, names))
    data.roles()  # worked out once here, not once per worker
    pages = (data, links, out, lang, texts)
    for paths in _shared(_protocol_pages, list(data.pids), pages):
        site.written += [Path(x) for x in paths]
        progress.advance(task, 2)
    page(
        "partners.html",
        m._("Partners"),
        partner.LIST_TEMPLATE,
        lambda dl: partner.list_context(data, links, dl, everyone),
    )
    state = (data, links, out, lang, bool(texts), everyone)
    for paths in _shared(_partner_page, list(everyone), state):
        site.written += [Path(x) for x in paths]
        progress.advance(task)
    page(
        "validation.html", m._("Validation"), findings.TEMPLATE, lambda dl: findings.context(data, links, dl)
    )
    site.write("ontology.html", m._("Ontology"), ontology.TEMPLATE, ontology.context(data))
    progress.advance(task)
    return site.written


#: below this many items, the work is done here (starting workers would cost more than it saves)
PARALLEL_FROM = 200


def _shared(work, items: list, state: tuple):
    """``work(state, item)`` for every item, in order: in worker processes that inherit ``state`` (fork) when
    there are many items and more than one core, here otherwise."""
    forks = "fork" in multiprocessing.get_all_start_methods()
    jobs = pool.jobs_for(None, len(items)) if forks and len(items) >= PARALLEL_FROM else 1
    return pool.imap(
        work,
        items,
        setup=_state,
        setup_args=state,
        jobs=jobs,
        chunksize=pool.chunksize_for(len(items), jobs),
        start_method="fork" if jobs > 1 else None,
    )


def _state(*state):
    return state


def _protocol_pages(state: tuple, pid: str) -> list[str]:
    """Write the page of protocol ``pid`` with its tables, and the page of its source text when given; the paths
    written."""
    data, links, out, lang, texts = state
    m = messages(lang)
    site = Site(out, lang, sources=bool(texts))
    name = data.pname(pid)
    page = links.protocol(pid)
    dl = Downloads(Path(page).stem)
    site.write(page, name, protocol.TEMPLATE, protocol.context(data, links, dl, pid), dl)
    if pid in texts:
        site.write(
            links.source(pid) or "",
            m._("Source — %(name)s", name=name),
            protocol.SOURCE_TEMPLATE,
            protocol.source_context(data, links, pid, texts[pid]),
        )
    return [os.fspath(x) for x in site.written]


def _partner_page(state: tuple, iri: str) -> list[str]:
    """Write the page of partner ``iri`` and its tables; the paths written."""
    data, links, out, lang, sources, everyone = state
    site = Site(out, lang, sources=sources)
    p = everyone[iri]
    name = links.partner(iri)
    dl = Downloads(Path(name).stem)
    site.write(name, p.label, partner.TEMPLATE, partner.context(data, links, dl, p, everyone), dl)
    return [os.fspath(x) for x in site.written]


def _export(state: tuple, name: str) -> list[str]:
    """Write the GraphML and GEXF files of the partner network ``name`` (plainly: the report's folder is put in
    place whole); the paths written."""
    data, out = state
    folder = out / "network"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, render in (("graphml", graphml), ("gexf", gexf)):
        path = folder / f"partners-{file_stem(name)}.{ext}"
        path.write_text(render(data.graphs[name]), encoding="utf-8")
        written.append(os.fspath(path))
    return written
