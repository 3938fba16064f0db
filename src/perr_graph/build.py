"""``perr build``: the pipeline, inputs → read → rdf → write.

Reads a corpus (:class:`~perr_graph.inputs.corpus.Corpus`): the ontology, the registry, the catalogue, then each
protocol's configuration and text; writes one named graph per protocol (and, for a protocol to which a hypothesis
is applied, its graph of inferences apart), and the ontology, the registry, the reference identifiers, the matched
commitments and contributions and a DCAT/VoID description in their own graphs (``docs/model.md``, "Named
graphs"). Output: ``perr.trig`` and ``perr.nq``, deterministic and written atomically.

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
from perr_graph.errors import ConfigError, UnreadContent
from perr_graph.inputs.catalogue import SourceText, load_source, read_catalogue
from perr_graph.inputs.config import protocol_configs
from perr_graph.inputs.corpus import Corpus
from perr_graph.inputs.ontology import categories, concept_slugs, ontology_graph
from perr_graph.inputs.registry import Registry, check_registry, reference_targets
from perr_graph.model import Protocol
from perr_graph.outputs import recover, write_set
from perr_graph.rdf import emit
from perr_graph.rdf.dataset import Publication, dataset_description
from perr_graph.rdf.emit.registry import SourceDescription
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
    strict: bool = False,
) -> BuildResult:
    """Read every protocol of ``corpus`` and, with ``write``, write the dataset into ``output`` (default: the
    corpus's output folder). With ``strict``, a content line that no block reads, no fact cites and no
    ``ignore`` entry lists stops the build before anything is written (:class:`UnreadContent`)."""
    say = progress or (lambda _msg: None)
    check_base_iri(corpus)
    onto = ontology_graph(corpus.ontology)
    registry = Registry.load(corpus.registry, categories=categories(onto) or None)
    catalogue = read_catalogue(corpus.catalogue)
    concepts = concept_slugs(onto)
    graphs: dict[URIRef, Graph] = {ns.ONTOLOGY_GRAPH: onto}

    reg = Graph()
    described = {pid: SourceDescription(e.file, e.sha256, e.lines) for pid, e in catalogue.items()}
    emit.registry_graph(reg, registry, described)
    graphs[ns.REGISTRY_GRAPH] = reg

    texts: dict[str, SourceText] = {}

    def text_of(pid: str) -> SourceText:
        if pid not in texts:
            texts[pid] = load_source(catalogue[pid], corpus.sources)
        return texts[pid]

    def describe(pid: str) -> tuple[str, str, int]:
        source = text_of(pid)
        return catalogue[pid].file, source.sha256, source.line_count

    protocols = []
    for cfg_path in protocol_configs(corpus.protocols):
        say(f"reading {cfg_path.name}")
        pid = cfg_path.stem
        if pid not in catalogue:
            raise ConfigError(f"protocol {pid!r} has a configuration but no catalogue row", cfg_path)
        entry = catalogue[pid]
        source = text_of(pid)
        protocol = read_protocol(cfg_path, registry, source, concepts, text_of)
        if protocol.pid != pid:
            raise ConfigError(f"id {protocol.pid!r} differs from the file name {pid!r}", cfg_path)
        g = Graph()
        emit.protocol_graph(g, protocol, registry, entry.file, source.sha256, source.line_count)
        graphs[ns.protocol_graph(pid)] = g
        if protocol.inferences:
            inferred = Graph()
            emit.inference_graph(inferred, protocol, describe)
            graphs[ns.inference_graph(pid)] = inferred
        protocols.append(protocol)

    targets = reference_targets(registry, corpus.registry / "reference-map.csv")
    check_registry(registry, targets, text_of)
    if strict:
        check_unread(corpus, protocols, catalogue)

    ref = Graph()
    emit.reference_graph(ref, corpus.reference, targets)
    graphs[ns.REFERENCE_GRAPH] = ref

    # --- issue 5: commitments matched across protocols (matching.py), in their own graph -------------------
    from perr_graph.analysis.matching import matches_graph

    graphs[ns.MATCHES_GRAPH] = matches_graph(protocols)
    emit.contribution_twins(graphs[ns.MATCHES_GRAPH], protocols)
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


def unread_lines(
    corpus: Corpus, protocols: list[Protocol], catalogue: dict
) -> list[tuple[str, str, int, list[str], str]]:
    """Every unread content line of the protocols read: (protocol id, source path, line, what it holds, text)."""
    out = []
    for p in protocols:
        if p.coverage is None:
            continue
        path = corpus.source_path(catalogue[p.pid].file)
        out += [(p.pid, path, span.start, signals, span.quote) for span, signals in p.coverage.unread]
    return out


def check_unread(corpus: Corpus, protocols: list[Protocol], catalogue: dict) -> None:
    """``--strict``: fail on the first unread content line, saying how many there are."""
    unread = unread_lines(corpus, protocols, catalogue)
    if unread:
        pid, path, line, _signals, _text = unread[0]
        error = UnreadContent(
            f"{len(unread)} content line{'s' if len(unread) != 1 else ''} no block reads, no fact cites and no "
            f"'ignore' entry lists (--strict); the first is here, in protocol {pid!r}",
            path,
            line,
            unread,
        )
        raise error


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
