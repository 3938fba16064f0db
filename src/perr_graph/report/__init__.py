"""``perr report``: a static HTML report of the dataset, in French (default) or English, that opens from disk and
fetches nothing.

Pages (all in one folder, linked relatively): ``index.html`` (how many protocols, by région and département; who
carries the commitments), ``protocol-<pid>.html`` (a territory's protocol: QPV, signatories, who leads what,
pillars and themes, indicators, every commitment linked to its source line), ``partner-<id>.html`` (an
organisation: what it leads, commits to, is associated with or follows, where, its sub-organisations),
``partners.html``, ``commitments.html`` (every commitment, searched and filtered in the browser),
``compare.html`` (heat maps whose cells link to the commitments they count), ``matches.html``, ``network.html``,
``source-<pid>.html`` (the source texts, an anchor per line; only when they are given), ``validation.html`` and
``ontology.html``. Every table downloads as a CSV file and as a sheet of the page's XLSX workbook, made in the
browser from the rows the page holds (``assets/``: the scripts).

How it is made: :mod:`.data` reads what the pages show from the store, once (the library's queries, the
comparison tables, the partner networks); each module of :mod:`.pages` shapes it for one page; the Jinja2
templates of ``templates/`` write the HTML with the messages of :mod:`perr_graph.i18n` (:mod:`.render`);
:mod:`.downloads` gathers the tables' rows for their downloads; pictures are SVG written by :mod:`.svg`. Page names made from the data
are checked slugs (:mod:`.links`). The report is written into a temporary folder and put in place at the end, so
an interrupted run leaves the previous report whole; the same dataset gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from perr_graph.errors import InputError
from perr_graph.i18n import messages
from perr_graph.outputs import atomic_folder

#: the file that marks a folder as a report of ours (a folder without it is never replaced)
MARKER = ".perr-report"


def validation_findings(store_files: list[Path] | None = None, lang: str = "fr", **options) -> dict:
    """The SHACL findings of :mod:`perr_graph.validation` on the dataset, for the validation page (``options``:
    those of :func:`perr_graph.report.validation.findings`)."""
    from perr_graph.report.validation import findings as read_findings

    return read_findings(store_files, lang, **options)


def _check_target(out: Path) -> None:
    if out.exists() and not (out.is_dir() and (not any(out.iterdir()) or (out / MARKER).exists())):
        raise InputError(
            f"not a report folder (no {MARKER}): give a new or empty folder, or a previous report", out
        )


def build_report(
    store,
    out: Path,
    validation: dict | None = None,
    sources: Path | None = None,
    lang: str = "fr",
    progress=None,
) -> list[Path]:
    """Write the report of the dataset in ``store`` into ``out`` (pages, ``assets/``, ``network/``) and return
    the files written. ``sources``: the folder of the source texts (None: the report has no source pages and
    says so); ``progress``: a :class:`perr_graph.terminal.Progress`."""
    from perr_graph.report.write import write_pages

    out = Path(out)
    _check_target(out)
    with atomic_folder(out) as tmp:  # swapped into place only when every page is written
        written = write_pages(store, tmp, validation, sources, messages(lang).lang, progress)
        (tmp / MARKER).write_text("perr report\n", encoding="utf-8")
    return [out / p.relative_to(tmp) for p in written]
