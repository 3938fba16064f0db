"""A protocol's structure: its sections, enjeux (challenges) and objectives (``docs/model.md``, "Structure")."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, SKOS

from perr_graph import namespaces as ns
from perr_graph.model import Protocol
from perr_graph.rdf.emit.base import ProtocolFacts, fr, integer

PERR = ns.PERR


def sections(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Section``: a document's own heading as written, in document order (``perr:ordinal``), with its
    pillar, themes and parent section. A section whose heading was lost in the conversion carries
    ``perr:readingRule rule:config-pillar`` and a ``skos:editorialNote`` instead of a span."""
    for order, sec in enumerate(p.sections, start=1):
        node = f.fact(f.node("section", sec.key), PERR.Section, sec.span, fr(sec.label))
        f.add(node, PERR.ordinal, integer(order))
        if sec.pillar:
            f.add(node, PERR.pillar, ns.concept("pillar", sec.pillar))
        for t in sec.themes:
            f.add(node, PERR.theme, ns.concept("theme", t))
        if sec.parent:
            f.add(node, DCTERMS.isPartOf, f.node("section", sec.parent))
        if not sec.span:
            f.add(node, PERR.readingRule, ns.RULE["config-pillar"])
            f.add(node, SKOS.editorialNote, Literal(sec.label_note or "", lang="en"))


def challenges(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Challenge`` (enjeu): its label as written and its section."""
    for ch in p.challenges:
        node = f.fact(f.node("challenge", ch.key), PERR.Challenge, ch.span, fr(ch.label))
        if ch.section:
            f.add(node, PERR.section, f.node("section", ch.section))


def objectives(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Objective``: its label as written, its section and the enjeu it serves (``perr:challenge``)."""
    for ob in p.objectives:
        node = f.fact(f.node("objective", ob.key), PERR.Objective, ob.span, fr(ob.label))
        if ob.section:
            f.add(node, PERR.section, f.node("section", ob.section))
        if ob.challenge:
            f.add(node, PERR.challenge, f.node("challenge", ob.challenge))
