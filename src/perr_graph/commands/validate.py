"""perr validate"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HELP = "check protocols (or any RDF data) against SHACL shapes and report in plain words, for people and CI"
DESCRIPTION = """Check each protocol against the shapes and say, in plain words (French by default, --lang en), what is
wrong or missing, with the source file and line of each finding (data/sources/<file>:<line>).

Without DATA, validates every protocol graph of the corpus's built dataset (dist/perr.nq, built first if
missing), each on its own together with the shared graphs (ontology, registry, reference); findings on the shared
graphs are reported once, under "shared". With DATA files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML),
validates those the same way: each named graph is one protocol, a file without named graphs is one unit, and
the shared graphs of the build are added unless --no-shared.

Shapes: the bundled ones (ontology/shapes/) and the corpus's own shapes/, or, with --shapes, your own files or
folders only (validators' own shapes, on any RDF data); the shared graphs are then added whole, and with
--no-shared nothing at all is added to DATA.

Engines (--engine), chosen by measurement (docs/benchmarks.md): auto (default) runs the fast engine, shacl-rust,
for every shape that uses only what it is trusted with and pySHACL for the others, so its results are always
pySHACL's; perr (or shacl-rust: the project's own SPARQL compiler is gone, perr now names the fast engine alone)
runs shacl-rust only and refuses, in one line naming the feature (exit 2), a shape or data it is not trusted with;
pyshacl runs pySHACL, the reference (slow). Every quote is also compared with its source lines when the source
file is in the corpus's sources/ (or --sources).

Severities: Violation (the data breaks the model), Warning (the protocol lacks something it should have), Info
(a data-quality note). Formats: text, json, csv, turtle (a SHACL validation report, sh:ValidationReport), sarif
(SARIF 2.1.0, for code scanning), github (GitHub Actions annotations on the source lines); json and turtle are
sorted, and the same input gives the same bytes.

Units are validated on --jobs processes; with --cache DIR only the units whose content (graph, shared graphs,
shapes, engine, cited texts) changed since the last run are validated again.

Exit codes: 0 nothing at or above the --fail-on threshold, 1 results at or above it, 2 bad input (unreadable
file, syntax error: one line with file and line) or a shape the engine asked for refuses."""

ENGINES = ("auto", "perr", "shacl-rust", "pyshacl")
FORMATS = ("text", "json", "turtle", "csv", "github", "sarif")


def add_arguments(p) -> None:
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="DATA",
        help="RDF files to validate (.ttl .trig .nt .nq .jsonld .rdf); default: the built dataset",
    )
    p.add_argument(
        "--shapes",
        nargs="+",
        action="extend",
        type=Path,
        metavar="SHAPES",
        help="shapes files or folders to validate with, instead of the bundled shapes and the corpus's own",
    )
    p.add_argument(
        "--engine", choices=ENGINES, default="auto", help="SHACL engine (default: auto, see above)"
    )
    p.add_argument("--format", "-f", choices=FORMATS, default="text", help="report format (default: text)")
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (atomically)")
    p.add_argument(
        "--fail-on",
        choices=("violation", "warning", "info"),
        default="violation",
        help="lowest severity that makes the exit code 1 (default: violation)",
    )
    p.add_argument(
        "--lang", choices=("fr", "en"), default="fr", help="language of the messages (default: fr)"
    )
    p.add_argument(
        "--no-shared",
        action="store_true",
        help="add nothing from the build to DATA (with the project's shapes, the ontology is still added)",
    )
    p.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="folder of the source texts the quotes are compared with (default: the corpus's sources/)",
    )
    p.add_argument("--summary", action="store_true", help="text format: counts and messages only")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="J", help="worker processes (default: one per core)"
    )
    p.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="keep each unit's report in DIR; validate again only what changed",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")


def run(args) -> int:
    from perr_graph.build import ensure_dataset
    from perr_graph.errors import InputError
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.outputs import write_atomic
    from perr_graph.validation import Locator, Shapes, validate_dataset
    from perr_graph.validation.wording import counts_text, tr

    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    corpus = find_corpus(args.corpus)
    own = bool(args.shapes)
    shapes = Shapes.load(args.shapes if own else corpus.shapes)
    sources = args.sources if args.sources is not None else corpus.sources
    if args.sources is not None and not Path(args.sources).is_dir():  # never a quote check skipped in silence
        raise InputError(f"--sources {args.sources}: no such folder of source texts")
    with _Progress(args.quiet, tr(args.lang, "Validating")) as progress:
        report = validate_dataset(
            args.files or None,
            shapes=shapes,
            own_shapes=own,
            shared=not args.no_shared,
            dataset=lambda: ensure_dataset(corpus),
            locator=Locator(sources, (corpus.root, corpus.data.parent)),
            engine=args.engine,
            fail_on=args.fail_on,
            jobs=args.jobs,
            cache=args.cache,
            progress=progress.update,
        )
    out = render(report, args.format, args.lang, args.summary)
    if args.output:
        write_atomic(args.output, [out])
        verdict = tr(args.lang, "conforms" if report.conforms else "does not conform")
        print(
            tr(
                args.lang,
                "wrote %(file)s: %(verdict)s (%(n)s results at or above %(level)s; %(counts)s)",
                file=args.output,
                verdict=verdict,
                n=len(report.failing()),
                level=args.fail_on,
                counts=counts_text(args.lang, report.counts()),
            ),
            file=sys.stderr,
        )
    else:
        sys.stdout.write(out)
    return 0 if report.conforms else 1


def render(report, fmt: str, lang: str, summary: bool = False) -> str:
    """The report in one of :data:`FORMATS`."""
    from perr_graph.validation import render as r

    if fmt == "turtle":
        from perr_graph.validation.turtle import turtle

        return turtle(report, lang)
    if fmt == "sarif":
        from perr_graph.validation.sarif import sarif

        return sarif(report, lang)
    if fmt == "json":
        return r.json_text(report, lang)
    if fmt == "csv":
        return r.csv_text(report, lang)
    if fmt == "github":
        return r.github(report, lang)
    return r.text(report, lang, summary_only=summary)


class _Progress:
    """A progress bar on standard error (rich) while units are validated; nothing when standard error is not a
    terminal, or with --quiet."""

    def __init__(self, quiet: bool, title: str):
        self.enabled = not quiet and sys.stderr.isatty()
        self.title = title
        self.bar: Any = None  # a rich Progress while units are validated
        self.task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
        return self

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            return
        if self.task is None:
            self.task = self.bar.add_task(self.title, total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()
