"""Read one protocol: run the configured readers over its text and return a :class:`~perr_graph.model.Protocol`.

After the readers, four rules apply to every commitment, whatever layout it came from:

1. a block's ``party`` is given to the block's commitments that no mark or intro attributed;
2. explicit words in the commitment's own text ("porté(e) par X", "coordonné(e) par X") make X the lead
   (rule ``explicit-words``), and "X s'engage à" inside a table cell makes X its committing party (rule
   ``inline-commitment``); the configuration's ``explicit_words_ignore`` lists lines where such words qualify
   something else, with the reason;
3. ``@signatories`` becomes one involvement per signatory organisation (role ``signataires-collectivement``);
   in a text that lists no signatory, the collective stays as one party;
4. territories named in the text or in its enjeu are recorded (rule ``named-territory``), and amounts standing
   inside a commitment's lines are attached to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from perr_graph.errors import ConfigError, PerrError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.config import Block, load_config
from perr_graph.inputs.registry import SIGNATORIES, Registry
from perr_graph.model import Commitment, Involvement, Protocol, Section
from perr_graph.read import anchored
from perr_graph.read.base import Context
from perr_graph.read.table import READERS, block_models
from perr_graph.text import fold

_EXPLICIT = re.compile(r"\b(?:port|coordonn|pilot)[ée]{1,2}s?\s+par\s+(.{3,80})", re.IGNORECASE)
_ENGAGE = re.compile(r"s'engagen?t?\s+à", re.IGNORECASE)


def read_protocol(
    config_path: Path,
    registry: Registry,
    source: SourceText,
    concepts: dict[str, set[str]] | None = None,
) -> Protocol:
    """Read one protocol from its configuration and its source text. ``concepts`` (scheme → slugs, from the
    ontology) lets every role, rule, pillar, theme and body type be checked; the build always passes it."""
    cfg = load_config(config_path, block_models())
    protocol = Protocol(
        pid=cfg.id,
        epci=cfg.epci,
        territory=cfg.territory,
        lead_note=cfg.lead_note.strip(),
    )
    ctx = Context(cfg.id, source, cfg, registry, protocol)
    anchored.read(ctx)
    # signatories first: collective commitments expand to them
    blocks = sorted(cfg.read, key=lambda b: not b.reader.startswith("signat"))
    for block in blocks:
        before = len(protocol.commitments)
        READERS[block.reader].read(ctx, block)
        _default_party(ctx, block, protocol.commitments[before:])
    _explicit_words(ctx)
    _expand_signatories(ctx)
    _places_and_amounts(ctx)
    protocol.commitments.sort(key=lambda c: (c.span.start, _n(c.key)))
    _check_ids(ctx, concepts)
    return protocol


def _check_ids(ctx: Context, concepts: dict[str, set[str]] | None) -> None:
    """Every id the configuration supplies must exist: partners and territories in the registry, concepts in
    the ontology's schemes. A typo is an error pointing at the configuration line, never a dangling IRI."""
    p, reg = ctx.protocol, ctx.registry

    def fail(what: str, value: str) -> PerrError:
        return ctx.config_error(f"{what} {value!r} is not defined", value=value)

    partners = (
        {p.epci}
        | {i.partner for c in p.commitments for i in c.involvements}
        | {s.partner for s in p.signatories}
    )
    for pid in sorted(x for x in partners if x):
        if pid not in reg.partners:
            raise fail("partner (data/registry/partners.csv)", pid)
    if p.territory and p.territory not in reg.territories:
        raise fail("territory (data/registry/territories.csv)", p.territory)
    if concepts is None:
        return
    used = [("role", i.role) for c in p.commitments for i in c.involvements]
    used += [("rule", i.rule) for c in p.commitments for i in c.involvements]
    described: list[Section | Commitment] = [*p.sections, *p.commitments]
    used += [("pillar", x.pillar) for x in described if x.pillar]
    used += [("theme", t) for x in described for t in x.themes]
    used += [("body", b.body_type) for b in p.bodies] + [("doctype", r.doctype) for r in p.references]
    for scheme, slug in sorted(set(used)):
        if slug not in concepts.get(scheme, set()):
            raise fail(f"{scheme} concept (ontology/vocabularies.ttl)", slug)


