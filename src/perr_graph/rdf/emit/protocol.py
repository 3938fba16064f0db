"""One protocol's named graph: the protocol, its source document, the places it names, its populations and the
documents it references; and :func:`protocol_graph`, which calls every emitter of a protocol's facts."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol, Span
from perr_graph.rdf.emit.base import ProtocolFacts, TripleSink, evidence, fr, integer, year
from perr_graph.rdf.emit.commitments import commitments, indicators
from perr_graph.rdf.emit.figures import amounts, statistics
from perr_graph.rdf.emit.parties import bodies, signatories
from perr_graph.rdf.emit.structure import challenges, objectives, sections
from perr_graph.text import shorten

PERR, SPDX = ns.PERR, ns.SPDX


def protocol_graph(
    g: TripleSink, p: Protocol, registry: Registry, source_file: str, sha256: str, line_count: int
) -> None:
    """Everything one protocol states, into ``g`` (its named graph ``graph:protocol/<pid>``, ``docs/model.md``,
    "Named graphs"), one emitter per kind of fact. ``registry`` gives the people's ids; the source file's name,
    checksum and line count describe the source document."""
    f = ProtocolFacts(g, p.pid)
    document(f, p, source_file, sha256, line_count)
    places(f, p)
    populations(f, p)
    communes(f, p)
    contributions(f, p)
    signatories(f, p, registry)
    bodies(f, p)
    sections(f, p)
    challenges(f, p)
    objectives(f, p)
    commitments(f, p)
    indicators(f, p)
    amounts(f, p)
    references(f, p)
    statistics(f, p)


def document(f: ProtocolFacts, p: Protocol, source_file: str, sha256: str, line_count: int) -> None:
    """``docs/model.md``, "Protocol" and "Source document": the protocol (title, lead reading note, EPCI and its
    territory, period, signing, the contrat de ville it renews) and its source text (file name, SHA-256
    checksum, line count)."""
    P, S = f.protocol, f.source
    f.add(P, RDF.type, PERR.Protocol)
    f.add(P, DCTERMS.source, S)
    if p.title:
        f.add(P, DCTERMS.title, fr(p.title))
        f.add(P, RDFS.label, fr(p.title))
        if p.title_span is not None:
            f.evidence(P, p.title_span)
    if p.lead_note:
        f.add(P, PERR.leadReadingNote, Literal(p.lead_note, lang="en"))
    f.add(S, RDF.type, PERR.SourceDocument)
    f.add(S, DCTERMS.identifier, Literal(source_file))
    f.add(S, RDFS.label, Literal(f"data/sources/{source_file}"))
    f.add(S, PERR.lineCount, integer(line_count))
    coverage(f, p)
    checksum = ns.child(S, "checksum")
    f.add(S, SPDX.checksum, checksum)
    f.add(checksum, RDF.type, SPDX.Checksum)
    f.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
    f.add(checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary))
    if p.epci:
        f.add(P, PERR.epci, ns.org(p.epci))
    if p.territory:
        f.add(P, PERR.territory, ns.territory(p.territory))
    if p.period:
        start, end, span = p.period
        node = ns.child(P, "period")
        f.add(P, PERR.period, node)
        f.add(node, RDF.type, PERR.Period)
        if start:
            f.add(node, PERR.periodStart, year(start))
        if end:
            f.add(node, PERR.periodEnd, year(end))
        f.evidence(node, span)
        if p.period_end_date:
            last_day, end_span = p.period_end_date
            f.add(node, PERR.endDate, Literal(last_day, datatype=XSD.date))
            evidence(f.g, ns.child(node, "end-date"), f.source, end_span)
            f.add(node, PROV.wasDerivedFrom, ns.child(node, "end-date", "source"))
    if p.signing:
        date, place, span = p.signing
        node = ns.child(P, "signing")
        f.add(P, PERR.signing, node)
        f.add(node, RDF.type, PERR.Signing)
        if date:
            f.add(node, DCTERMS.date, Literal(date, datatype=XSD.date))
        if place:
            f.add(node, PERR.placeName, Literal(place))
        f.evidence(node, span)
    if p.contract:
        title, date, span = p.contract
        node = ns.contract(p.pid)
        f.add(P, PERR.renews, node)
        f.add(node, RDF.type, PERR.CityContract)
        f.add(node, DCTERMS.title, fr(title))
        f.add(node, RDFS.label, fr(title))
        if date:
            f.add(node, PERR.signatureDate, Literal(date, datatype=XSD.date))
        f.evidence(node, span)


def coverage(f: ProtocolFacts, p: Protocol) -> None:
    """How the configuration accounts for the text (``docs/model.md``, "Source document"): counts of content
    lines read, ignored and unread on the source document; each ignored range (``perr:IgnoredLines`` at
    ``id:protocol/<pid>/ignored/L<first line>``, its reason as ``skos:editorialNote``) and each unread line
    (``perr:UnreadLine`` at ``id:protocol/<pid>/unread/L<line>``, with what it holds, ``perr:signal``)."""
    c = p.coverage
    if c is None:
        return
    S = f.source
    f.add(S, PERR.contentLines, integer(c.content))
    f.add(S, PERR.linesRead, integer(c.read))
    f.add(S, PERR.linesIgnored, integer(c.ignored_count))
    f.add(S, PERR.linesUnread, integer(len(c.unread)))
    for span, reason in c.ignored:
        node = f.fact(f.node("ignored", f"L{span.start}"), PERR.IgnoredLines, span)
        f.add(node, SKOS.editorialNote, Literal(reason, lang="en"))
    for span, signals in c.unread:
        node = f.fact(f.node("unread", f"L{span.start}"), PERR.UnreadLine, span, Literal(shorten(span.quote)))
        for signal in signals:
            f.add(node, PERR.signal, Literal(signal))


def places(f: ProtocolFacts, p: Protocol) -> None:
    """``docs/model.md``, "Protocol": ``perr:priorityNeighbourhood`` (QPV), ``perr:watchTerritory`` (communes de
    veille active) and ``dcterms:spatial`` (any other territory the text names), each named territory also with
    a mention node ``id:protocol/<pid>/<qpv|watch|place>/<territory-id>`` and its evidence."""
    for kind, prop, named in (
        ("qpv", PERR.priorityNeighbourhood, p.qpv),
        ("watch", PERR.watchTerritory, p.watch),
        ("place", DCTERMS.spatial, p.places),
    ):
        for tid, span in named:
            f.add(f.protocol, prop, ns.territory(tid))
            _mention(f, kind, tid, span)


def _mention(f: ProtocolFacts, kind: str, tid: str, span: Span) -> None:
    """Where a protocol names a QPV or a territory de veille active: a qualified mention with its evidence."""
    node = f.node(kind, tid)
    f.add(node, RDF.type, PROV.Entity)
    f.add(node, PERR.protocol, f.protocol)
    f.add(node, PERR.territory, ns.territory(tid))
    f.evidence(node, span)


def populations(f: ProtocolFacts, p: Protocol) -> None:
    """``docs/model.md``, "Population figures": one node per figure as stated (conflicting figures are two
    nodes), with its territory, value, reference year, whether the text says it is approximate, and whether it
    counts only the inhabitants of the territory's priority neighbourhoods (IRI ending ``-qpv``)."""
    for pop in p.populations:
        node = f.fact(
            f.node("population", f"L{pop.span.start}-{pop.territory}{'-qpv' if pop.in_qpv else ''}"),
            PERR.PopulationFigure,
            pop.span,
        )
        f.add(node, PERR.territory, ns.territory(pop.territory))
        f.add(node, RDF.value, integer(pop.value))
        if pop.year:
            f.add(node, PERR.refYear, year(pop.year))
        f.add(node, PERR.approximate, Literal(pop.approximate))
        if pop.in_qpv:
            f.add(node, PERR.inPriorityNeighbourhoods, Literal(True))


