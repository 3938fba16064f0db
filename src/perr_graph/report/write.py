"""Writing the report's pages into a folder (the temporary folder of :func:`perr_graph.report.build_report`),
with a progress bar.

Once the data is read, every file to write is one job, and the jobs are shared in one pass between this process
and worker processes (:func:`perr_graph.pool.imap` with ``here``: one process per core in all) when the platform
can fork and there are many: the site's own pages (the search page first, the longest), the network files, the
protocol pages with their source pages, the partner pages (thousands at national scale). The workers inherit what
was read, so nothing is sent to them but names, and they send back the paths they wrote, in order. One pass, not
one per kind of page: a worker copies the parts of the data it touches once, and no process waits for the last job
of a kind; this process works too, as it has no inherited memory to copy. Each page depends only on the data, so
the report is the same bytes whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from perr_graph import pool
from perr_graph.analysis.names import file_stem
from perr_graph.analysis.network import ALL, gexf, graphml
from perr_graph.i18n import messages
from perr_graph.report.data import ReportData
from perr_graph.report.downloads import Downloads
from perr_graph.report.links import Links
from perr_graph.report.pages import compare, index, matches, network, ontology, partner, protocol, search
from perr_graph.report.pages import validation as findings
from perr_graph.report.render import Site, write_assets
from perr_graph.terminal import Progress

#: the site's own pages (written by :func:`_site_page`), the longest first
SITE_PAGES = [
    "network.html",  # with the network's measures (perr_graph.report.data.LATER)
    "commitments.html",
    "compare.html",
    "index.html",
    "matches.html",
    "partners.html",
    "validation.html",
    "ontology.html",
]
#: what the jobs of each kind write, in pages of the progress bar (a protocol page and its source page: two)
STEPS = {"site": 1, "export": 0, "protocol": 2, "partner": 1}


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
    everyone = partner.partners(data)
    data.roles()  # worked out once here, not once per worker
    jobs = [
        *(("site", name) for name in SITE_PAGES),
        *(("export", name) for name in data.graphs if name != ALL),  # ALL's with network.html
        *(("protocol", pid) for pid in data.pids),
        *(("partner", iri) for iri in everyone),
    ]
    task = progress.task(m._("Pages"), total=len(SITE_PAGES) + 2 * len(data.pids) + len(everyone))
    written: list[Path] = write_assets(out)
    state = (data, links, out, lang, texts, everyone)
    for (kind, _), paths in zip(jobs, _shared(_job, jobs, state), strict=True):
        written += [Path(x) for x in paths]
        progress.advance(task, STEPS[kind])
    return written


def _job(state: tuple, job: tuple[str, str]) -> list[str]:
    """Write what job ``(kind, name)`` stands for; the paths written."""
    kind, name = job
    writers = {"site": _site_page, "export": _export, "protocol": _protocol_pages, "partner": _partner_page}
    return writers[kind](state, name)


def _site_page(state: tuple, name: str) -> list[str]:
    """Write the site's page ``name`` (one of :data:`SITE_PAGES`) with its tables; the paths written."""
    data, links, out, lang, texts, everyone = state
    m = messages(lang)
    site = Site(out, lang, sources=bool(texts))
    dl = Downloads(Path(name).stem)
    exports = [p.name for g in data.graphs for p in _export_paths(out, g)]
    pages = {
        "commitments.html": lambda: (m._("Commitments"), search.TEMPLATE, search.context(data, links)),
        "index.html": lambda: (m._("Territories"), index.TEMPLATE, index.context(data, links, dl)),
        "compare.html": lambda: (m._("Compare"), compare.TEMPLATE, compare.context(data, links, dl)),
        "matches.html": lambda: (m._("Matches"), matches.TEMPLATE, matches.context(data, links, dl)),
        "network.html": lambda: (m._("Network"), network.TEMPLATE, network.context(data, links, dl, exports)),
        "partners.html": lambda: (
            m._("Partners"),
            partner.LIST_TEMPLATE,
            partner.list_context(data, links, dl, everyone),
        ),
        "validation.html": lambda: (m._("Validation"), findings.TEMPLATE, findings.context(data, links, dl)),
        "ontology.html": lambda: (m._("Ontology"), ontology.TEMPLATE, ontology.context(data)),
    }
    title, template, context = pages[name]()
    site.write(name, title, template, context, dl)
    written = [os.fspath(x) for x in site.written]
    if name == "network.html" and ALL in data.graphs:
        # the overall network's files carry its measures, which this page has just computed in this process
        written += _export(state, ALL)
    return written


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
        here=True,  # this process writes pages too: it has no inherited memory to copy
    )


def _state(*state):
    return state


def _protocol_pages(state: tuple, pid: str) -> list[str]:
    """Write the page of protocol ``pid`` with its tables, and the page of its source text when given; the paths
    written."""
    data, links, out, lang, texts, _ = state
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
    data, links, out, lang, texts, everyone = state
    site = Site(out, lang, sources=bool(texts))
    p = everyone[iri]
    name = links.partner(iri)
    dl = Downloads(Path(name).stem)
    site.write(name, p.label, partner.TEMPLATE, partner.context(data, links, dl, p, everyone), dl)
    return [os.fspath(x) for x in site.written]


def _export_paths(out: Path, name: str) -> list[Path]:
    """The GraphML and GEXF files of the partner network ``name``."""
    return [out / "network" / f"partners-{file_stem(name)}.{ext}" for ext in ("graphml", "gexf")]


def _export(state: tuple, name: str) -> list[str]:
    """Write the GraphML and GEXF files of the partner network ``name`` (plainly: the report's folder is put in
    place whole); the paths written."""
    data, out = state[0], state[2]
    (out / "network").mkdir(parents=True, exist_ok=True)
    for path, render in zip(_export_paths(out, name), (graphml, gexf), strict=True):
        path.write_text(render(data.graphs[name]), encoding="utf-8")
    return [os.fspath(p) for p in _export_paths(out, name)]
