"""Facts → RDF, as ``docs/model.md`` describes. One function per graph: a protocol, the registry, the reference
identifiers. Graphs are passed in; nothing here keeps a graph between calls."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol, Span
from perr_graph.text import shorten, slug

PERR, OA, QB, ADMS, SCHEMA, SPDX = ns.PERR, ns.OA, ns.QB, ns.ADMS, ns.SCHEMA, ns.SPDX

LEAD_ROLES = {"chef-de-file", "partie-qui-s-engage"}
ASSOCIATED_ROLES = {"partenaire-associe"}


def fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def _num(value) -> Literal:
    """A decimal literal (``docs/model.md``: measures, targets and amounts are ``xsd:decimal``)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return Literal(text, datatype=XSD.decimal)


def evidence(g: Graph, fact: URIRef, source: URIRef, span: Span) -> None:
    """``fact prov:wasDerivedFrom`` a Web Annotation specific resource: the text span and verbatim quote."""
    res = ns.child(fact, "source")
    quote, lines = ns.child(res, "quote"), ns.child(res, "lines")
    g.add((fact, PROV.wasDerivedFrom, res))
    g.add((res, RDF.type, OA.SpecificResource))
    g.add((res, OA.hasSource, source))
    g.add((res, PERR.lineStart, Literal(span.start, datatype=XSD.integer)))
    g.add((res, PERR.lineEnd, Literal(span.end, datatype=XSD.integer)))
    g.add((res, OA.hasSelector, quote))
    g.add((res, OA.hasSelector, lines))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(span.quote)))
    g.add((lines, RDF.type, OA.FragmentSelector))
    g.add((lines, DCTERMS.conformsTo, ns.RFC5147))
    g.add((lines, RDF.value, Literal(f"line={span.start - 1},{span.end}")))