def communes(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:CommuneCount``: the number of communes the text says a territory counts
    (``id:protocol/<pid>/communes/L<line>-<territory-id>``)."""
    for n in p.communes:
        node = f.fact(f.node("communes", f"L{n.span.start}-{n.territory}"), PERR.CommuneCount, n.span)
        f.add(node, PERR.territory, ns.territory(n.territory))
        f.add(node, RDF.value, integer(n.value))


def contributions(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:Contribution`` (``id:protocol/<pid>/contribution/L<line>``): a partner's own text copied into the
    protocol, its title as written, its contributor; its items say ``perr:contribution`` (:mod:`.commitments`)."""
    for x in p.contributions:
        node = f.fact(f.node("contribution", x.key), PERR.Contribution, x.span, fr(x.title))
        f.add(node, DCTERMS.title, fr(x.title))
        f.add(node, PERR.contributor, ns.org(x.partner))


def references(f: ProtocolFacts, p: Protocol) -> None:
    """``docs/model.md``, "Referenced document": laws, circulaires, pactes … the text cites, with their title,
    document type and date where stated; the protocol ``dcterms:references`` each."""
    for r in p.references:
        node = f.fact(f.node("reference", r.key), PERR.ReferencedDocument, r.span, fr(r.title))
        f.add(f.protocol, DCTERMS.references, node)
        f.add(node, DCTERMS.title, fr(r.title))
        f.add(node, DCTERMS.type, ns.concept("doctype", r.doctype))
        if r.date:
            dt = XSD.date if len(r.date) == 10 else XSD.gYearMonth
            f.add(node, DCTERMS.date, Literal(r.date, datatype=dt))
