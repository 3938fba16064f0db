"""What the generator learns from the real protocols (:class:`Basis`, computed from ``build(write=False)``,
never hard-coded): the protocols themselves (the templates), the partner registry, the ontology's French labels,
the mean and spread of the commitment counts, and who shares each real partner (:func:`partner_levels`)."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import SKOS

from perr_graph import namespaces as ns
from perr_graph.errors import PerrError
from perr_graph.inputs.registry import Registry
from perr_graph.model import Protocol
from perr_graph.rdf.emit import LEAD_ROLES

#: partner categories whose bodies serve a region (ARS, the Région) or a département (when usage does not say)
REGIONAL_CATEGORIES = {"region", "ars"}
DEPARTMENTAL_CATEGORIES = {
    "departement",
    "service-departement",
    "caf",
    "assurance-maladie",
    "service-etat",
    "justice",
    "chambre-consulaire",
}
NATIONAL_CATEGORIES = {"etat", "caisse-des-depots"}

LEVELS = ("national", "region", "departement", "protocol")


class SynthError(PerrError):
    """The generator cannot run as asked (bad size, unknown output format, nothing to learn from)."""


@dataclass(frozen=True)
class Level:
    """Who shares a partner: ``level`` in :data:`LEVELS` and the real territory or protocol it is tied to."""

    level: str
    anchor: str


@dataclass
class Basis:
    """The real protocols and what the generator derives from them."""

    protocols: list[Protocol]
    registry: Registry
    ontology: Graph
    levels: dict[str, Level]
    ranks: dict[str, int]
    commitment_mean: float
    commitment_sd: float
    labels: dict[str, str]  # concept IRI -> French label

    @classmethod
    def from_build(
        cls, protocols: list[Protocol], ontology: Graph, registry: Registry | None = None
    ) -> Basis:
        from perr_graph.inputs.corpus import bundled_corpus
        from perr_graph.inputs.ontology import categories

        if registry is None:  # the bundled corpus's registry: the real five's partners
            registry = Registry.load(bundled_corpus().registry, categories=categories(ontology) or None)
        protocols = sorted(protocols, key=lambda p: p.pid)
        if not protocols:
            raise SynthError("no real protocol to learn from")
        levels = partner_levels(protocols, registry)
        counts = [len(p.commitments) for p in protocols]
        labels = {}
        for s, o in ontology.subject_objects(SKOS.prefLabel):
            if getattr(o, "language", None) == "fr":
                labels[str(s)] = str(o)
        return cls(
            protocols,
            registry,
            ontology,
            levels,
            _ranks(levels, registry),
            statistics.fmean(counts),
            statistics.pstdev(counts) if len(counts) > 1 else 0.0,
            labels,
        )

    @classmethod
    def load(cls) -> Basis:
        """Read the real protocols (``perr build`` without writing) and learn from them."""
        from perr_graph.build import build
        from perr_graph.inputs.corpus import bundled_corpus

        result = build(bundled_corpus(), write=False)
        return cls.from_build(result.protocols, result.graphs[ns.ONTOLOGY_GRAPH])

    def label(self, scheme: str, slug_: str) -> str:
        return self.labels.get(str(ns.concept(scheme, slug_)), slug_.replace("-", " "))


def used_partners(p: Protocol) -> set[str]:
    """Every partner a protocol names: its EPCI, involvements, signatories, governance bodies."""
    used = {p.epci} if p.epci else set()
    used |= {i.partner for c in p.commitments for i in c.involvements}
    used |= {s.partner for s in p.signatories}
    used |= {x for b in p.bodies for x, _ in [*b.chairs, *b.members]}
    return used


def up(registry: Registry, tid: str | None, kind: str) -> str | None:
    """The territory of type ``kind`` that ``tid`` lies in (itself included), following ``part_of``."""
    seen = set()
    while tid and tid not in seen:
        seen.add(tid)
        t = registry.territories.get(tid)
        if t is None:
            return None
        if t.type == kind:
            return t.id
        tid = t.part_of
    return None


def partner_levels(protocols: list[Protocol], registry: Registry) -> dict[str, Level]:
    """The sharing level of every real partner the protocols name, and of their parents.

    In this order: a collective party scoped to a protocol is local to it; a jurisdiction says the level
    (region, département, or local for an EPCI or a commune); a unit of a non-national body shares its parent's
    level; then usage: named by protocols of several départements → national (regional for a Région or an ARS),
    by several protocols of one département → that département; named by one protocol → its département for the
    categories that serve one (CAF, CPAM, State services …), national for the State and the Caisse des Dépôts,
    else local to that protocol.
    """
    users: dict[str, set[str]] = defaultdict(set)
    for p in protocols:
        for partner in used_partners(p):
            users[partner].add(p.pid)
    dept = {p.pid: up(registry, p.territory, "departement") or "" for p in protocols}
    region = {p.pid: up(registry, p.territory, "region") or "" for p in protocols}
    levels: dict[str, Level] = {}

    def level(pid_: str) -> Level:
        if pid_ in levels:
            return levels[pid_]
        prt = registry.partners[pid_]
        result = None
        if prt.scope:
            result = Level("protocol", prt.scope)
        elif prt.jurisdiction and prt.jurisdiction in registry.territories:
            t = registry.territories[prt.jurisdiction]
            if t.type in ("region", "departement"):
                result = Level(t.type, t.id)
            else:
                owners = sorted(users.get(pid_, ())) or [""]
                result = Level("protocol", owners[0])
        if result is None and prt.parent:
            parent = level(prt.parent)
            if parent.level != "national":
                result = parent
        if result is None:
            owners = sorted(users.get(pid_, ()))
            depts = sorted({dept[o] for o in owners})
            if len(depts) >= 2 or prt.category in NATIONAL_CATEGORIES:
                if prt.category in REGIONAL_CATEGORIES:
                    result = Level("region", sorted({region[o] for o in owners})[0] if owners else "")
                else:
                    result = Level("national", "")
            elif len(owners) >= 2 or prt.category in DEPARTMENTAL_CATEGORIES:
                result = Level("departement", depts[0] if depts else "")
            elif prt.category in REGIONAL_CATEGORIES:
                result = Level("region", region[owners[0]] if owners else "")
            else:
                result = Level("protocol", owners[0] if owners else "")
        levels[pid_] = result
        return result

    for partner in sorted(users):
        if partner in registry.partners:
            level(partner)
    return levels


def _ranks(levels: dict[str, Level], registry: Registry) -> dict[str, int]:
    """Rank (from 1) of each partner among those of its level, anchor, category and kind: the CAF of the
    Drôme and the CAF of the Isère both become "the first CAF" of their synthetic département."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for pid_, lv in levels.items():
        prt = registry.partners[pid_]
        groups[(lv.level, lv.anchor, prt.category, prt.kind)].append(pid_)
    return {pid_: k for members in groups.values() for k, pid_ in enumerate(sorted(members), start=1)}


def summary(protocols: Iterable[Protocol]) -> dict[str, float]:
    """The distributions the tests and docs compare, real against synthetic."""
    protocols = list(protocols)
    commitments = [c for p in protocols for c in p.commitments]
    involvements = [i for c in commitments for i in c.involvements]
    leads = [c for c in commitments if any(i.role in LEAD_ROLES for i in c.involvements)]
    indicated = {(p.pid, k) for p in protocols for ind in p.indicators for k in ind.of_commitments}
    roles = Counter(i.role for i in involvements)
    out = {
        "protocols": len(protocols),
        "commitments_per_protocol": len(commitments) / max(1, len(protocols)),
        "involvements_per_commitment": len(involvements) / max(1, len(commitments)),
        "share_with_lead": len(leads) / max(1, len(commitments)),
        "indicators_per_protocol": sum(len(p.indicators) for p in protocols) / max(1, len(protocols)),
        "share_with_indicator": len(indicated) / max(1, len(commitments)),
        "signatories_per_protocol": sum(len(p.signatories) for p in protocols) / max(1, len(protocols)),
    }
    for role, n in sorted(roles.items()):
        out[f"role_share:{role}"] = n / max(1, len(involvements))
    return out
