"""perr export"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "write the dataset in another RDF format: JSON-LD, Turtle, TriG, N-Quads, N-Triples"
DESCRIPTION = """Write the built dataset (or the --data files) in the format asked, to --output (written
atomically) or to standard output.

  jsonld   JSON-LD 1.1, one document holding every named graph, compacted with a context that gives the
           ontology's terms short names (Commitment, lead, partner …) and the project's prefixes
  context  that @context alone, to publish it
  trig     TriG, every named graph (the same bytes as perr build's perr.trig for the built dataset)
  nq       N-Quads, every named graph
  turtle   Turtle: the union of the graphs (Turtle has no named graphs; use trig, nq or jsonld to keep them)
  nt       N-Triples: the union of the graphs

Output is deterministic: the same dataset gives the same bytes."""

FORMATS = ("jsonld", "context", "trig", "nq", "turtle", "nt")


def add_arguments(p) -> None:
    p.add_argument("--format", "-f", choices=FORMATS, required=True, help="the format to write")
    p.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="file to write (default: standard output)"
    )
    p.add_argument(
        "--data",
        type=Path,
        action="append",
        metavar="FILE",
        help="dataset file(s) to export (TriG, N-Quads, Turtle …) instead of the built dataset; repeatable",
    )


def run(args) -> int:
    from perr_graph.inputs.corpus import find_corpus
    from perr_graph.rdf.export import export

    corpus = find_corpus(args.corpus)
    if args.data:
        files = list(args.data)
    else:
        from perr_graph.build import ensure_dataset

        files = [ensure_dataset(corpus)]
    chunks = export(files, args.format, corpus.ontology)
    if args.output is None:
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk.encode("utf-8"))
        out.flush()
        return 0
    from perr_graph.outputs import write_atomic

    write_atomic(args.output, chunks)
    print(f"wrote {args.output} ({args.format})", file=sys.stderr)
    return 0
