"""Draft a protocol's configuration, then read the draft with the project's own readers until it builds.

:func:`draft_text` looks at the text once, in order: what to leave aside (a table of contents, page footers),
the facts stated once, the parties (their list, the signature page), the generic names and the glossary, the
tables, the prose. :func:`verified` reads the draft exactly as ``perr build`` would, with the registry and the
entries the draft proposes; where a reader refuses a line, the block that holds it is narrowed to the lines
before it (a prose block goes on after it), a fact is left out, or a name a reader does not know is proposed,
and the draft is read again. What is narrowed or left out is said, with its line.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from perr_graph.draft.classify import Classifier
from perr_graph.draft.context import DraftContext
from perr_graph.draft.document import Document
from perr_graph.draft.draft import (
    ALIAS_COLUMNS,
    PARTNER_COLUMNS,
    TERRITORY_ALIAS_COLUMNS,
    TERRITORY_COLUMNS,
    Draft,
    DraftBlock,
    append_rows,
)
from perr_graph.draft.facts import facts
from perr_graph.draft.parties import Parties
from perr_graph.draft.places import places
from perr_graph.draft.prose import annex_list, glossary, parties_list, prose, references, signatures
from perr_graph.draft.tables import draft_tables
from perr_graph.errors import PerrError, RegistryError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.ontology import categories, concept_slugs
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol
from perr_graph.outputs import write_atomic
from perr_graph.read.protocol import read_protocol

#: how many times a draft is narrowed before perr add gives up
ATTEMPTS = 80


@dataclass
class Drafted:
    draft: Draft
    protocol: Protocol
    #: what had to be narrowed or left out for the draft to build, each with its line
    repairs: list[str] = field(default_factory=list)


def draft_text(source: SourceText, pid: str, file: str, registry: Registry, onto: Graph) -> Draft:
    """The draft of a configuration for ``source`` (see the module docstring)."""
    doc = Document(source.lines[: source.line_count])
    draft = Draft(pid, file)
    parties = Parties(registry, draft, "\n".join(doc.raw))
    ctx = DraftContext(doc, parties, draft, Classifier(onto))
    facts(ctx)
    listed = parties_list(ctx)
    signatures(ctx)
    draft.epci = next((p for p in parties.named if parties.category(p) == "epci"), None)
    parties.generic()
    glossary(ctx)
    parties.generic()
    draft_tables(ctx)
    _territory(draft, parties, doc)
    places(ctx, draft.territory)
    draft_tables(ctx, statistics_only=True)  # tables of figures, once the places they are about are known
    annexes = annex_list(ctx)
    references(ctx)
    prose(ctx, annexes)
    signed = any(b.reader.startswith("signature") for b in draft.blocks)
    if listed is not None and signed:
        ctx.ignore(*listed, "list of the parties: the signatories are read from the signature page (drafted)")
    return draft


def _territory(draft: Draft, parties: Parties, doc: Document) -> None:
    """The EPCI's territory: the registry's, or one proposed from the EPCI's name ("Communauté d'agglomération du
    Val d'Aubrelle" → "Val d'Aubrelle"), its jurisdiction."""
    if draft.epci is None:
        return
    known = parties.registry.partners.get(draft.epci)
    if known is not None:
        draft.territory = known.jurisdiction or None
        return
    partner = next(p for p in draft.partners if p.id == draft.epci)
    m = re.search(
        r"(?:agglom[ée]ration|communes|m[ée]tropole)\s+(?:du |de la |de l'|des |d'|de )?(.+)$",
        partner.label,
        re.IGNORECASE,
    )
    if m is None:
        return
    name = m.group(1).strip()
    quote = doc.raw[partner.line - 1]
    tid = parties.propose_territory(name, "epci", partner.line, name if name in quote else partner.quote)
    partner.jurisdiction = tid
    draft.territory = tid


def verified(
    draft: Draft, source: SourceText, registry_dir: Path, onto: Graph, registry: Registry
) -> Drafted:
    """Read ``draft`` as the build would; narrow it where a reader refuses a line (module docstring)."""
    concepts = concept_slugs(onto)
    repairs: list[str] = []
    proposed_names: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="perr-add-") as tmp:
        work = Path(tmp)
        for attempt in range(ATTEMPTS):
            reg_dir = work / f"registry{attempt}"
            shutil.copytree(registry_dir, reg_dir)
            write_registry(draft, reg_dir)
            config = work / f"{draft.pid}.toml"
            config.write_text(draft.toml(), encoding="utf-8")
            try:
                reg = Registry.load(reg_dir, categories=categories(onto) or None)
                protocol = read_protocol(config, reg, source, concepts)
                return Drafted(draft, protocol, repairs)
            except PerrError as exc:
                note = repair(draft, exc, config, source, registry, proposed_names)
                if note is None:
                    raise
                repairs.append(note)
    raise PerrError(f"the draft still does not build after {ATTEMPTS} repairs", source.path)


