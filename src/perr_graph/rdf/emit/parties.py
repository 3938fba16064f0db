"""Who signs and who governs: signatories with their people and posts, and governance bodies
(``docs/model.md``, "Signatories", "Governance")."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import FOAF, ORG, PROV, RDF, RDFS, SKOS

from perr_graph import namespaces as ns
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol, Signatory
from perr_graph.rdf.emit.base import ProtocolFacts, fr

PERR = ns.PERR


def signatories(f: ProtocolFacts, p: Protocol, registry: Registry) -> None:
    """``perr:Signatory`` (a qualified relation) at ``id:protocol/<pid>/signatory/<partner-id>``: its
    organisation (and the shortcut ``perr:signatory`` from the protocol), the person (``foaf:Person``, one
    ``foaf:name`` per spelling, the registry's id for the name), the post (``org:Post`` at ``<signatory>/post``,
    held by the person) and the name as written; every mention of the signatory in the text is evidence
    (``<signatory>/mention2`` … for the second and later)."""
    for s in p.signatories:
        node = f.fact(f.node("signatory", s.partner), PERR.Signatory, None)
        f.add(node, PERR.organization, ns.org(s.partner))
        f.add(f.protocol, PERR.signatory, ns.org(s.partner))
        mentions = [s, *s.also]
        for i, m in enumerate(mentions):
            f.evidence(node if i == 0 else ns.child(node, f"mention{i + 1}"), m.span)
            if i:
                f.add(node, PROV.wasDerivedFrom, ns.child(node, f"mention{i + 1}", "source"))
        persons = _persons(mentions)
        for given, family, written in persons:
            person = ns.person(registry.person_for(given, family)[0])
            f.add(node, PERR.person, person)
            f.add(person, RDF.type, FOAF.Person)
            f.add(person, FOAF.name, Literal(written))
            f.add(person, FOAF.givenName, Literal(given))
            f.add(person, FOAF.familyName, Literal(family))
            f.add(node, PERR.nameAsWritten, Literal(written))
        posts = sorted({m.post for m in mentions if m.post})
        if posts:
            post = ns.child(node, "post")
            f.add(node, PERR.post, post)
            f.add(post, ORG.postIn, ns.org(s.partner))
            f.add(post, RDF.type, ORG.Post)
            for label in posts:
                f.add(post, RDFS.label, fr(label))
            for given, family, _ in persons:
                f.add(post, ORG.heldBy, ns.person(registry.person_for(given, family)[0]))


def _persons(mentions: list[Signatory]) -> list[tuple[str, str, str]]:
    """(given name, family name, name as written) of every mention that names a person, sorted, once each; the
    readers set the three together."""
    out = set()
    for m in mentions:
        if m.family:
            if m.given is None or m.name_as_written is None:
                raise ValueError(
                    f"signatory {m.partner!r}: a family name without a given name or written name"
                )
            out.add((m.given, m.family, m.name_as_written))
    return sorted(out)


def bodies(f: ProtocolFacts, p: Protocol) -> None:
    """``perr:GovernanceBody`` (an ``org:Organization``) at ``id:protocol/<pid>/body/<slug>``: its label, type
    (``body:`` concept), chairs (``perr:chair``) and members (``org:hasMember``)."""
    for b in p.bodies:
        node = f.fact(f.node("body", b.slug), PERR.GovernanceBody, b.span, fr(b.label))
        f.add(node, RDF.type, ORG.Organization)
        f.add(node, SKOS.prefLabel, fr(b.label))
        f.add(node, ORG.classification, ns.concept("body", b.body_type))
        for partner, _ in b.chairs:
            f.add(node, PERR.chair, ns.org(partner))
        for partner, _ in b.members:
            f.add(node, ORG.hasMember, ns.org(partner))
