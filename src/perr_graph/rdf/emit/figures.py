"""Figures a protocol states: amounts of money, and statistics tables as RDF Data Cube observations
(``docs/model.md``, "Amount", "Statistics")."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import RDF, SKOS

from perr_graph import namespaces as ns
from perr_graph.model import Protocol
from perr_graph.rdf.emit.base import ProtocolFacts, decimal, fr
from perr_graph.text import slug

PERR, QB, SCHEMA = ns.PERR, ns.QB, ns.SCHEMA


def amounts(f: ProtocolFacts, p: Protocol) -> None:
    """``schema:MonetaryAmount``: the value (``xsd:decimal``) in euros, the amount as written, the sentence it
    stands in (``perr:purpose``) and the commitment it is mentioned in, if any."""
    for a in p.amounts:
        node = f.fact(f.node("amount", a.key), SCHEMA.MonetaryAmount, a.span, Literal(a.text))
        f.add(node, SCHEMA.value, decimal(a.value))
        f.add(node, SCHEMA.currency, Literal("EUR"))
        f.add(node, PERR.amountText, Literal(a.text))
        f.add(node, PERR.purpose, fr(a.purpose))
        if a.commitment:
            f.add(node, PERR.mentionedIn, f.node("commitment", a.commitment))


def statistics(f: ProtocolFacts, p: Protocol) -> None:
    """RDF Data Cube: each table a ``qb:DataSet`` (structure ``perr:qpvStatisticsStructure``); each value a
    ``qb:Observation`` at ``<dataset>/L<row line>-<territory-id>`` with dimensions ``perr:refArea`` and
    ``perr:statistic`` (a ``stat:`` concept minted from the label as written), measure ``perr:statValue`` and
    attribute ``perr:unit``, each with its own evidence."""
    for t in p.statistics:
        ds = f.fact(f.node("statistics", t.key), QB.DataSet, t.span, fr(t.label))
        f.add(ds, QB.structure, PERR.qpvStatisticsStructure)
        for row in t.rows:
            stat = ns.STAT[slug(row.statistic)]
            f.add(stat, RDF.type, SKOS.Concept)
            f.add(stat, SKOS.inScheme, ns.CONCEPT["statistic"])
            f.add(stat, SKOS.prefLabel, fr(row.statistic))
            for o in row.observations:
                obs = ns.child(ds, f"L{row.line}-{o.territory}")
                f.add(obs, RDF.type, QB.Observation)
                f.add(obs, QB.dataSet, ds)
                f.add(obs, PERR.refArea, ns.territory(o.territory))
                f.add(obs, PERR.statistic, stat)
                f.add(obs, PERR.statValue, decimal(o.value))
                if o.unit:
                    f.add(obs, PERR.unit, Literal(o.unit))
                f.evidence(obs, o.span)
