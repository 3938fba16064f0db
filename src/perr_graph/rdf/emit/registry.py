"""The partner registry as RDF: organisations and territories (``docs/model.md``, "Organisations",
"Territories"), in ``graph:registry``."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

from perr_graph import namespaces as ns
from perr_graph.inputs.registry import Registry
from perr_graph.rdf.emit.base import TripleSink, fr

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


def registry_graph(g: TripleSink, registry: Registry) -> None:
    """Every partner (``org:Organization`` and its kind: formal organisation, unit, collective party) with its
    labels, category, parent (``org:unitOf`` / ``org:subOrganizationOf``), jurisdiction and scope, every way the
    texts name it (``skos:altLabel``); every territory with its type, labels, the territory it is part of and its
    aliases. A collective party is scoped to its protocol (``perr:protocol``)."""
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
        if p.jurisdiction:
            g.add((node, PERR.jurisdiction, ns.territory(p.jurisdiction)))
        if p.scope:
            g.add((node, PERR.protocol, ns.protocol(p.scope)))
        if p.note:
            g.add((node, SKOS.editorialNote, Literal(p.note, lang="en")))
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
    for a in registry.territory_aliases.aliases:
        g.add((ns.territory(a.target), SKOS.altLabel, Literal(a.alias)))
