"""The partner registry as RDF: organisations and territories (``docs/model.md``, "Organisations",
"Territories"), in ``graph:registry``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.inputs.registry import Partner, Registry
from perr_graph.model import Span
from perr_graph.rdf.emit.base import TripleSink, evidence, fr

PERR = ns.PERR

_KIND = {
    "FormalOrganization": ORG.FormalOrganization,
    "OrganizationalUnit": ORG.OrganizationalUnit,
    "CollectiveParty": PERR.CollectiveParty,
}
_TTYPE = {
    "epci": PERR.Intercommunality,
    "commune": PERR.Commune,
    "qpv": PERR.PriorityNeighbourhood,
    "place": PERR.LocalPlace,
    "departement": PERR.Territory,
    "region": PERR.Territory,
}


def registry_graph(
    g: TripleSink, registry: Registry, sources: Mapping[str, SourceDescription] | None = None
) -> None:
    """Every partner (``org:Organization`` and its kind: formal organisation, unit, collective party) with its
    labels, category, parent (``org:unitOf`` / ``org:subOrganizationOf``, with the lines of the texts that say
    so), jurisdiction and scope, every way the texts name it (``skos:altLabel``), and ``perr:unverifiedLabel``
    when its label expands a name beyond the texts; every territory with its type, labels, the territory it is
    part of and its aliases. A collective party is scoped to its protocol (``perr:protocol``). An entry
    ``perr add`` proposed and no person reviewed yet is ``perr:proposed true``, with the line it comes from as
    evidence (and that source text described, from ``sources``: protocol id → its file, checksum and line
    count)."""
    cited: set[str] = set()
    for p in registry.partners.values():
        node = ns.org(p.id)
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, RDF.type, _KIND[p.kind]))
        g.add((node, SKOS.prefLabel, fr(p.label)))
        g.add((node, RDFS.label, fr(p.label)))
        g.add((node, ORG.classification, ns.concept("category", p.category)))
        if p.parent:
            prop = ORG.unitOf if p.kind == "OrganizationalUnit" else ORG.subOrganizationOf
            g.add((node, prop, ns.org(p.parent)))
            g.add((node, ORG.subOrganizationOf, ns.org(p.parent)))
            _parent_evidence(g, p)
        if p.unverified:
            g.add((node, PERR.unverifiedLabel, Literal(True)))
            g.add((node, SKOS.scopeNote, Literal(f"Label not verified: {p.unverified}", lang="en")))
        if p.jurisdiction:
            g.add((node, PERR.jurisdiction, ns.territory(p.jurisdiction)))
        if p.scope:
            g.add((node, PERR.protocol, ns.protocol(p.scope)))
        if p.note:
            g.add((node, SKOS.editorialNote, Literal(p.note, lang="en")))
        if p.proposed:
            g.add((node, PERR.proposed, Literal(True)))
            if sources and p.source in sources and p.line is not None and p.quote:
                evidence(g, node, ns.source(p.source), Span(p.line, p.line, p.quote))
                cited.add(p.source)
    for pid in sorted(cited):
        _source(g, pid, sources[pid] if sources else None)
    for a in registry.partner_aliases.aliases:
        if a.target != "-" and not a.target.startswith("@"):
            g.add((ns.org(a.target), SKOS.altLabel, Literal(a.alias)))
    for t in registry.territories.values():
        node = ns.territory(t.id)
        g.add((node, RDF.type, PERR.Territory))
        g.add((node, RDF.type, _TTYPE[t.type]))
        g.add((node, SKOS.prefLabel, fr(t.label)))
        g.add((node, RDFS.label, fr(t.label)))
        if t.part_of:
            g.add((node, DCTERMS.isPartOf, ns.territory(t.part_of)))
        if t.note:
            g.add((node, SKOS.editorialNote, Literal(t.note, lang="en")))
        if t.proposed:
            g.add((node, PERR.proposed, Literal(True)))
            if sources and t.source in sources and t.line is not None and t.quote:
                evidence(g, node, ns.source(t.source), Span(t.line, t.line, t.quote))
                _source(g, t.source, sources[t.source])
    for a in registry.territory_aliases.aliases:
        g.add((ns.territory(a.target), SKOS.altLabel, Literal(a.alias)))


def _parent_evidence(g: TripleSink, p: Partner) -> None:
    """``id:org/<id>/parent``: the statement "``p`` org:subOrganizationOf its parent" (an ``rdf:Statement``), with
    ``dcterms:source`` each protocol's text that says so and ``dcterms:bibliographicCitation`` the line and the
    words (checked against the text by the build, :func:`perr_graph.inputs.registry.check_registry`)."""
    quotes = p.parent_quotes()
    if not quotes:
        return
    node = ns.child(ns.org(p.id), "parent")
    g.add((node, RDF.type, RDF.Statement))
    g.add((node, RDF.subject, ns.org(p.id)))
    g.add((node, RDF.predicate, ORG.subOrganizationOf))
    g.add((node, RDF.object, ns.org(p.parent)))
    for pid, line, quote in quotes:
        g.add((node, DCTERMS.source, ns.source(pid)))
        g.add((node, DCTERMS.bibliographicCitation, Literal(f"{pid}, line {line}: « {quote} »", lang="fr")))


@dataclass(frozen=True)
class SourceDescription:
    """What the registry graph says of a source text a proposed entry cites (so that its line can be shown)."""

    file: str
    sha256: str
    line_count: int


def _source(g: TripleSink, pid: str, d: SourceDescription | None) -> None:
    """The source document a proposed entry cites, described as in its protocol's graph (``docs/model.md``,
    "Source document")."""
    if d is None:
        return
    node = ns.source(pid)
    g.add((node, RDF.type, PERR.SourceDocument))
    g.add((node, DCTERMS.identifier, Literal(d.file)))
    g.add((node, RDFS.label, Literal(f"data/sources/{d.file}")))
    g.add((node, PERR.lineCount, Literal(d.line_count, datatype=XSD.integer)))
    checksum = ns.child(node, "checksum")
    g.add((node, ns.SPDX.checksum, checksum))
    g.add((checksum, RDF.type, ns.SPDX.Checksum))
    g.add((checksum, ns.SPDX.algorithm, ns.SPDX.checksumAlgorithm_sha256))
    g.add((checksum, ns.SPDX.checksumValue, Literal(d.sha256, datatype=XSD.hexBinary)))
