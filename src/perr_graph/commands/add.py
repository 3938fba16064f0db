"""perr add"""

from __future__ import annotations

import sys
from pathlib import Path

HELP = "add a protocol text to the corpus: catalogue it, draft its configuration and registry entries"
DESCRIPTION = """Add a protocol text (UTF-8, as converted from its PDF) to the corpus: copy it under sources/ as
ID.txt, catalogue it (SHA-256, line count), find its layouts (tables of marks and their legend, objectives tables,
"X s'engage(nt) à" prose, signature pages, the title, period and signing), and write a drafted configuration,
protocols/ID.toml, with the registry entries it proposes for the organisations the registry does not know (each
marked proposed, with the line it comes from; an organisation the registry knows is reused). The draft is read
with the project's own readers before anything is written, so 'perr build' works at once.

It prints what it found, what it proposes, and which content lines no block reads: review the draft against the
text (docs/adding-a-protocol.md), then run 'perr build' and 'perr validate' (proposed entries are an Info until a
person reviews them). A text in no layout the readers know is refused, line by line, and nothing is written.

Exit codes: 0 added, 2 bad input (not UTF-8 text, no layout found, an id already in the catalogue)."""


def add_arguments(p) -> None:
    p.add_argument("source", type=Path, metavar="SOURCE.txt", help="the protocol's text, UTF-8")
    p.add_argument("--id", default=None, metavar="ID", help="the protocol's id (default: from the file name)")


def run(args) -> int:
    from perr_graph.draft.add import Refused, add

    try:
        report = add(args.source, args.id, args.corpus)
    except Refused as exc:  # line by line, then the one-line error
        for detail in exc.details:
            print(f"  {args.source}:{detail}", file=sys.stderr)
        raise
    print(report.text())
    for line in report.unread:
        print(line, file=sys.stderr)
    return 0
