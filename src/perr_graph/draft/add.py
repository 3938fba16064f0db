"""What ``perr add`` does, apart from its command line: check the text, draft, verify, write, report.

Nothing is written until the draft builds: the text, its catalogue row, its configuration and the proposed
registry rows are written together at the end (``sources/<id>.txt``, ``sources/catalogue.csv``,
``protocols/<id>.toml``, ``registry/partners.csv`` and ``registry/aliases.csv``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from perr_graph.draft.document import Document
from perr_graph.draft.run import Drafted, draft_text, verified, write_registry
from perr_graph.errors import ConfigError, InputError
from perr_graph.inputs.catalogue import COLUMNS, SourceText, read_catalogue
from perr_graph.inputs.corpus import find_corpus
from perr_graph.inputs.ontology import categories, ontology_graph
from perr_graph.inputs.registry import Registry
from perr_graph.outputs import write_atomic
from perr_graph.text import clean, slug


@dataclass
class AddReport:
    pid: str
    lines: list[str] = field(default_factory=list)
    #: the content lines no block reads, each "path:line  [what it holds]  text"
    unread: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(self.lines)


def add(source_path: Path, pid: str | None, corpus_option: Path | None) -> AddReport:
    corpus = find_corpus(corpus_option)
    if corpus.bundled:
        raise ConfigError(
            "perr add writes into a corpus: make one with 'perr init DIR', then run perr add inside it or give "
            "--corpus DIR",
            corpus.root,
        )
    raw = _read(source_path)
    lines = check_text(raw, source_path)
    pid = pid or slug(source_path.stem)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", pid):
        raise InputError(f"id {pid!r}: use lowercase letters, digits and hyphens (--id)", source_path)
    catalogue = read_catalogue(corpus.catalogue) if corpus.catalogue.exists() else {}
    config = corpus.protocols / f"{pid}.toml"
    if pid in catalogue or config.exists():
        raise ConfigError(f"protocol {pid!r} is already in the corpus: choose another --id", config)
    file = f"{pid}.txt"
    target = corpus.sources / file
    if target.exists():
        raise ConfigError(f"{file} is already under sources/", target)
    source = SourceText(target, lines, hashlib.sha256(raw).hexdigest(), raw)
    onto = ontology_graph(corpus.ontology)
    registry = Registry.load(corpus.registry, categories=categories(onto) or None)
    draft = draft_text(source, pid, file, registry, onto)
    if not draft.blocks:
        raise Refused(
            "no layout a reader knows (no table of marks or objectives, no 'X s'engage(nt) à', no signature "
            "page): nothing added",
            source_path,
            details=_no_layout(lines),
        )
    drafted = verified(draft, source, corpus.registry, onto, registry)
    _write(corpus, drafted, source, raw)
    return _report(corpus, drafted, source)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the text ({exc.strerror})", path) from None


def check_text(raw: bytes, path: Path) -> list[str]:
    """The text's lines, or an error listing, line by line, where it is not UTF-8 text."""
    if not raw.strip():
        raise InputError("the text is empty", path)
    bad = []
    for n, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            decoded = chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append(f"{n}: byte 0x{chunk[exc.start]:02x} at column {exc.start + 1} is not UTF-8")
            continue
        if "\x00" in decoded or any(ord(c) < 32 and c not in "\t\r" for c in decoded):
            bad.append(f"{n}: control characters (NUL and others) that no text holds")
    if bad:
        raise Refused(
            f"not a UTF-8 text: {len(bad)} line{'s' if len(bad) > 1 else ''} of bytes no text holds (convert the PDF "
            "to UTF-8 text first): nothing added",
            path,
            details=bad,
        )
    return raw.decode("utf-8").split("\n")


class Refused(InputError):
    """A text ``perr add`` does not add; ``details`` says why, line by line ("<line>: <why>")."""

    def __init__(self, message: str, path: Path, details: list[str]):
        super().__init__(message, path)
        self.details = details


