"""``perr build``: read every protocol, write the dataset.

One named graph per protocol, and the ontology, the registry, the reference identifiers and a DCAT/VoID
description in their own graphs (``docs/model.md``, "Named graphs"). Output: ``perr.trig`` and ``perr.nq``,
deterministic and written atomically.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError, InputError
from perr_graph.inputs import paths
from perr_graph.inputs.catalogue import load_source, read_catalogue
from perr_graph.inputs.config import protocol_configs
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol
from perr_graph.rdf import emit
from perr_graph.rdf.dataset import dataset_description
from perr_graph.rdf.serialize import nquads, trig, write_atomic
from perr_graph.read.protocol import read_protocol


@dataclass
class BuildResult:
    graphs: dict[URIRef, Graph]
    protocols: list[Protocol]
    outputs: list[Path]


def ontology_graph() -> Graph:
    g = Graph()
    for f in sorted(paths.ONTOLOGY.glob("*.ttl")):
        try:
            g.parse(f, format="turtle")
        except Exception as exc:  # rdflib raises several exception types for syntax errors
            raise InputError(f"cannot parse the ontology: {exc}", f) from None
    return g


def concept_slugs(onto: Graph) -> dict[str, set[str]]:
    """scheme short name → the concept slugs the ontology defines in it (``docs/model.md``)."""
    out: dict[str, set[str]] = {}
    for scheme, namespace in ns.SCHEMES.items():
        prefix = str(namespace)
        out[scheme] = {
            str(s)[len(prefix) :] for s in onto.subjects(RDF.type, SKOS.Concept) if str(s).startswith(prefix)
        }
    return out


def categories(onto: Graph) -> set[str]:
    """The partner-category slugs the ontology defines (the registry may use no other)."""
    prefix = str(ns.CATEGORY)
    return {str(s)[len(prefix) :] for s in onto.subjects(RDF.type, None) if str(s).startswith(prefix)}


def reference_targets(registry: Registry, path: Path) -> dict[tuple[str, str, str], URIRef]:
    """``data/registry/reference-map.csv``: which node each row of the reference file identifies."""
    targets = {}
    with path.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            kind, _, ident = row["target"].partition(":")
            if kind == "org" and ident in registry.partners:
                node = ns.org(ident)
            elif kind == "territory" and ident in registry.territories:
                node = ns.territory(ident)
            elif kind == "contract":
                node = ns.contract(ident)
            else:
                raise ConfigError(
                    f"target {row['target']!r} is not a known org:, territory: or contract: id", path, n
                )
            targets[(row["kind"], row["name"], row["scheme"])] = node
    return targets


def build(
    output: Path | None = None, progress: Callable[[str], None] | None = None, write: bool = True
) -> BuildResult:
    say = progress or (lambda _msg: None)
    onto = ontology_graph()
    registry = Registry.load(categories=categories(onto) or None)
    catalogue = read_catalogue()
    concepts = concept_slugs(onto)
    graphs: dict[URIRef, Graph] = {ns.ONTOLOGY_GRAPH: onto}

    reg = Graph()
    emit.registry_graph(reg, registry)
    graphs[ns.REGISTRY_GRAPH] = reg

    protocols = []
    for cfg_path in protocol_configs():
        say(f"reading {cfg_path.name}")
        pid = cfg_path.stem
        if pid not in catalogue:
            raise ConfigError(f"protocol {pid!r} has a configuration but no catalogue row", cfg_path)
        entry = catalogue[pid]
        source = load_source(entry)
        protocol = read_protocol(cfg_path, registry, source, concepts)
        if protocol.pid != pid:
            raise ConfigError(f"id {protocol.pid!r} differs from the file name {pid!r}", cfg_path)
        g = Graph()
        emit.protocol_graph(g, protocol, registry, entry.file, source.sha256, source.line_count)
        graphs[ns.protocol_graph(pid)] = g
        protocols.append(protocol)

    ref = Graph()
    emit.reference_graph(
        ref, paths.REFERENCE, reference_targets(registry, paths.REGISTRY / "reference-map.csv")
    )
    graphs[ns.REFERENCE_GRAPH] = ref

    # --- issue 5: commitments matched across protocols (matching.py), in their own graph -------------------
    from perr_graph.analysis.matching import matches_graph

    graphs[ns.MATCHES_GRAPH] = matches_graph(protocols)
    # --- end of issue 5 --------------------------------------------------------------------------------------

    graphs[ns.DATASET_GRAPH] = dataset_description(graphs, protocols)

    outputs = []
    if write:
        out = output or paths.DIST
        say(f"writing {out}/perr.trig and perr.nq")
        write_atomic(out / "perr.nq", nquads(graphs))
        write_atomic(out / "perr.trig", trig(graphs))
        outputs = [out / "perr.trig", out / "perr.nq"]
    return BuildResult(graphs, protocols, outputs)
