"""Writing the report's pages, one after the other, into a folder (the temporary folder of
:func:`perr_graph.report.build_report`), with progress bars."""

from __future__ import annotations

from pathlib import Path

from perr_graph.analysis.network import write_exports
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
    exports = write_exports(data.graphs, out / "network")
    site.written += exports
    names = [p.name for p in exports]
    page("network.html", m._("Network"), network.TEMPLATE, lambda dl: network.context(data, links, dl, names))
    for pid in data.pids:
        name = data.pname(pid)
        page(
            links.protocol(pid),
            name,
            protocol.TEMPLATE,
            lambda dl, pid=pid: protocol.context(data, links, dl, pid),
        )
        if pid in texts:
            site.write(
                links.source(pid) or "",
                m._("Source — %(name)s", name=name),
                protocol.SOURCE_TEMPLATE,
                protocol.source_context(data, links, pid, texts[pid]),
            )
        progress.advance(task)
    page(
        "partners.html",
        m._("Partners"),
        partner.LIST_TEMPLATE,
        lambda dl: partner.list_context(data, links, dl, everyone),
    )
    for p in everyone.values():
        page(
            links.partner(p.iri),
            p.label,
            partner.TEMPLATE,
            lambda dl, p=p: partner.context(data, links, dl, p, everyone),
        )
    page(
        "validation.html", m._("Validation"), findings.TEMPLATE, lambda dl: findings.context(data, links, dl)
    )
    site.write("ontology.html", m._("Ontology"), ontology.TEMPLATE, ontology.context(data))
    progress.advance(task)
    return site.written