def _no_layout(lines: list[str]) -> list[str]:
    """Why a text is refused: each content line, with what it is and why no reader reads it."""
    doc = Document(lines[:-1] if lines and lines[-1] == "" else lines)
    said = {
        "paragraph": "a paragraph: no 's'engage(nt) à', no bullet under an intro",
        "heading": "a heading with nothing under it that a reader reads",
        "bullet": "a bullet no intro 'X s'engage(nt) à' introduces",
        "table": "table cells under no header a reader knows",
        "toc": "a table of contents",
        "footer": "a page footer",
    }
    return [f"{line.n}: {said.get(line.kind, line.kind)}" for line in doc.content()]


def _write(corpus, drafted: Drafted, source: SourceText, raw: bytes) -> None:
    """Every file at once, after the draft has built (see the module docstring)."""
    draft = drafted.draft
    corpus.sources.mkdir(parents=True, exist_ok=True)
    corpus.protocols.mkdir(parents=True, exist_ok=True)
    title = ""
    if draft.title:
        title = clean(
            " ".join(source.line(n) for n in range(draft.title[0], draft.title[1] + 1)).replace("#", " ")
        )
    territory = drafted.protocol.epci or ""
    row = {
        "id": draft.pid,
        "file": draft.source,
        "title": title or draft.pid,
        "territory": _label(corpus, draft, territory),
        "sha256": source.sha256,
        "lines": str(source.line_count),
    }
    text = (
        corpus.catalogue.read_text(encoding="utf-8")
        if corpus.catalogue.exists()
        else ",".join(COLUMNS) + "\n"
    )
    if not text.endswith("\n"):
        text += "\n"
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n").writerow(row)
    write_atomic(corpus.sources / draft.source, [raw])
    write_registry(draft, corpus.registry)
    write_atomic(corpus.protocols / f"{draft.pid}.toml", [draft.toml()])
    write_atomic(
        corpus.catalogue, [text + buf.getvalue()]
    )  # last: the protocol is in the corpus once catalogued


def _label(corpus, draft, pid: str) -> str:
    for p in draft.partners:
        if p.id == pid:
            return p.label
    try:
        return Registry.load(corpus.registry).partners[pid].label if pid else ""
    except (KeyError, ConfigError):
        return ""


def _report(corpus, drafted: Drafted, source: SourceText) -> AddReport:
    draft, protocol = drafted.draft, drafted.protocol
    path = corpus.source_path(draft.source)
    r = AddReport(draft.pid)
    say = r.lines.append
    say(f"added {draft.pid!r}: {path} ({source.line_count} lines, sha256 {source.sha256[:12]}…), catalogued")
    say(f"drafted {corpus.protocols / (draft.pid + '.toml')}:")
    for name, fact in sorted(draft.facts.items()):
        say(f"  {name} (line {fact['line']}): {fact.get('quote', '')}")
    for block in sorted(draft.blocks, key=lambda b: b.first):
        say(f"  lines {block.first}-{block.last}: {block.reader} — {block.why}")
    leads = sum(1 for c in protocol.commitments if any(i.role == "chef-de-file" for i in c.involvements))
    say(
        f"read: {len(protocol.commitments)} commitments ({leads} with a chef de file), "
        f"{len(protocol.signatories)} signatories, {len(protocol.indicators)} indicators"
    )
    if draft.partners or draft.aliases:
        say(
            f"proposed in registry/ (status proposed, review them): {len(draft.partners)} organisations, "
            f"{len(draft.aliases)} aliases"
        )
        for p in draft.partners:
            say(
                f"  {p.id}: {p.label} ({p.category}{', part of ' + p.parent if p.parent else ''}) — line {p.line}"
            )
    for note in [*drafted.repairs, *draft.notes]:
        say(f"  note: {note}")
    c = protocol.coverage
    if c is not None:
        say(
            f"coverage: {100 * c.share:.1f} % of {c.content} content lines read, cited or ignored; "
            f"{len(c.unread)} unread (listed on standard error)"
        )
        for span, signals in c.unread:
            r.unread.append(
                f"  unread: {path}:{span.start}  [{', '.join(signals) or 'text'}]  {span.quote[:80]}"
            )
    say(
        "next: review the draft against the text (docs/adding-a-protocol.md), then perr build and perr validate"
    )
    return r
