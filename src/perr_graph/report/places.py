"""Where each protocol is (query ``44-protocol-places``): its territory, the chain of territories that contain it
in the registry (``dcterms:isPartOf``), read as département and région, and the QPV it names.

The registry does not type départements and régions apart from other territories, so they are read from the
chain: the top of a chain of three or more territories (territory → … → département → région) is the région and
the one below it the département; a chain of two gives a département without région; a territory with nothing
above it gives neither. The index groups the protocols by what exists and says what is missing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Where:
    """One protocol's place: its territory, département and région (``(iri, label)`` or None), its QPV."""

    territory: tuple[str, str] | None = None
    departement: tuple[str, str] | None = None
    region: tuple[str, str] | None = None
    qpv: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Places:
    by_protocol: dict[str, Where] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: list[dict]) -> Places:
        parent: dict[str, dict[str, str | None]] = defaultdict(dict)
        labels: dict[str, str] = {}
        qpv: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for r in rows:
            labels[r["place"]] = r["place_label"] or r["place"].rsplit("/", 1)[-1]
            if r["kind"] == "qpv":
                qpv[r["protocol"]].append((r["place"], labels[r["place"]]))
            else:
                links = parent[r["protocol"]]
                if links.get(r["place"]) is None:
                    links[r["place"]] = r["part_of"]
        out: dict[str, Where] = {}
        for pid in sorted(set(parent) | set(qpv)):
            where = Where(qpv=sorted(set(qpv.get(pid, [])), key=lambda q: (q[1], q[0])))
            chain = _chain(parent.get(pid, {}))
            if chain:
                where.territory = (chain[0], labels[chain[0]])
            if len(chain) >= 3:
                where.departement = (chain[-2], labels[chain[-2]])
                where.region = (chain[-1], labels[chain[-1]])
            elif len(chain) == 2:
                where.departement = (chain[1], labels[chain[1]])
            out[pid] = where
        return cls(out)

    def get(self, pid: str) -> Where:
        return self.by_protocol.get(pid) or Where()


def _chain(parent: dict[str, str | None]) -> list[str]:
    """The protocol's territory, then each territory above it: the bottom is the one no other place is part of."""
    if not parent:
        return []
    above = {p for p in parent.values() if p}
    bottoms = sorted(p for p in parent if p not in above)
    node: str | None = bottoms[0] if bottoms else sorted(parent)[0]
    chain: list[str] = []
    while node is not None and node not in chain:
        chain.append(node)
        node = parent.get(node)
    return chain
