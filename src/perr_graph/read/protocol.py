"""Read one protocol: run the configured readers over its text and return a :class:`~perr_graph.model.Protocol`.

After the readers, these rules apply to every commitment, whatever layout it came from:

1. a block's ``party`` is given to the block's commitments that no mark or intro attributed;
2. a commitment ending with "(pilote : X ; associés : Y, Z)" has X as chef de file and Y, Z associated (rule
   ``pilot-in-parentheses``); the commitment's own words add what they name (:mod:`perr_graph.read.words`): "porté(e) par X" that
   qualifies the commitment's own action makes X its chef de file (rule ``explicit-words``), the same words after
   a named scheme make X the scheme's carrier (rule ``scheme-carrier``), "X s'engage à" inside a table cell makes
   X a committing party (rule ``inline-commitment``); a mark is never replaced;
3. ``@signatories`` becomes one involvement per signatory organisation (role ``signataires-collectivement``);
   in a text that lists no signatory, the collective stays as one party;
4. territories named in the text or in its enjeu are recorded (rule ``named-territory``), and amounts standing
   inside a commitment's lines are attached to it;
5. the commitments standing in a partner's contribution (``[[contribution]]``) are that contribution's items;
6. each involvement gets its key (the last segment of its IRI), and each ``[[hypothesis]]`` reads, apart, the
   involvements it applies to (:mod:`perr_graph.read.inference`); the sections are put in document order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from perr_graph.errors import ConfigError, PerrError
from perr_graph.inputs.catalogue import SourceText
from perr_graph.inputs.config import Block, load_config
from perr_graph.inputs.registry import SIGNATORIES, Registry
from perr_graph.model import Commitment, Involvement, Protocol, Section
from perr_graph.read import anchored, coverage, inference, words
from perr_graph.read.base import Context
from perr_graph.read.table import READERS, block_models


def read_protocol(
    config_path: Path,
    registry: Registry,
    source: SourceText,
    concepts: dict[str, set[str]] | None = None,
    sources: Callable[[str], SourceText] | None = None,
) -> Protocol:
    """Read one protocol from its configuration and its source text. ``concepts`` (scheme → slugs, from the
    ontology) lets every role, rule, pillar, theme and body type be checked; the build always passes it.
    ``sources`` gives another protocol's text by id (the premises of a hypothesis may quote it)."""
    cfg = load_config(config_path, block_models())
    protocol = Protocol(
        pid=cfg.id,
        epci=cfg.epci,
        territory=cfg.territory,
        lead_note=cfg.lead_note.strip(),
    )
    ctx = Context(cfg.id, source, cfg, registry, protocol, sources)
    anchored.read(ctx)
    # signatories first: collective commitments expand to them
    blocks = sorted(cfg.read, key=lambda b: not b.reader.startswith("signat"))
    for block in blocks:
        before = len(protocol.commitments)
        READERS[block.reader].read(ctx, block)
        _default_party(ctx, block, protocol.commitments[before:])
    _pilot_in_parentheses(ctx)
    words.apply(ctx)
    _expand_signatories(ctx)
    _places_and_amounts(ctx)
    protocol.commitments.sort(key=lambda c: (c.span.start, _n(c.key)))
    protocol.sections.sort(key=lambda s: (s.position, _n(s.key)))
    _contributions(ctx)
    for c in protocol.commitments:
        _involvement_keys(c)
    inference.apply(ctx)
    _check_ids(ctx, concepts)
    protocol.coverage = coverage.account(ctx)
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
        | {i.column for c in p.commitments for i in c.involvements if i.column}
        | {s.partner for s in p.signatories}
        | {x.partner for x in p.contributions}
    )
    for pid in sorted(x for x in partners if x):
        if pid not in reg.partners:
            raise fail("partner (data/registry/partners.csv)", pid)
    if p.territory and p.territory not in reg.territories:
        raise fail("territory (data/registry/territories.csv)", p.territory)
    if concepts is None:
        return
    inferred = [i for inf in p.inferences for i in inf.involvements]
    used = [("role", i.role) for c in p.commitments for i in c.involvements]
    used += [("rule", i.rule) for c in p.commitments for i in c.involvements]
    used += [("role", i.role) for i in inferred] + [("rule", i.rule) for i in inferred]
    used += [("hypothesis", inf.hypothesis) for inf in p.inferences]
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


def _contributions(ctx: Context) -> None:
    """The commitments standing in the lines of a partner's contribution are its items (rule 5)."""
    for contribution in ctx.protocol.contributions:
        first, last = contribution.lines
        for c in ctx.protocol.commitments:
            if first <= c.span.start <= last:
                c.contribution = contribution.key


def _involvement_keys(c: Commitment) -> None:
    """``<partner-id>``, then ``<partner-id>-2`` … when a partner is involved again (with another role)."""
    seen: dict[str, int] = {}
    for inv in c.involvements:
        seen[inv.partner] = seen.get(inv.partner, 0) + 1
        inv.key = inv.partner if seen[inv.partner] == 1 else f"{inv.partner}-{seen[inv.partner]}"


_PILOT = re.compile(
    r"\(\s*pilote\s*:\s*(?P<pilot>[^;)]+?)\s*(?:;\s*associ[ée]e?s?\s*:\s*(?P<associated>[^)]+?))?\s*\)\s*[.;]?$",
    re.IGNORECASE,
)


def _pilot_in_parentheses(ctx: Context) -> None:
    """Rule ``pilot-in-parentheses``: a commitment whose words end with "(pilote : X ; associé(e)(s) : Y, Z)"
    has X as its lead and Y, Z as associated partners (a pilot "État – DIRECCTE" is the State through its
    service: both); its text leaves the parenthesis out, which is kept as the evidence."""
    for c in ctx.protocol.commitments:
        m = _PILOT.search(c.text)
        if m is None:
            continue
        evidence = m.group(0).strip().rstrip(".;").strip("() ")
        found = [(p, "chef-de-file") for p in ctx.partners_in_phrase(m.group("pilot"), c.span.start)]
        for name in re.split(r"\s*,\s*|\s+et\s+", m.group("associated") or ""):
            if name.strip():  # each name must be known: none is dropped in silence
                found += [(p, "partenaire-associe") for p in ctx.partners_in_phrase(name, c.span.start)]
        c.text = c.text[: m.start()].rstrip(" ,;")
        for partner, role in found:
            existing = [i for i in c.involvements if i.partner == partner and i.role == role]
            if not existing:
                c.involvements.append(Involvement(partner, role, evidence, "pilot-in-parentheses", c.span))


def _expand_signatories(ctx: Context) -> None:
    """Rule 3: ``@signatories`` becomes one involvement per signatory organisation, each also kept when the
    commitment's words name that organisation in another role (words add, never hide: Montélimar line 64 keeps the
    Département among its signatories collectively beside the policies it carries)."""
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
                    if not any(
                        e.partner == p and e.role == "signataires-collectivement" for e in c.involvements
                    )
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
