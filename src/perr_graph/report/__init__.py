"""``perr report``: a static HTML report of the dataset that opens from disk, without internet.

Pages (all in one folder, linked relatively): ``index.html`` (the protocols), ``compare.html`` (the comparison
tables as heat maps), ``matches.html`` (commitments that say the same thing), ``network.html`` (the partner
network as a picture, its measures and the GraphML/GEXF files), ``protocol-<pid>.html`` (every commitment with its
partners and roles, linked to its source lines), ``source-<pid>.html`` (the source text, an anchor per line:
``#L<line>``), ``validation.html`` (the SHACL findings) and ``ontology.html`` (classes, properties and concept
schemes, read from the ontology graph).

How it is made: :mod:`.data` reads what the pages show from the store, once (every figure is the answer of a
query of the library, ``queries/``, or of :mod:`perr_graph.analysis`, which runs them); each module of
:mod:`.pages` shapes it for one page; the Jinja2 templates of ``templates/`` write the HTML (:mod:`.render`);
pictures are SVG written by :mod:`.svg`, heat maps shaded by :mod:`.heat`. Styles are inline (:mod:`.style`); no
script, font or stylesheet is fetched. Every file is written atomically and the same dataset gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from perr_graph.analysis.network import write_exports
from perr_graph.report.data import ReportData
from perr_graph.report.pages import compare, index, matches, network, ontology, protocol
from perr_graph.report.pages import validation as findings
from perr_graph.report.render import Site


def validation_findings(store_files: list[Path] | None = None, lang: str = "fr", **options) -> dict:
    """The SHACL findings of :mod:`perr_graph.validation` on the dataset, for the validation page (``options``:
    those of :func:`perr_graph.report.validation.findings`)."""
    from perr_graph.report.validation import findings as read_findings

    return read_findings(store_files, lang, **options)


def build_report(store, out: Path, validation: dict | None = None, sources: Path | None = None) -> list[Path]:
    """Write every page of the report into ``out`` (and the network files into ``out/network``); ``sources`` is
    the corpus's folder of source texts and catalogue."""
    out = Path(out)
    data = ReportData.read(store, validation, sources)
    site = Site(out, [(pid, data.pname(pid)) for pid in data.pids])
    written = [
        site.write("index.html", "Overview", index.TEMPLATE, index.context(data)),
        site.write("compare.html", "Compare", compare.TEMPLATE, compare.context(data)),
        site.write("matches.html", "Matches", matches.TEMPLATE, matches.context(data)),
    ]
    exports = write_exports(data.graphs, out / "network")
    written += exports
    names = [p.name for p in exports]
    written.append(site.write("network.html", "Network", network.TEMPLATE, network.context(data, names)))
    for pid in data.pids:
        name = data.pname(pid)
        written.append(
            site.write(f"protocol-{pid}.html", name, protocol.TEMPLATE, protocol.context(data, pid))
        )
        written.append(
            site.write(
                f"source-{pid}.html",
                f"Source — {name}",
                protocol.SOURCE_TEMPLATE,
                protocol.source_context(data, pid),
            )
        )
    written.append(site.write("validation.html", "Validation", findings.TEMPLATE, findings.context(data)))
    written.append(site.write("ontology.html", "Ontology", ontology.TEMPLATE, ontology.context(data)))
    return written