def write_registry(draft: Draft, directory: Path) -> None:
    """Append the draft's proposed entries to the registry files in ``directory``."""
    for name, rows, columns in (
        ("partners.csv", draft.partner_rows(), PARTNER_COLUMNS),
        ("territories.csv", draft.territory_rows(), TERRITORY_COLUMNS),
        ("territory-aliases.csv", draft.territory_alias_rows(), TERRITORY_ALIAS_COLUMNS),
        ("aliases.csv", draft.alias_rows(), ALIAS_COLUMNS),
    ):
        if rows:
            write_atomic(directory / name, [append_rows(directory / name, rows, columns)])


def repair(
    draft: Draft, exc: PerrError, config: Path, source: SourceText, registry: Registry, proposed: set[str]
) -> str | None:
    """Change the draft so that the error does not come back, and say what was changed; None if nothing can."""
    line = exc.line
    if exc.path == str(config):
        return _config_repair(draft, exc)
    if line is None:
        return None
    if isinstance(exc, RegistryError) and re.match(r"unknown (?:partner|structure)", exc.message):
        name = _quoted(exc.message)
        if name and name not in proposed and len(name) > 1 and len(name.split()) <= 8:
            proposed.add(name)
            raw = source.line(line)
            quote = name if name in raw else raw.strip()
            parties = Parties(registry, draft, "\n".join(source.lines))
            pid = parties.propose(name, line, quote)
            return f"line {line}: proposed {pid!r} for {name!r}, which the readers met there"
    for block in sorted(draft.blocks, key=lambda b: b.first):
        special = {v for k, v in block.keys.items() if k in ("heading", "header") and isinstance(v, int)}
        if not (block.first <= line <= block.last or line in special):
            continue
        return _narrow(draft, block, line, exc)
    for name, fact in list(draft.facts.items()):
        if fact.get("line") == line:
            del draft.facts[name]
            return f"line {line}: the {name} left out ({exc.message})"
    return None


def _narrow(draft: Draft, block: DraftBlock, line: int, exc: PerrError) -> str:
    draft.blocks.remove(block)
    rows_start = block.keys.get("header", block.keys.get("heading", block.first))
    kept = (isinstance(rows_start, int) and line > rows_start + 1) or (
        block.reader == "prose" and line > block.first
    )
    if kept:
        draft.blocks.append(DraftBlock(block.reader, block.first, line - 1, dict(block.keys), block.why))
    if block.reader == "prose" and line < block.last:
        keys = {k: v for k, v in block.keys.items() if k not in ("heading", "headings")}
        headings = block.keys.get("headings", [])
        subs = [n for n in headings if isinstance(n, int) and n > line] if isinstance(headings, list) else []
        if subs:
            keys["headings"] = subs
        draft.blocks.append(DraftBlock("prose", line + 1, block.last, keys, block.why + " (continued)"))
    action = f"narrowed to lines {block.first}-{line - 1}" if kept else "left out"
    return (
        f"line {line}: the {block.reader} block at lines {block.first}-{block.last} {action}: {exc.message}"
    )


def _config_repair(draft: Draft, exc: PerrError) -> str | None:
    m = re.search(r"\[\[read\]\] block (\d+)", exc.message)
    ordered = sorted(draft.blocks, key=lambda b: b.first)
    if m and 1 <= int(m.group(1)) <= len(ordered):
        block = ordered[int(m.group(1)) - 1]
        draft.blocks.remove(block)
        return f"the {block.reader} block at lines {block.first}-{block.last} left out: {exc.message}"
    if exc.message.startswith("[matrix]") or "[matrix]" in exc.message:
        draft.blocks = [b for b in draft.blocks if b.reader != "matrix"]
        draft.matrix = None
        return f"the tables of marks left out: {exc.message}"
    return None


def _quoted(message: str) -> str | None:
    m = re.search(r"'([^']+)'|\"([^\"]+)\"", message)
    return (m.group(1) or m.group(2)) if m else None