def protocol_graph(
    g: Graph, p: Protocol, registry: Registry, source_file: str, sha256: str, line_count: int
) -> None:
    pid = p.pid
    P, S = ns.protocol(pid), ns.source(pid)

    def ip(kind: str, key: str) -> URIRef:
        return ns.in_protocol(pid, kind, key)

    def concept(scheme: str, value: str | None):
        return ns.concept(scheme, value) if value else None

    def fact(node: URIRef, cls: URIRef, span: Span | None, label: Literal | None = None) -> URIRef:
        """The triples every fact of this protocol has: its class, its protocol, its label, its evidence."""
        g.add((node, RDF.type, cls))
        g.add((node, PERR.protocol, P))
        if label is not None:
            g.add((node, RDFS.label, label))
        if span is not None:
            evidence(g, node, S, span)
        return node

    # protocol and source document
    g.add((P, RDF.type, PERR.Protocol))
    g.add((P, DCTERMS.source, S))
    if p.title:
        g.add((P, DCTERMS.title, fr(p.title)))
        g.add((P, RDFS.label, fr(p.title)))
        evidence(g, P, S, p.title_span)
    if p.lead_note:
        g.add((P, PERR.leadReadingNote, Literal(p.lead_note, lang="en")))
    g.add((S, RDF.type, PERR.SourceDocument))
    g.add((S, DCTERMS.identifier, Literal(source_file)))
    g.add((S, RDFS.label, Literal(f"data/sources/{source_file}")))
    g.add((S, PERR.lineCount, Literal(line_count, datatype=XSD.integer)))
    checksum = ns.child(S, "checksum")
    g.add((S, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    if p.epci:
        g.add((P, PERR.epci, ns.org(p.epci)))
    if p.territory:
        g.add((P, PERR.territory, ns.territory(p.territory)))
    if p.period:
        start, end, span = p.period
        node = ns.child(P, "period")
        g.add((P, PERR.period, node))
        g.add((node, RDF.type, PERR.Period))
        if start:
            g.add((node, PERR.periodStart, Literal(str(start), datatype=XSD.gYear)))
        if end:
            g.add((node, PERR.periodEnd, Literal(str(end), datatype=XSD.gYear)))
        evidence(g, node, S, span)
    if p.signing:
        date, place, span = p.signing
        node = ns.child(P, "signing")
        g.add((P, PERR.signing, node))
        g.add((node, RDF.type, PERR.Signing))
        if date:
            g.add((node, DCTERMS.date, Literal(date, datatype=XSD.date)))
        if place:
            g.add((node, PERR.placeName, Literal(place)))
        evidence(g, node, S, span)
    if p.contract:
        title, date, span = p.contract
        node = ns.contract(pid)
        g.add((P, PERR.renews, node))
        g.add((node, RDF.type, PERR.CityContract))
        g.add((node, DCTERMS.title, fr(title)))
        g.add((node, RDFS.label, fr(title)))
        if date:
            g.add((node, PERR.signatureDate, Literal(date, datatype=XSD.date)))
        evidence(g, node, S, span)
    for tid, span in p.qpv:
        g.add((P, PERR.priorityNeighbourhood, ns.territory(tid)))
        _mention(g, P, S, "qpv", tid, span, pid)
    for tid, span in p.watch:
        g.add((P, PERR.watchTerritory, ns.territory(tid)))
        _mention(g, P, S, "watch", tid, span, pid)
    for tid, span in p.places:
        g.add((P, DCTERMS.spatial, ns.territory(tid)))
        _mention(g, P, S, "place", tid, span, pid)

    # populations
    for f in p.populations:
        node = fact(ip("population", f"L{f.span.start}-{f.territory}"), PERR.PopulationFigure, f.span)
        g.add((node, PERR.territory, ns.territory(f.territory)))
        g.add((node, RDF.value, Literal(f.value, datatype=XSD.integer)))
        if f.year:
            g.add((node, PERR.refYear, Literal(str(f.year), datatype=XSD.gYear)))
        g.add((node, PERR.approximate, Literal(f.approximate)))

    # signatories
    for s in p.signatories:
        node = fact(ip("signatory", s.partner), PERR.Signatory, None)
        g.add((node, PERR.organization, ns.org(s.partner)))
        g.add((P, PERR.signatory, ns.org(s.partner)))
        mentions = [s, *s.also]
        for i, m in enumerate(mentions):
            evidence(g, node if i == 0 else ns.child(node, f"mention{i + 1}"), S, m.span)
            if i:
                g.add((node, PROV.wasDerivedFrom, ns.child(node, f"mention{i + 1}", "source")))
        persons = {(m.given, m.family, m.name_as_written) for m in mentions if m.family}
        for given, family, written in sorted(persons):
            person_id, _ = registry.person_for(given, family)
            person = ns.person(person_id)
            g.add((node, PERR.person, person))
            g.add((person, RDF.type, FOAF.Person))
            g.add((person, FOAF.name, Literal(written)))
            g.add((person, FOAF.givenName, Literal(given)))
            g.add((person, FOAF.familyName, Literal(family)))
            g.add((node, PERR.nameAsWritten, Literal(written)))
        posts = sorted({m.post for m in mentions if m.post})
        if posts:
            post = ns.child(node, "post")
            g.add((node, PERR.post, post))
            g.add((post, RDF.type, ORG.Post))
            g.add((post, ORG.postIn, ns.org(s.partner)))
            for label in posts:
                g.add((post, RDFS.label, fr(label)))
            for given, family, _ in sorted(persons):
                g.add((post, ORG.heldBy, ns.person(registry.person_for(given, family)[0])))

    # governance bodies
    for b in p.bodies:
        node = fact(ip("body", b.slug), PERR.GovernanceBody, b.span, fr(b.label))
        g.add((node, RDF.type, ORG.Organization))
        g.add((node, SKOS.prefLabel, fr(b.label)))
        g.add((node, ORG.classification, concept("body", b.body_type)))
        for partner, _ in b.chairs:
            g.add((node, PERR.chair, ns.org(partner)))
        for partner, _ in b.members:
            g.add((node, ORG.hasMember, ns.org(partner)))

    # structure
    for order, sec in enumerate(p.sections, start=1):
        node = fact(ip("section", sec.key), PERR.Section, sec.span, fr(sec.label))
        g.add((node, PERR.ordinal, Literal(order, datatype=XSD.integer)))
        if sec.pillar:
            g.add((node, PERR.pillar, concept("pillar", sec.pillar)))
        for t in sec.themes:
            g.add((node, PERR.theme, concept("theme", t)))
        if sec.parent:
            g.add((node, DCTERMS.isPartOf, ip("section", sec.parent)))
        if not sec.span:
            g.add((node, PERR.readingRule, ns.RULE["config-pillar"]))
            g.add((node, SKOS.editorialNote, Literal(sec.label_note or "", lang="en")))
    for ch in p.challenges:
        node = fact(ip("challenge", ch.key), PERR.Challenge, ch.span, fr(ch.label))
        if ch.section:
            g.add((node, PERR.section, ip("section", ch.section)))
    for ob in p.objectives:
        node = fact(ip("objective", ob.key), PERR.Objective, ob.span, fr(ob.label))
        if ob.section:
            g.add((node, PERR.section, ip("section", ob.section)))
        if ob.challenge:
            g.add((node, PERR.challenge, ip("challenge", ob.challenge)))

    # commitments
    for order, c in enumerate(p.commitments, start=1):
        node = fact(ip("commitment", c.key), PERR.Commitment, c.span, fr(shorten(c.text)))
        g.add((P, PERR.hasCommitment, node))
        g.add((node, PERR.text, fr(c.text)))
        g.add((node, PERR.ordinal, Literal(order, datatype=XSD.integer)))
        if c.section:
            g.add((node, PERR.section, ip("section", c.section)))
        if c.pillar:
            g.add((node, PERR.pillar, concept("pillar", c.pillar)))
        for t in c.themes:
            g.add((node, PERR.theme, concept("theme", t)))
        if c.challenge:
            g.add((node, PERR.challenge, ip("challenge", c.challenge)))
        if c.objective:
            g.add((node, PERR.objective, ip("objective", c.objective)))
        for d in c.description:
            g.add((node, PERR.description, fr(d)))
        for t in c.places:
            g.add((node, DCTERMS.spatial, ns.territory(t)))
        seen: dict[str, int] = {}
        for inv in c.involvements:
            seen[inv.partner] = seen.get(inv.partner, 0) + 1
            key = inv.partner if seen[inv.partner] == 1 else f"{inv.partner}-{seen[inv.partner]}"
            inode = ns.child(node, "involvement", key)
            partner = ns.org(inv.partner)
            g.add((node, PERR.involvement, inode))
            g.add((inode, RDF.type, PERR.Involvement))
            g.add((inode, PERR.partner, partner))
            g.add((inode, PERR.role, concept("role", inv.role)))
            g.add((inode, PERR.evidence, Literal(inv.evidence)))
            g.add((inode, PERR.readingRule, concept("rule", inv.rule)))
            evidence(g, inode, S, inv.span)
            g.add((node, PERR.involvedPartner, partner))
            if inv.role in LEAD_ROLES:
                g.add((node, PERR.lead, partner))
            elif inv.role in ASSOCIATED_ROLES:
                g.add((node, PERR.associatedPartner, partner))

    # indicators
    for ind in p.indicators:
        node = fact(ip("indicator", ind.key), PERR.Indicator, ind.span, fr(ind.label))
        for ck in ind.of_commitments:
            g.add((node, PERR.indicatorOf, ip("commitment", ck)))
        if ind.of_objective:
            g.add((node, PERR.indicatorOf, ip("objective", ind.of_objective)))
        for i, t in enumerate(ind.targets, start=1):
            tnode = ns.child(node, "target" if i == 1 else f"target{i}")
            g.add((node, PERR.target, tnode))
            g.add((tnode, RDF.type, PERR.Target))
            if t.value is not None:
                g.add((tnode, RDF.value, _num(t.value)))
            if t.unit:
                g.add((tnode, PERR.unit, Literal(t.unit)))
            if t.year:
                g.add((tnode, PERR.targetYear, Literal(str(t.year), datatype=XSD.gYear)))
            g.add((tnode, PERR.targetText, Literal(t.text)))

    # amounts
    for a in p.amounts:
        node = fact(ip("amount", a.key), SCHEMA.MonetaryAmount, a.span, Literal(a.text))
        g.add((node, SCHEMA.value, _num(a.value)))
        g.add((node, SCHEMA.currency, Literal("EUR")))
        g.add((node, PERR.amountText, Literal(a.text)))
        g.add((node, PERR.purpose, fr(a.purpose)))
        if a.commitment:
            g.add((node, PERR.mentionedIn, ip("commitment", a.commitment)))

    # referenced documents
    for r in p.references:
        node = fact(ip("reference", r.key), PERR.ReferencedDocument, r.span, fr(r.title))
        g.add((P, DCTERMS.references, node))
        g.add((node, DCTERMS.title, fr(r.title)))
        g.add((node, DCTERMS.type, concept("doctype", r.doctype)))
        if r.date:
            dt = XSD.date if len(r.date) == 10 else XSD.gYearMonth
            g.add((node, DCTERMS.date, Literal(r.date, datatype=dt)))

    # statistics (RDF Data Cube)
    for t in p.statistics:
        ds = fact(ip("statistics", t.key), QB.DataSet, t.span, fr(t.label))
        g.add((ds, QB.structure, PERR.qpvStatisticsStructure))
        for row in t.rows:
            stat = ns.STAT[slug(row.statistic)]
            g.add((stat, RDF.type, SKOS.Concept))
            g.add((stat, SKOS.inScheme, ns.CONCEPT["statistic"]))
            g.add((stat, SKOS.prefLabel, fr(row.statistic)))
            for o in row.observations:
                obs = ns.child(ds, f"L{row.line}-{o.territory}")
                g.add((obs, RDF.type, QB.Observation))
                g.add((obs, QB.dataSet, ds))
                g.add((obs, PERR.refArea, ns.territory(o.territory)))
                g.add((obs, PERR.statistic, stat))
                g.add((obs, PERR.statValue, _num(o.value)))
                if o.unit:
                    g.add((obs, PERR.unit, Literal(o.unit)))
                evidence(g, obs, S, o.span)


def _mention(g: Graph, P: URIRef, S: URIRef, kind: str, tid: str, span: Span, pid: str) -> None:
    """Where a protocol names a QPV or a territory de veille active: a qualified mention with its evidence."""
    node = ns.in_protocol(pid, kind, tid)
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, PERR.protocol, P))
    g.add((node, PERR.territory, ns.territory(tid)))
    evidence(g, node, S, span)


