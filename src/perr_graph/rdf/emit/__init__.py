"""Facts → RDF, as ``docs/model.md`` describes: one emitter per kind of fact, each writing into a target it is
given (an rdflib ``Graph`` or a plain set of triples); nothing here keeps a graph between calls.

- :mod:`.base`: what every emitter shares (provenance of a fact, literals, the target type, :class:`Triples`);
- :mod:`.protocol`: :func:`protocol_graph` (one protocol's named graph), the protocol and its source document,
  places, populations, referenced documents;
- :mod:`.structure`: sections, enjeux, objectives; :mod:`.commitments`: commitments, involvements, indicators
  and targets; :mod:`.parties`: signatories and people, governance bodies; :mod:`.figures`: amounts and
  statistics (RDF Data Cube);
- :mod:`.registry`: the partner registry (``graph:registry``); :mod:`.reference`: official identifiers and
  mergers (``graph:reference``);
- :mod:`.inferences`: a protocol's graph of inferences (``graph:inferences/<pid>``); :mod:`.twins`: partners'
  contributions copied into several protocols (in ``graph:matches``).

The dataset's own description (``graph:dataset``) is :mod:`perr_graph.rdf.dataset`.
"""

from perr_graph.rdf.emit.base import (
    ASSOCIATED_ROLES,
    COMMITTING_ROLES,
    LEAD_ROLES,
    Triples,
    TripleSink,
    evidence,
)
from perr_graph.rdf.emit.inferences import inference_graph
from perr_graph.rdf.emit.protocol import protocol_graph
from perr_graph.rdf.emit.reference import identifiers, reference_graph
from perr_graph.rdf.emit.registry import registry_graph
from perr_graph.rdf.emit.twins import contribution_twins

__all__ = [
    "ASSOCIATED_ROLES",
    "COMMITTING_ROLES",
    "LEAD_ROLES",
    "TripleSink",
    "Triples",
    "contribution_twins",
    "evidence",
    "identifiers",
    "inference_graph",
    "protocol_graph",
    "reference_graph",
    "registry_graph",
]
