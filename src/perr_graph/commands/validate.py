"""perr validate"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "check each protocol against the SHACL shapes and report in plain words"
DESCRIPTION = """Check each protocol against the shapes (the bundled ones in ontology/shapes/, what a complete,
coherent protocol is, and the corpus's own shapes/ if it has one), and say what is wrong or missing, in plain
words, with the source file and line of each finding.

Without FILE, validates every protocol graph of the corpus's built dataset (dist/perr.nq, built first if missing), each on
its own together with the shared graphs (ontology, registry, reference); findings on the shared graphs are reported
once, under "shared". With FILEs (Turtle, TriG, N-Triples, N-Quads, JSON-LD), validates those exactly the same way:
each named graph is one protocol, a file without named graphs is one protocol, and the shared graphs of the build
are added unless --no-shared (taken from the corpus's built dataset when the files do not bring them).

Severities: Violation (the data breaks the model), Warning (the protocol lacks something a protocol should have),
Info (a data-quality note). Every quote is also compared with its source lines when the source file is in the
corpus's sources/ (or --sources).

Each protocol is validated in a store of its own (with the shared graphs), on --jobs processes; with --cache DIR,
only the protocols whose content (graph, shared graphs, shapes, cited texts) changed since the last run are
validated again. The report is the same either way (tests/test_validate_fast.py compares it with the reference
path, which keeps every protocol in one store).

Exit codes: 0 nothing at or above the --fail-on threshold, 1 results at or above it, 2 bad input (unreadable file,
syntax error: one line with file and line)."""


def add_arguments(p) -> None:
    p.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="RDF files to validate (.ttl .trig .nt .nq .jsonld); default: the built dataset",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("text", "turtle", "json"),
        default="text",
        help="report format: text (plain words, default), turtle (a SHACL validation report), json",
    )
    p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (atomically)")
    p.add_argument(
        "--fail-on",
        choices=("violation", "warning", "info"),
        default="violation",
        help="lowest severity that makes the exit code 1 (default: violation)",
    )
    p.add_argument(
        "--lang", choices=("en", "fr"), default="en", help="language of the messages (default: en)"
    )
    p.add_argument(
        "--no-shared",
        action="store_true",
        help="do not add the build's registry and reference graphs to FILEs (the ontology is always added)",
    )
    p.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="folder of the source texts the quotes are compared with (default: the corpus's sources/)",
    )
    p.add_argument(
        "--summary", action="store_true", help="text format: counts and messages only, no list of nodes"
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        metavar="J",
        help="worker processes (default: one per core); the report does not depend on it",
    )
    p.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="keep each protocol's report in DIR and validate again only what changed",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on standard error")


def run(args) -> int:
    from perr_graph.build import ensure_dataset
    from perr_graph.errors import InputError
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.outputs import write_atomic
    from perr_graph.validate import Shapes
    from perr_graph.validate_fast import validate_dataset

    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    corpus = find_corpus(args.corpus)
    report = validate_dataset(
        args.files or None,
        shared=not args.no_shared,
        shapes=Shapes.load(corpus.shapes),
        sources=args.sources or corpus.sources,
        dataset=ensure_dataset(corpus),
        fail_on=args.fail_on,
        jobs=args.jobs,
        cache=args.cache,
        progress=None if args.quiet else _progress(),
    )
    # findings name <the sources folder, as the user finds it>/<file>:<line> (data/sources/… in the checkout)
    report.sources_prefix = (
        str(args.sources).rstrip("/") if args.sources else corpus.source_path("").rstrip("/")
    )
    if args.format == "turtle":
        out = report.graph().serialize(format="turtle")
    elif args.format == "json":
        out = report.json(args.lang)
    else:
        out = report.text(args.lang, summary=args.summary)
    if args.output:
        write_atomic(args.output, [out])
        c = report.counts()
        print(
            f"wrote {args.output}: "
            + ("conforms" if report.conforms else "does not conform")
            + f" ({len(report.failing())} results at or above {args.fail_on}; "
            + ", ".join(
                f"{n} {k}" for k, n in zip(("violations", "warnings", "infos"), c.values(), strict=False)
            )
            + ")",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(out)
    return 0 if report.conforms else 1


def _progress():
    """Progress on standard error, at most every 2 seconds and at the end, once there is something to wait for."""
    import time

    start = last = time.monotonic()

    def show(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - start < 2 or (now - last < 2 and done < total):
            return
        last = now
        print(f"  validated {done}/{total} protocols ({now - start:.0f} s)", file=sys.stderr, flush=True)

    return show
