"""Commitments, the involvement of each partner in them, and indicators with their targets (``docs/model.md``,
"Commitment", "Involvement", "Indicator")."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from perr_graph import namespaces as ns
from perr_graph.model import Commitment, Protocol, Span
from perr_graph.rdf.emit.base import (
    ASSOCIATED_ROLES,
    COMMITTING_ROLES,
    LEAD_ROLES,
    ProtocolFacts,
    decimal,
    fr,
    integer,
    year,
)
from perr_graph.text import shorten, slug

PERR = ns.PERR


def commitments(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Commitment``, listed from its protocol by ``perr:hasCommitment``: its text (cleaned of HTML) and a
    label shortened to 100 characters, document order, section, pillar, themes, objective, enjeu, the paragraphs
    that follow a bullet (``perr:description``), the territories its text names, its involvements, the other
    cells of its table row (``perr:cell``), and, for an item of a partner's contribution, ``perr:ContributionItem``
    and ``perr:contribution``."""
    for order, c in enumerate(p.commitments, start=1):
        node = f.fact(f.node("commitment", c.key), PERR.Commitment, c.span, fr(shorten(c.text)))
        if c.contribution:
            f.add(node, RDF.type, PERR.ContributionItem)
            f.add(node, PERR.contribution, f.node("contribution", c.contribution))
        f.add(f.protocol, PERR.hasCommitment, node)
        f.add(node, PERR.text, fr(c.text))
        f.add(node, PERR.ordinal, integer(order))
        if c.section:
            f.add(node, PERR.section, f.node("section", c.section))
        if c.pillar:
            f.add(node, PERR.pillar, ns.concept("pillar", c.pillar))
        for t in c.themes:
            f.add(node, PERR.theme, ns.concept("theme", t))
        if c.challenge:
            f.add(node, PERR.challenge, f.node("challenge", c.challenge))
        if c.objective:
            f.add(node, PERR.objective, f.node("objective", c.objective))
        for d in c.description:
            f.add(node, PERR.description, fr(d))
        for t in c.places:
            f.add(node, DCTERMS.spatial, ns.territory(t))
        for cell in c.cells:
            cnode = ns.child(node, "cell", slug(cell.column))
            f.add(node, PERR.cell, cnode)
            f.add(cnode, RDF.type, PERR.TableCell)
            f.add(cnode, PERR.column, Literal(cell.column))
            f.add(cnode, RDF.value, fr(cell.value))
            f.evidence(cnode, cell.span)
        involvements(f, c)


def involvements(f: ProtocolFacts, c: Commitment) -> None:
    """``perr:Involvement`` (the ORG Membership pattern): partner, role, the mark or words as written, the
    reading rule, the column's partner when the mark names a service within it (``perr:columnPartner``), the
    line of the mark and the legend that says what the mark means (when the document states one), at
    ``<commitment>/involvement/<key>`` (the partner id, ``-2``, ``-3`` … when a partner is involved again).
    Shortcuts: ``perr:involvedPartner`` for any role, ``perr:lead`` for the chef de file only
    (:data:`~perr_graph.rdf.emit.base.LEAD_ROLES`), ``perr:committingParty`` for ``role:partie-qui-s-engage``,
    ``perr:associatedPartner`` for ``role:partenaire-associe``."""
    node = f.node("commitment", c.key)
    seen: dict[str, int] = {}
    for inv in c.involvements:
        seen[inv.partner] = seen.get(inv.partner, 0) + 1
        key = inv.key or (inv.partner if seen[inv.partner] == 1 else f"{inv.partner}-{seen[inv.partner]}")
        inode = ns.child(node, "involvement", key)
        partner = ns.org(inv.partner)
        f.add(node, PERR.involvement, inode)
        f.add(inode, RDF.type, PERR.Involvement)
        f.add(inode, PERR.partner, partner)
        f.add(inode, PERR.role, ns.concept("role", inv.role))
        f.add(inode, PERR.evidence, Literal(inv.evidence))
        f.add(inode, PERR.readingRule, ns.concept("rule", inv.rule))
        if inv.column:
            f.add(inode, PERR.columnPartner, ns.org(inv.column))
        f.evidence(inode, inv.span)
        if inv.legend is not None:
            f.add(inode, PERR.legend, legend(f, inv.legend))
        f.add(node, PERR.involvedPartner, partner)
        if inv.role in LEAD_ROLES:
            f.add(node, PERR.lead, partner)
        elif inv.role in COMMITTING_ROLES:
            f.add(node, PERR.committingParty, partner)
        elif inv.role in ASSOCIATED_ROLES:
            f.add(node, PERR.associatedPartner, partner)


def indicators(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Indicator``: its label as written, what it measures (``perr:indicatorOf`` a commitment or an
    objective), and its targets ``<indicator>/target``, ``<indicator>/target2`` … (value as ``xsd:decimal``,
    unit, year, the target as written)."""
    for ind in p.indicators:
        node = f.fact(f.node("indicator", ind.key), PERR.Indicator, ind.span, fr(ind.label))
        for ck in ind.of_commitments:
            f.add(node, PERR.indicatorOf, f.node("commitment", ck))
        if ind.of_objective:
            f.add(node, PERR.indicatorOf, f.node("objective", ind.of_objective))
        for i, target in enumerate(ind.targets, start=1):
            tnode = ns.child(node, "target" if i == 1 else f"target{i}")
            f.add(node, PERR.target, tnode)
            f.add(tnode, RDF.type, PERR.Target)
            if target.value is not None:
                f.add(tnode, RDF.value, decimal(target.value))
            if target.unit:
                f.add(tnode, PERR.unit, Literal(target.unit))
            if target.year:
                f.add(tnode, PERR.targetYear, year(target.year))
            if target.per:
                f.add(tnode, PERR.per, Literal(target.per))
            if target.minimum:
                f.add(tnode, PERR.minimum, Literal(True))
            f.add(tnode, PERR.targetText, Literal(target.text))


def legend(f: ProtocolFacts, span: Span) -> URIRef:
    """The place where a document states what its marks mean: a ``perr:MarkLegend`` at
    ``id:protocol/<pid>/legend/L<line>``, its words as label and its evidence (written once, cited by every
    involvement read from a mark)."""
    node = f.node("legend", f"L{span.start}")
    f.fact(node, PERR.MarkLegend, span, fr(span.quote))
    return node
