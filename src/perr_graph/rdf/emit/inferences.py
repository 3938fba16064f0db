"""A protocol's graph of inferences, ``graph:inferences/<pid>`` (``docs/model.md``, "Stated and inferred
readings"): what a hypothesis reads into the protocol and the protocol does not state, never mixed with
``graph:protocol/<pid>``.

For each hypothesis applied to the protocol (:mod:`perr_graph.read.inference`):

* the inference activity ``id:protocol/<pid>/inference/<hypothesis>``, a ``prov:Activity`` that ``prov:used``
  the hypothesis concept (``perr:hypothesis`` too) and its premises, ``<activity>/premise/<n>``: the lines the
  hypothesis rests on, each with its evidence (source, lines, verbatim quote), in this protocol's text or in
  another's (whose source document is then described here too, so that the premise's evidence is complete
  within this graph);
* each inferred involvement ``<commitment>/inferred/<key>``: ``perr:InferredInvolvement``, hanging on its
  commitment by ``perr:inferredInvolvement``, with partner, role, reading rule, the marks as written, the
  column's partner, ``perr:hypothesis``, ``prov:wasGeneratedBy`` the activity, ``prov:wasDerivedFrom`` the
  evidence of the marks it reads and ``perr:inferredFrom`` the stated involvements of those marks.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from perr_graph import namespaces as ns
from perr_graph.model import Protocol
from perr_graph.rdf.emit.base import TripleSink, evidence, fr, integer

PERR, SPDX = ns.PERR, ns.SPDX

#: ``pid`` → (file name, SHA-256, line count) of a protocol's source document
Describe = Callable[[str], tuple[str, str, int]]


def inference_graph(g: TripleSink, p: Protocol, describe: Describe) -> None:
    """Everything the hypotheses of ``p`` read into it, into ``g`` (module docstring)."""
    for inf in p.inferences:
        act = ns.in_protocol(p.pid, "inference", inf.hypothesis)
        hypothesis = ns.concept("hypothesis", inf.hypothesis)
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, PERR.protocol, ns.protocol(p.pid)))
        g.add((act, PERR.hypothesis, hypothesis))
        g.add((act, PROV.used, hypothesis))
        g.add((act, RDFS.label, fr(f"lecture de {p.pid} sous l'hypothèse {inf.hypothesis}")))
        g.add(
            (act, RDFS.label, Literal(f"reading of {p.pid} under the hypothesis {inf.hypothesis}", lang="en"))
        )
        others = set()
        for n, premise in enumerate(inf.premises, start=1):
            node = ns.child(act, "premise", str(n))
            pid = premise.protocol or p.pid
            g.add((node, RDF.type, PROV.Entity))
            g.add((act, PROV.used, node))
            evidence(g, node, ns.source(pid), premise.span)
            if pid != p.pid:
                others.add(pid)
        for pid in sorted(others):
            _source_document(g, pid, *describe(pid))
        for inv in inf.involvements:
            commitment = ns.in_protocol(p.pid, "commitment", inv.commitment)
            node = ns.child(commitment, "inferred", inv.key)
            g.add((commitment, PERR.inferredInvolvement, node))
            g.add((node, RDF.type, PERR.InferredInvolvement))
            g.add((node, PERR.partner, ns.org(inv.partner)))
            g.add((node, PERR.role, ns.concept("role", inv.role)))
            g.add((node, PERR.evidence, Literal(inv.evidence)))
            g.add((node, PERR.readingRule, ns.concept("rule", inv.rule)))
            g.add((node, PERR.hypothesis, hypothesis))
            g.add((node, PROV.wasGeneratedBy, act))
            if inv.column:
                g.add((node, PERR.columnPartner, ns.org(inv.column)))
            for key in inv.derived_from:
                stated = ns.child(commitment, "involvement", key)
                g.add((node, PERR.inferredFrom, stated))
                g.add((node, PROV.wasDerivedFrom, ns.child(stated, "source")))


def _source_document(g: TripleSink, pid: str, file: str, sha256: str, line_count: int) -> None:
    """Another protocol's source document, described as in its own graph (``docs/model.md``, "Source
    document"), for the premises quoting it."""
    s = ns.source(pid)
    g.add((s, RDF.type, PERR.SourceDocument))
    g.add((s, DCTERMS.identifier, Literal(file)))
    g.add((s, RDFS.label, Literal(f"data/sources/{file}")))
    g.add((s, PERR.lineCount, integer(line_count)))
    checksum = ns.child(s, "checksum")
    g.add((s, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