# --- registry -----------------------------------------------------------------------------------------------

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


def registry_graph(g: Graph, registry: Registry) -> None:
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


# --- reference identifiers ----------------------------------------------------------------------------------

_AGENCY = {
    "INSEE COG commune code": "INSEE",
    "SIREN": "INSEE (répertoire SIRENE)",
    "ANCT contrat de ville code": "ANCT",
    "official QPV name 2015": "ANCT / préfecture",
}


def reference_graph(g: Graph, path: Path, targets: dict[tuple[str, str, str], URIRef]) -> None:
    """Official identifiers from the reference file, attached to the node they identify.

    ``targets`` maps (kind, name as in the file) to the node; a row whose name maps to no node is an error
    (every row of the file must land somewhere)."""
    S = ns.REFERENCE_SOURCE
    g.add((S, RDF.type, PERR.SourceDocument))
    g.add((S, RDFS.label, Literal("data/reference/identifiers.csv")))
    g.add((S, DCTERMS.identifier, Literal("identifiers.csv")))
    by_code: dict[str, URIRef] = {}
    mergers = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            merged = re.search(r"created (\d{4}-\d{2}-\d{2}) by merger.*?\(SIREN (\d{9})\)", row["note"])
            if merged and row["scheme"] == "SIREN":
                mergers.append((n, row, merged.group(1), merged.group(2)))
            node = targets.get((row["kind"], row["name"], row["scheme"]))
            if node is None:
                raise ConfigError(
                    f"no node for {row['kind']} {row['name']!r}: map it in data/registry/reference-map.csv",
                    path,
                    n,
                )
            ident = ns.ID[f"identifier/{slug(row['scheme'])}/{slug(row['code'] or row['name'])}"]
            g.add((node, ADMS.identifier, ident))
            g.add((ident, RDF.type, ADMS.Identifier))
            g.add((ident, SKOS.notation, Literal(row["code"] or row["name"])))
            g.add((ident, DCTERMS.type, Literal(row["scheme"])))
            g.add((ident, ADMS.schemeAgency, Literal(_AGENCY.get(row["scheme"], row["scheme"]))))
            if row["valid"]:
                g.add((ident, PERR.validity, Literal(row["valid"])))
            if row["note"]:
                g.add((ident, SKOS.note, Literal(row["note"], lang="en")))
            g.add((ident, DCTERMS.source, S))
            g.add((ident, DCTERMS.bibliographicCitation, Literal(row["source"])))
            g.add((ident, PERR.lineStart, Literal(n, datatype=XSD.integer)))
            if row["code"]:
                by_code[row["code"]] = node
    # the EPCIs' dated legal identity: a merger the reference file states, with the predecessor's SIREN
    for n, row, date, predecessor in mergers:
        if predecessor not in by_code:
            raise ConfigError(
                f"the merger names SIREN {predecessor}, which no row of the file gives", path, n
            )
        successor = targets[(row["kind"], row["name"], row["scheme"])]
        event = ns.ID[f"event/merger/{row['code']}"]
        g.add((event, RDF.type, ORG.ChangeEvent))
        g.add((event, ORG.originalOrganization, by_code[predecessor]))
        g.add((event, ORG.resultingOrganization, successor))
        g.add((successor, ORG.resultedFrom, event))
        g.add((by_code[predecessor], ORG.changedBy, event))
        g.add((event, DCTERMS.date, Literal(date, datatype=XSD.date)))
        g.add((event, RDFS.label, Literal(f"Fusion créant {row['name']} ({date})", lang="fr")))
        g.add((event, SKOS.note, Literal(row["note"], lang="en")))
        g.add((event, DCTERMS.source, S))
        g.add((event, DCTERMS.bibliographicCitation, Literal(row["source"])))
        g.add((event, PERR.lineStart, Literal(n, datatype=XSD.integer)))
