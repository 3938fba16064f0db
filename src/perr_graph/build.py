"""``perr build``: the pipeline, inputs → read → rdf → write.

Reads a corpus (:class:`~perr_graph.inputs.corpus.Corpus`): the ontology, the registry, the catalogue, then each
protocol's configuration and text; writes one named graph per protocol, and the ontology, the registry, the
reference identifiers, the matched commitments and a DCAT/VoID description in their own graphs (``docs/model.md``,
"Named graphs"). Output: ``perr.trig`` and ``perr.nq``, deterministic and written atomically.

Commands that need the built dataset get it from :func:`ensure_dataset`, which builds it into the corpus's output
folder when it is missing (and says so); nothing else builds, and opening a store never does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from perr_graph import namespaces as ns
from perr_graph.errors import ConfigError
from perr_graph.inputs.catalogue import load_source, read_catalogue
from perr_graph.inputs.config import protocol_configs
from perr_graph.inputs.corpus import Corpus
from perr_graph.inputs.ontology import categories, concept_slugs, ontology_graph
from perr_graph.inputs.registry import Registry, reference_targets
from perr_graph.model import Protocol
from perr_graph.outputs import recover, write_set
from perr_graph.rdf import emit
from perr_graph.rdf.dataset import Publication, dataset_description
from perr_graph.rdf.serialize import nquads, trig
from perr_graph.read.protocol import read_protocol


@dataclass
class BuildResult:
    graphs: dict[URIRef, Graph]
    protocols: list[Protocol]
    outputs: list[Path]


def build(
    corpus: Corpus,
    output: Path | None = None,
    progress: Callable[[str], None] | None = None,
    write: bool = True,
) -> BuildResult:
    """Read every protocol of ``corpus`` and, with ``write``, write the dataset into ``output`` (default: the
    corpus's output folder)."""
    say = progress or (lambda _msg: None)
    check_base_iri(corpus)
    onto = ontology_graph(corpus.ontology)
    registry = Registry.load(corpus.registry, categories=categories(onto) or None)
    catalogue = read_catalogue(corpus.catalogue)
    concepts = concept_slugs(onto)
    graphs: dict[URIRef, Graph] = {ns.ONTOLOGY_GRAPH: onto}

    reg = Graph()
    emit.registry_graph(reg, registry)
    graphs[ns.REGISTRY_GRAPH] = reg

    protocols = []
    for cfg_path in protocol_configs(corpus.protocols):
        say(f"reading {cfg_path.name}")
        pid = cfg_path.stem
        if pid not in catalogue:
            raise ConfigError(f"protocol {pid!r} has a configuration but no catalogue row", cfg_path)
        entry = catalogue[pid]
        source = load_source(entry, corpus.sources)
        protocol = read_protocol(cfg_path, registry, source, concepts)
        if protocol.pid != pid:
            raise ConfigError(f"id {protocol.pid!r} differs from the file name {pid!r}", cfg_path)
        g = Graph()
        emit.protocol_graph(g, protocol, registry, entry.file, source.sha256, source.line_count)
        graphs[ns.protocol_graph(pid)] = g
        protocols.append(protocol)

    ref = Graph()
    emit.reference_graph(
        ref, corpus.reference, reference_targets(registry, corpus.registry / "reference-map.csv")
    )
    graphs[ns.REFERENCE_GRAPH] = ref

    # --- issue 5: commitments matched across protocols (matching.py), in their own graph -------------------
    from perr_graph.analysis.matching import matches_graph

    graphs[ns.MATCHES_GRAPH] = matches_graph(protocols)
    # --- end of issue 5 --------------------------------------------------------------------------------------

    publication = Publication(corpus.licence, corpus.publisher, corpus.issued, corpus.download_url)
    graphs[ns.DATASET_GRAPH] = dataset_description(graphs, protocols, publication)

    outputs = []
    if write:
        out = output or corpus.output
        say(f"writing {out}/perr.trig and perr.nq")
        # one set: a kill leaves the old perr.trig and perr.nq or the new ones, never one of each
        write_set(out, {"perr.trig": trig(graphs), "perr.nq": nquads(graphs)})
        outputs = [out / "perr.trig", out / "perr.nq"]
    return BuildResult(graphs, protocols, outputs)


def ensure_dataset(corpus: Corpus, progress: Callable[[str], None] | None = None) -> Path:
    """The corpus's built dataset (``perr.nq`` in its output folder), built first when it is missing; the
    build is announced on standard error (or to ``progress``)."""
    dataset = corpus.dataset
    recover(dataset.parent)
    if not dataset.exists():
        say = progress or (lambda m: print(f"perr: {m}", file=sys.stderr, flush=True))
        say(f"no built dataset in {corpus.output}: building {corpus.describe()} first")
        build(corpus, progress=progress)
    return dataset


def check_base_iri(corpus: Corpus) -> None:
    """The IRIs are minted by :mod:`perr_graph.namespaces` under one base; a corpus asking for another is
    refused rather than silently built under the wrong one."""
    if corpus.base_iri != ns.BASE:
        raise ConfigError(
            f"base_iri {corpus.base_iri!r}: this version of perr-graph mints every IRI under {ns.BASE} "
            "(another base is not supported yet)",
            corpus.settings_file,
            corpus.settings_line("base_iri"),
        )
