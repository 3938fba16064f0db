"""Official identifiers (INSEE, SIREN, ANCT, QPV codes) and the EPCIs' mergers, from the reference file, in
``graph:reference`` (``docs/model.md``, "Territories" and "Organisations"; "Provenance": facts from the
reference file cite it and its ``source`` column instead of a line span in a protocol)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError
from perr_graph.rdf.emit.base import TripleSink, integer
from perr_graph.text import slug

PERR, ADMS = ns.PERR, ns.ADMS

#: (kind, name, scheme) of a row of the reference file -> the node it identifies
Targets = Mapping[tuple[str, str, str], URIRef]

_AGENCY = {
    "INSEE COG commune code": "INSEE",
    "SIREN": "INSEE (répertoire SIRENE)",
    "ANCT contrat de ville code": "ANCT",
    "official QPV name 2015": "ANCT / préfecture",
}

_MERGER = re.compile(r"created (\d{4}-\d{2}-\d{2}) by merger.*?\(SIREN (\d{9})\)")


def reference_graph(g: TripleSink, path: Path, targets: Targets) -> None:
    """The reference file (``data/reference/identifiers.csv``) as :func:`identifiers` writes it."""
    with path.open(encoding="utf-8", newline="") as f:
        identifiers(g, csv.DictReader(f), targets, path)


def identifiers(
    g: TripleSink, rows: Iterable[Mapping[str, str]], targets: Targets, where: str | Path
) -> None:
    """Official identifiers, attached to the node they identify, and the mergers the rows' notes state.

    ``rows`` are the rows of a reference file (columns kind, name, scheme, code, valid, note, source), the first
    at line 2 of ``where``; ``targets`` maps (kind, name, scheme) to the node. A row that maps to no node is an
    error (every row of the file must land somewhere), and so is a merger whose predecessor no row gives."""
    S = ns.REFERENCE_SOURCE
    g.add((S, RDF.type, PERR.SourceDocument))
    g.add((S, RDFS.label, Literal("data/reference/identifiers.csv")))
    g.add((S, DCTERMS.identifier, Literal("identifiers.csv")))
    by_code: dict[str, URIRef] = {}
    mergers = []
    for n, row in enumerate(rows, start=2):
        merged = _MERGER.search(row["note"])
        if merged and row["scheme"] == "SIREN":
            mergers.append((n, row, merged.group(1), merged.group(2)))
        node = targets.get((row["kind"], row["name"], row["scheme"]))
        if node is None:
            raise ConfigError(
                f"no node for {row['kind']} {row['name']!r}: map it in data/registry/reference-map.csv",
                where,
                n,
            )
        _identifier(g, node, row, n)
        if row["code"]:
            by_code[row["code"]] = node
    for n, row, date, predecessor in mergers:
        if predecessor not in by_code:
            raise ConfigError(
                f"the merger names SIREN {predecessor}, which no row of the file gives", where, n
            )
        _merger(g, by_code[predecessor], targets[(row["kind"], row["name"], row["scheme"])], row, date, n)


def _identifier(g: TripleSink, node: URIRef, row: Mapping[str, str], n: int) -> None:
    """``adms:Identifier`` at ``id:identifier/<scheme>/<code>``: notation, scheme name, agency, validity as
    written, note, and its source (the file, its ``source`` column, its line)."""
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
    g.add((ident, DCTERMS.source, ns.REFERENCE_SOURCE))
    g.add((ident, DCTERMS.bibliographicCitation, Literal(row["source"])))
    g.add((ident, PERR.lineStart, integer(n)))


def _merger(
    g: TripleSink, predecessor: URIRef, successor: URIRef, row: Mapping[str, str], date: str, n: int
) -> None:
    """An EPCI's dated legal identity: the merger a row's note states, as an ``org:ChangeEvent`` from the
    predecessor (found by its SIREN) to the organisation the row identifies."""
    event = ns.ID[f"event/merger/{row['code']}"]
    g.add((event, RDF.type, ORG.ChangeEvent))
    g.add((event, ORG.originalOrganization, predecessor))
    g.add((event, ORG.resultingOrganization, successor))
    g.add((successor, ORG.resultedFrom, event))
    g.add((predecessor, ORG.changedBy, event))
    g.add((event, DCTERMS.date, Literal(date, datatype=XSD.date)))
    g.add((event, RDFS.label, Literal(f"Fusion créant {row['name']} ({date})", lang="fr")))
    g.add((event, SKOS.note, Literal(row["note"], lang="en")))
    g.add((event, DCTERMS.source, ns.REFERENCE_SOURCE))
    g.add((event, DCTERMS.bibliographicCitation, Literal(row["source"])))
    g.add((event, PERR.lineStart, integer(n)))
