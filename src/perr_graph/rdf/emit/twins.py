"""Partners' contributions copied into several protocols, linked in ``graph:matches`` (``docs/model.md``,
"Contributions").

The Département de la Drôme's contribution to the contrats de ville stands word for word in the Valence text
(lines 486-577) and in the Val de Drôme text (lines 135-228). Each copy is a ``perr:Contribution`` of its own
protocol; two contributions of the same partner with the same title are twins: ``skos:exactMatch`` when their
items say the same thing word for word, in the same order, ``skos:closeMatch`` otherwise. The link is a fact
about two protocols, so it lives in ``graph:matches``, not in either protocol's graph.
"""

from __future__ import annotations

from itertools import combinations

from rdflib.namespace import SKOS

from perr_graph import namespaces as ns
from perr_graph.model import Protocol
from perr_graph.rdf.emit.base import TripleSink
from perr_graph.text import fold


def contribution_twins(g: TripleSink, protocols: list[Protocol]) -> None:
    """Module docstring: every pair of twin contributions, linked both ways."""
    copies = []
    for p in protocols:
        for x in p.contributions:
            items = [fold(c.text) for c in p.commitments if c.contribution == x.key]
            copies.append((p.pid, x, items))
    for (pid_a, a, items_a), (pid_b, b, items_b) in combinations(copies, 2):
        if pid_a == pid_b or a.partner != b.partner or fold(a.title).lower() != fold(b.title).lower():
            continue
        prop = SKOS.exactMatch if items_a == items_b else SKOS.closeMatch
        node_a = ns.in_protocol(pid_a, "contribution", a.key)
        node_b = ns.in_protocol(pid_b, "contribution", b.key)
        g.add((node_a, prop, node_b))
        g.add((node_b, prop, node_a))