def _n(key: str) -> int:
    return int(key.split("-")[1]) if "-" in key else 1


def _default_party(ctx: Context, block: Block, commitments: Sequence[Commitment]) -> None:
    if block.party is None or block.role is None or block.rule is None:
        return  # the block model requires role and rule with a party
    for c in commitments:
        if not c.involvements:
            c.involvements.append(
                Involvement(
                    block.party,
                    block.role,
                    block.evidence if block.evidence is not None else block.party,
                    block.rule,
                    c.span,
                )
            )


def _explicit_words(ctx: Context) -> None:
    """Lead-naming words inside a commitment's own text, whatever layout it came from: "porté(e) /
    coordonné(e) / piloté(e) par X" (rule ``explicit-words``) and, in a table cell, "X s'engage à …" (rule
    ``inline-commitment``: Val de Drôme line 128, "l'État s'engage à accompagner la collectivité"). The words
    win over a mark's undetermined or associated role; the evidence keeps both, verbatim."""
    ignore = {e.line for e in ctx.config.explicit_words_ignore}
    for c in ctx.protocol.commitments:
        if c.span.start in ignore:
            continue
        found = []
        for m in _EXPLICIT.finditer(c.text):
            hits = ctx.registry.partner_aliases.search(m.group(1), ctx.pid)
            hits = [h for h in hits if len(fold(m.group(1))[: h[1]].split()) <= 1]  # right after "par"
            if hits and hits[0][0].target != "-":
                found.append(
                    (
                        hits[0][0].target,
                        c.text[m.start() : m.start(1) + hits[0][2]],
                        "chef-de-file",
                        "explicit-words",
                    )
                )
        if not any(i.rule in ("committing-party", "inline-commitment") for i in c.involvements):
            for m in _ENGAGE.finditer(c.text):
                stop = c.text.rfind(". ", 0, m.start())
                start = stop + 2 if stop >= 0 else 0
                hits = [
                    h
                    for h in ctx.registry.partner_aliases.search(c.text[start : m.start()], ctx.pid)
                    if h[0].target != "-"
                ]
                if hits:  # the organisation named last before the verb; the evidence runs from its name
                    found.append(
                        (
                            hits[-1][0].target,
                            c.text[start + hits[-1][1] : m.end()],
                            "partie-qui-s-engage",
                            "inline-commitment",
                        )
                    )
        for partner, evidence, role, rule in found:
            existing = [i for i in c.involvements if i.partner == partner]
            for i in existing:
                if i.role not in ("chef-de-file", "partie-qui-s-engage"):
                    i.evidence = f"{i.evidence} | {evidence}"
                    i.role, i.rule = role, rule
            if not existing:
                c.involvements.append(Involvement(partner, role, evidence, rule, c.span))


def _expand_signatories(ctx: Context) -> None:
    signed = [s.partner for s in ctx.protocol.signatories]
    for c in ctx.protocol.commitments:
        expanded = []
        for inv in c.involvements:
            if inv.partner != SIGNATORIES:
                expanded.append(inv)
            elif signed:
                expanded.extend(
                    Involvement(
                        p, "signataires-collectivement", inv.evidence, "collective-signatories", inv.span
                    )
                    for p in signed
                    if not any(e.partner == p for e in c.involvements)
                )
            else:
                raise ConfigError(
                    f"commitment at line {c.span.start} is given to @signatories but the text lists "
                    "no signatory",
                    ctx.config.path,
                )
        c.involvements = expanded


def _places_and_amounts(ctx: Context) -> None:
    challenges = {ch.key: ch.label for ch in ctx.protocol.challenges}
    for c in ctx.protocol.commitments:
        enjeu = challenges.get(c.challenge, "") if c.challenge else ""
        c.places = ctx.territories_in(c.text + " " + enjeu)
    for a in ctx.protocol.amounts:
        inside = [c for c in ctx.protocol.commitments if c.span.start <= a.span.start <= c.span.end]
        if inside:
            a.commitment = inside[0].key
