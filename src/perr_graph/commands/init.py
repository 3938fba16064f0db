"""perr init"""

from __future__ import annotations

from pathlib import Path

HELP = "create a corpus for your own protocols (sources, configurations, registry, perr.toml)"
DESCRIPTION = """Create a corpus in DIR (a new or empty folder): sources/ with an empty catalogue.csv, protocols/
(its README documents the configuration keys), registry/ and reference/ copied from the bundled corpus (so the
organisations it knows keep their IRIs), and a commented perr.toml (name, base IRI, licence, publisher). With
--with-examples, the five bundled protocols come too (texts, catalogue rows, configurations).

Then, in DIR: add each text under sources/ with its catalogue row, its configuration under protocols/, any new
name to registry/, and run 'perr build'. Every perr command run inside DIR works on this corpus."""


def add_arguments(p) -> None:
    p.add_argument("directory", type=Path, metavar="DIR", help="the folder to create (new or empty)")
    p.add_argument(
        "--with-examples", action="store_true", help="copy the five bundled protocols into the new corpus"
    )


def run(args) -> int:
    from perr_graph.inputs.corpus import bundled_corpus
    from perr_graph.inputs.create import create_corpus

    target = Path(args.directory)
    files = create_corpus(target, bundled_corpus(target / "dist"), with_examples=args.with_examples)
    examples = " with the five bundled protocols" if args.with_examples else ""
    print(
        f"created a corpus in {target.absolute()}{examples} ({len(files)} files): add your protocols, then run "
        f"'perr build' there"
    )
    return 0
