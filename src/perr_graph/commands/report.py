"""perr report"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "write a static HTML report (opens from disk): protocols, comparisons, matches, network, ontology"
DESCRIPTION = """Write a static HTML report of the dataset into DIR (default dist/report in the corpus): an overview of the
protocols, a page per protocol with every commitment linked to its source line, the source texts with an anchor
per line, the comparison tables as heat maps, the matched commitments, the partner network (SVG picture, measures,
GraphML and GEXF files), the validation findings and the ontology. Styles are inline and pictures are SVG: open
DIR/index.html in a browser, no internet needed."""


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
    p.add_argument("--no-validation", action="store_true", help="leave the SHACL validation out (faster)")


def run(args) -> int:
    from perr_graph.build import ensure_dataset
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.report import build_report, validation_findings
    from perr_graph.store import open_store
    from perr_graph.validation import Shapes

    corpus = find_corpus(args.corpus)
    out = args.output or (corpus.output / "report")
    # the built dataset: what the report shows, unless --data; what validation takes the shared graphs from
    dataset = None if args.data and args.no_validation else ensure_dataset(corpus)
    files = args.data or [dataset]
    store = open_store(files)
    findings = None
    if not args.no_validation:
        findings = validation_findings(
            files,
            "en",
            sources=corpus.sources,
            roots=(corpus.root, corpus.data.parent),
            dataset=dataset,
            shapes=Shapes.load(corpus.shapes),
            jobs=None,
        )
    written = build_report(store, out, findings, sources=corpus.sources)
    pages = sum(1 for p in written if p.suffix == ".html")
    print(
        f"wrote {pages} pages and {len(written) - pages} network files to {out} — open {out / 'index.html'}",
        file=sys.stderr,
    )
    return 0
