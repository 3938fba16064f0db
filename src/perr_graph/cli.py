"""The ``perr`` command: a thin layer over plain functions.

Each subcommand lives in ``perr_graph/commands/<name>.py`` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; heavy libraries are imported inside ``run`` so that ``perr --help`` is instant.
Every command accepts ``--corpus DIR`` (before or after its name); a command finds its corpus with
:func:`perr_graph.inputs.corpus.find_corpus` from ``args.corpus``.
Errors of the project's own kind (:class:`~perr_graph.errors.PerrError`) print one line and exit with their code
(2 for bad input); a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from perr_graph import __version__
from perr_graph.errors import PerrError

#: subcommands in pipeline order: (name, module)
COMMANDS = [
    ("init", "perr_graph.commands.init"),
    ("add", "perr_graph.commands.add"),
    ("build", "perr_graph.commands.build"),
    ("stats", "perr_graph.commands.stats"),
    ("validate", "perr_graph.commands.validate"),
    ("query", "perr_graph.commands.query"),
    ("load", "perr_graph.commands.load"),
    ("serve", "perr_graph.commands.serve"),
    ("compare", "perr_graph.commands.compare"),
    ("report", "perr_graph.commands.report"),
    ("export", "perr_graph.commands.export"),
    ("synth", "perr_graph.commands.synth"),
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="perr",
        description="The French PERR urban-policy protocols as an RDF knowledge graph: build the dataset from the "
        "source texts, validate it with SHACL, query it with SPARQL, compare territories.",
        epilog="Exit codes: 0 success, 1 validation results at or above the threshold, 2 bad input or unreachable "
        "service. Run 'perr COMMAND --help' for a command's options.",
    )
    p.add_argument("--version", action="store_true", help="show the version and the corpus in use, and exit")
    p.add_argument("--debug", action="store_true", help="show a traceback on error")
    _corpus_option(p, None)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS:
        module = importlib.import_module(module_name)
        sp = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sp.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show a traceback on error"
        )
        _corpus_option(sp, argparse.SUPPRESS)
        module.add_arguments(sp)
        sp.set_defaults(_run=module.run)
    return p


def _corpus_option(p: argparse.ArgumentParser, default: object) -> None:
    p.add_argument(
        "--corpus",
        type=Path,
        default=default,
        metavar="DIR",
        help="the corpus to work on (default: $PERR_HOME, else the nearest perr.toml from the current folder "
        "upwards, else the bundled five protocols)",
    )


def version(args: argparse.Namespace) -> int:
    """``perr --version``: the package's version and the corpus a command would use here."""
    from perr_graph.inputs.corpus import find_corpus

    print(f"perr-graph {__version__}\n{find_corpus(args.corpus).describe()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.version and not getattr(args, "command", None):
        return _run(args, version, "--version")
    if not getattr(args, "command", None):
        p.print_help()
        return 2
    return _run(args, args._run, args.command)


def _run(args: argparse.Namespace, run: Callable[[argparse.Namespace], int | None], name: str) -> int:
    try:
        return int(run(args) or 0)
    except PerrError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"perr {name}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"perr {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
