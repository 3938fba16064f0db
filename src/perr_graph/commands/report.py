"""perr report"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "write a static HTML report (opens from disk): territories, partners, search, comparisons, network"
DESCRIPTION = """Write a static HTML report of the dataset into DIR (default dist/report in the corpus), in French (default) or
English (--lang en): the protocols grouped by région and département, a page per territory (QPV, signatories,
who leads what, pillars and themes, indicators, every commitment linked to its source line), a page per partner
(what it leads, commits to, is associated with or follows, where, its sub-organisations), a search page that
filters every commitment by partner, role, pillar, theme and territory, the comparison tables as heat maps whose
cells open the commitments they count, the matched commitments, the partner network, the validation findings and
the ontology. Every table is also a CSV file and a sheet of an XLSX workbook. Nothing is fetched: open
DIR/index.html in a browser, no internet needed.

With --data FILE the report shows that dataset; --sources DIR gives the folder of its source texts (default: the
corpus's sources when the dataset is the corpus's own). Without source texts the report has no source pages
and says so. The dataset is read without checking its IRIs and language tags (a third faster at national
scale; perr validate and perr query check them). The report is written into a temporary folder and put in place
when complete; DIR must be new, empty or a previous report."""


def add_arguments(p) -> None:
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder to write the report into (default: dist/report in the corpus)",
    )
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to read (TriG, N-Quads …); repeatable; default the corpus's dist/perr.nq",
    )
    p.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="folder of the source texts the dataset was read from (default: data/sources without --data)",
    )
    p.add_argument("--no-validation", action="store_true", help="leave the SHACL validation out (faster)")
    p.add_argument("--lang", choices=["fr", "en"], default="fr", help="language of the pages (default fr)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")


def run(args) -> int:
    from perr_graph.build import ensure_dataset
    from perr_graph.errors import InputError
    from perr_graph.i18n import messages
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.report import build_report, validation_findings
    from perr_graph.store import DatasetFiles
    from perr_graph.terminal import Progress

    m = messages(args.lang)
    corpus = find_corpus(args.corpus)
    out = args.output or (corpus.output / "report")
    sources = args.sources if args.sources is not None else (None if args.data else corpus.sources)
    if sources is not None and not Path(sources).is_dir():
        raise InputError(m._("not a folder of source texts"), sources)
    with Progress(quiet=args.quiet) as progress:
        task = progress.task(m._("Loading the dataset"))
        # the built dataset: what the report shows, unless --data; what validation takes the shared graphs from
        dataset = None if args.data and args.no_validation else ensure_dataset(corpus)
        files = args.data or [dataset]
        # loaded by the child process that answers the report's queries (the store never lives here, nor in the
        # processes that write the pages); IRIs and language tags unchecked: a third faster
        store = DatasetFiles(tuple(Path(f) for f in files), lenient=True)
        progress.done(task)
        findings = None
        if not args.no_validation:
            from perr_graph.validation import Shapes

            task = progress.task(m._("Validating (SHACL)"))
            findings = validation_findings(
                files,
                args.lang,
                sources=sources,
                roots=(corpus.root, corpus.data.parent),
                dataset=dataset,
                shapes=Shapes.load(corpus.shapes),
                jobs=None,
            )
            progress.done(task)
        written = build_report(store, out, findings, sources, args.lang, progress)
    pages = sum(1 for p in written if p.suffix == ".html")
    print(
        m._(
            "wrote %(pages)s pages and %(files)s other files to %(out)s — open %(index)s",
            pages=pages,
            files=len(written) - pages,
            out=out,
            index=out / "index.html",
        ),
        file=sys.stderr,
    )
    if sources is None:
        print(m._("no source texts given (--sources DIR): the report has no source pages"), file=sys.stderr)
    return 0
