"""Synthetic geography: how many départements and regions N protocols spread over, and the minting of a
protocol's territories (its region, département, EPCI, communes, QPV, places) from those of its template."""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

from perr_graph.inputs.registry import Territory
from perr_graph.model import Protocol
from perr_graph.synth.basis import Basis, up
from perr_graph.synth.names import QPV, name

#: France: départements, regions (with overseas), contrats de ville 2015–2022
DEPARTEMENTS_IN_FRANCE = 101
REGIONS_IN_FRANCE = 18
CONTRACTS_IN_FRANCE = 435


@dataclass
class Geography:
    """How many synthetic départements and regions N protocols spread over: ``ceil(N × 101 / 435)``
    départements (at most 101), grouped in proportionally many regions."""

    departements: int
    regions: int

    @classmethod
    def for_size(cls, n: int) -> Geography:
        d = max(1, min(DEPARTEMENTS_IN_FRANCE, math.ceil(n * DEPARTEMENTS_IN_FRANCE / CONTRACTS_IN_FRANCE)))
        r = max(1, min(REGIONS_IN_FRANCE, math.ceil(d * REGIONS_IN_FRANCE / DEPARTEMENTS_IN_FRANCE)))
        return cls(d, r)

    def region_of(self, d: int) -> int:
        return 1 + (d - 1) * self.regions // self.departements


class Places:
    """The territories of one synthetic protocol, each minted once from a real territory of its template.

    The region and the département are shared by every protocol there: ``synth-r<NN>``, ``synth-d<NNN>``, named
    from the seed and their number only, so every protocol agrees on them. The template's own territory becomes
    the EPCI's (``<pid>-epci``); any other is minted per protocol (``<pid>-<type>-<n>``) with a new name, inside
    the synthetic counterpart of the real one's parent."""

    def __init__(
        self,
        basis: Basis,
        template: Protocol,
        rng: random.Random,
        seed: int,
        pid: str,
        d: int,
        r: int,
        epci_name: str,
    ):
        self.basis, self.template, self.rng = basis, template, rng
        self.seed, self.pid, self.d, self.r = seed, pid, d, r
        self.epci_name = epci_name
        self.minted: dict[str, Territory] = {}
        self._map: dict[str, str] = {}
        self._count: Counter[str] = Counter()

    def region_name(self) -> str:
        return name(random.Random(f"perr-synth:{self.seed}:region:{self.r}"))

    def departement_name(self) -> str:
        return name(random.Random(f"perr-synth:{self.seed}:departement:{self.d}"))

    def territory(self, real_id: str) -> str:
        """The synthetic id standing for the real territory ``real_id`` in this protocol."""
        if real_id in self._map:
            return self._map[real_id]
        real = self.basis.registry.territories[real_id]
        part_of = ""
        if real.type == "region":
            sid, label = f"synth-r{self.r:02d}", self.region_name()
        elif real.type == "departement":
            sid, label = f"synth-d{self.d:03d}", self.departement_name()
            part_of = f"synth-r{self.r:02d}"
            self._add(Territory(part_of, self.region_name(), "region", "", ""))
        elif real_id == self.template.territory:
            sid, label = f"{self.pid}-epci", self.epci_name
            dept = up(self.basis.registry, real_id, "departement")
            part_of = self.territory(dept) if dept else ""
        else:
            self._count[real.type] += 1
            sid = f"{self.pid}-{real.type}-{self._count[real.type]}"
            label = name(self.rng) if real.type != "qpv" else self.rng.choice(QPV).format(name(self.rng))
            part_of = self.territory(real.part_of) if real.part_of else ""
        self._map[real_id] = sid
        self._add(Territory(sid, label, real.type, part_of, ""))
        return sid

    def _add(self, t: Territory) -> None:
        self.minted.setdefault(t.id, t)

    def label(self, sid: str) -> str:
        return self.minted[sid].label
