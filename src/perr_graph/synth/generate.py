"""A synthetic France of protocols: realistic, deterministic data in our model, to measure the graph at scale.

About 435 contrats de ville exist in France; with the protocols users add, the national graph holds some 500.
``perr synth`` makes such a graph without the texts: N protocols ``synth-0001`` … ``synth-N`` that look like the
real five, each with its own synthetic source text, every fact citing the lines of that text that hold its
quote (``docs/model.md``, "Provenance"), emitted by the same :func:`perr_graph.rdf.emit.protocol_graph` as the real
ones, so the output is exactly our model and conforms to the same shapes.

What is taken from the real five (:class:`Basis`, computed from ``build(write=False)``, never hard-coded):

- **Layout.** Each synthetic protocol follows one real protocol, its *template*, drawn uniformly: it copies the
  structure of runs of consecutive commitments of the template (3 to 12 at a time, from a random start): their
  pillars and themes, sections, enjeux and objectives, the number of partners involved in each, every
  involvement's role, reading rule and whether its evidence is a table cell, the commitment's own words or an
  introductory line ("X s'engage à :"), the indicators and targets, amounts and places named. The partner mix,
  the share of commitments with a known lead, and the indicators therefore follow the real distributions.
- **Counts.** The number of commitments is drawn from a normal law with the mean and standard deviation of the
  real counts. Signatories, governance bodies, population figures, referenced documents, QPV, territories de
  veille and statistics tables are those of the template, mapped onto synthetic partners and territories.
- **Sharing.** A real partner's level says who else uses it (:func:`partner_levels`): *national* (used by
  protocols of several départements: the State, the Caisse des Dépôts, Pôle emploi…) keeps its real id and is
  shared by every synthetic protocol; *region* (a region or an ARS, or a body whose jurisdiction is a region)
  and *departement* (used by several protocols of one département, or a département's own body: CAF, CPAM, the
  Département and its directions, the State's departmental services) become one synthetic body per synthetic
  region or département, shared by the protocols there; *protocol* (everything else: the EPCI, the communes,
  local associations, collective parties) is minted per protocol.
- **Geography.** France's 101 départements in 18 regions, and about 435 contrats de ville: N protocols spread
  over ``ceil(N × 101 / 435)`` départements (at most 101), grouped in proportionally many regions.

Determinism: protocol *i* depends only on ``(seed, i)`` (``random.Random(f"perr-synth:{seed}:{i}")``), names of
regions and départements on ``(seed, number)``; everything written is sorted. Same N and seed, same bytes,
whatever the number of worker processes.

Streaming: each protocol is emitted into its own small set of triples, serialised and dropped; only the
registry (partners and territories, a small fraction of the triples) is held until the end.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from perr_graph import namespaces as ns
from perr_graph.errors import InputError, PerrError
from perr_graph.inputs.registry import AliasTable, Partner, Registry, Territory
from perr_graph.model import (
    Amount,
    Challenge,
    Commitment,
    GovernanceBody,
    Indicator,
    Involvement,
    Objective,
    Observation,
    PopulationFigure,
    Protocol,
    ReferencedDocument,
    Section,
    Signatory,
    Span,
    StatRow,
    StatTable,
    Target,
)
from perr_graph.rdf import emit
from perr_graph.rdf.dataset import dataset_description
from perr_graph.rdf.serialize import nquads, trig, write_atomic
from perr_graph.text import slug

#: France: départements, regions (with overseas), contrats de ville 2015–2022
DEPARTEMENTS_IN_FRANCE = 101
REGIONS_IN_FRANCE = 18
CONTRACTS_IN_FRANCE = 435

#: run of consecutive template commitments copied at a time
RUN_MIN, RUN_MAX = 3, 12

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

#: involvement rules whose evidence is a cell of a table row (the mark, a code or a name in a column)
CELL_RULES = {
    "matrix-uppercase-lead",
    "matrix-lowercase-associated",
    "matrix-mark-without-convention",
    "matrix-unmarked-code",
    "matrix-legend-column",
    "annex-table-structure",
}

LEVELS = ("national", "region", "departement", "protocol")

FORMATS = {".nq": "nquads", ".nquads": "nquads", ".trig": "trig"}


class SynthError(PerrError):
    """The generator cannot run as asked (bad size, unknown output format)."""


# --- what the real protocols teach ----------------------------------------------------------------------------


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
        from perr_graph.build import categories

        registry = registry or Registry.load(categories=categories(ontology) or None)
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

        result = build(write=False)
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


def _up(registry: Registry, tid: str, kind: str) -> str | None:
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
    dept = {p.pid: _up(registry, p.territory, "departement") or "" for p in protocols}
    region = {p.pid: _up(registry, p.territory, "region") or "" for p in protocols}
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
    leads = [c for c in commitments if any(i.role in emit.LEAD_ROLES for i in c.involvements)]
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


# --- names -----------------------------------------------------------------------------------------------------

_START = [
    "Val",
    "Mont",
    "Roche",
    "Beau",
    "Bourg",
    "Ville",
    "Font",
    "Pont",
    "Cham",
    "Mar",
    "Lor",
    "Ver",
    "Bel",
    "Cour",
    "Sau",
    "Mir",
    "Tour",
    "Chan",
    "Ros",
    "Bris",
    "Gar",
    "Lan",
    "Mor",
    "Pra",
    "Sal",
    "Tar",
    "Vau",
]
_MIDDLE = ["", "", "e", "a", "i", "o", "er", "an", "on", "ar", "el", "ol"]
_END = [
    "mont",
    "ville",
    "court",
    "bourg",
    "lac",
    "ac",
    "ières",
    "ence",
    "ey",
    "ans",
    "euil",
    "agne",
    "ol",
    "ay",
    "ins",
    "oux",
    "esse",
    "igny",
    "onne",
    "ade",
    "enne",
    "ieu",
]
_SAINTS = ["Saint-", "Sainte-", "Le ", "La ", "Les "]
_QPV = [
    "Les Hauts de {}",
    "Centre ancien",
    "Quartier est",
    "Quartier ouest",
    "Les Jardins",
    "Le Plateau",
    "La Croix de {}",
    "Le Mas de {}",
    "Les Terrasses",
    "Cité {}",
    "Le Clos {}",
    "Les Pins",
]
_GIVEN = [
    "Marie",
    "Jean",
    "Pierre",
    "Nathalie",
    "Isabelle",
    "Philippe",
    "Sophie",
    "Nicolas",
    "Catherine",
    "Michel",
    "Sandrine",
    "Laurent",
    "Christine",
    "Éric",
    "Valérie",
    "Olivier",
    "Hélène",
    "François",
    "Anne",
    "Didier",
    "Céline",
    "Thierry",
    "Julie",
    "Patrick",
    "Claire",
    "Stéphane",
    "Agnès",
    "Bruno",
    "Émilie",
    "Hugues",
]
_FAMILY = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRÉ",
    "LEFÈVRE",
    "MERCIER",
    "DUPONT",
    "LAMBERT",
    "BONNET",
    "FRANÇOIS",
    "MARTINEZ",
    "FAURE",
    "ROUSSEL",
    "BLANC",
    "GUÉRIN",
    "MULLER",
    "HENRY",
    "CHEVALIER",
    "MEUNIER",
    "BOYER",
    "GAUTHIER",
]
_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

_VERBS = [
    "Renforcer",
    "Développer",
    "Favoriser",
    "Accompagner",
    "Soutenir",
    "Améliorer",
    "Mobiliser",
    "Structurer",
    "Coordonner",
    "Promouvoir",
    "Faciliter",
    "Consolider",
    "Poursuivre",
    "Adapter",
    "Valoriser",
    "Encourager",
]
_OBJECTS = [
    "l'accès des habitants",
    "l'accompagnement des publics",
    "la coordination des acteurs",
    "l'offre de services de proximité",
    "les partenariats locaux",
    "les actions collectives",
    "la présence des services publics",
    "les parcours individuels",
    "l'information des familles",
    "les projets portés par les associations",
    "la mobilisation du droit commun",
    "l'aller-vers",
]
_QUALIFIERS = [
    "dans les quartiers prioritaires",
    "en lien avec les associations du territoire",
    "pour les publics les plus éloignés",
    "en associant les conseils citoyens",
    "d'ici la fin du contrat",
    "avec l'appui des services de l'État",
    "en cohérence avec les dispositifs existants",
    "au plus près des habitants",
    "en direction des jeunes et des familles",
    "dans le cadre du droit commun",
    "par des permanences régulières",
    "en mutualisant les moyens des partenaires",
]
_INDICATORS = [
    "Nombre de bénéficiaires issus des QPV",
    "Nombre d'actions engagées",
    "Taux de participation des habitants",
    "Nombre de jeunes accompagnés",
    "Part des habitants des QPV parmi les bénéficiaires",
    "Nombre de partenaires mobilisés",
    "Nombre de permanences tenues",
]


def _name(rng: random.Random) -> str:
    base = rng.choice(_START) + rng.choice(_MIDDLE) + rng.choice(_END)
    base = base[0] + base[1:].lower()
    if rng.random() < 0.2:
        base = rng.choice(_SAINTS) + base
    if rng.random() < 0.15:
        base += "-sur-" + (rng.choice(_START) + rng.choice(_END)).capitalize()
    return base


def _number(value: float | int) -> str:
    """French style: ``12 000``, ``16,7``."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def _acronym(label: str) -> str:
    words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", label) if len(w) > 2 or w.isupper()]
    return "".join(w[0].upper() for w in words)[:6] or "P"


# --- one synthetic protocol ------------------------------------------------------------------------------------


@dataclass
class SynthProtocol:
    """One generated protocol: its facts, its source text, and the registry rows it needs."""

    protocol: Protocol
    template: str
    lines: list[str]
    partners: dict[str, Partner]
    territories: dict[str, Territory]
    #: official identifiers of the protocol's own places and bodies, as rows of ``data/reference/identifiers.csv``
    #: (``name`` holds the synthetic id the row identifies)
    identifiers: list[dict] = field(default_factory=list)

    @property
    def source_file(self) -> str:
        return f"{self.protocol.pid}.txt"

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def span_text(self, start: int, end: int) -> str:
        """Lines ``start``..``end`` joined by newlines, as :meth:`perr_graph.inputs.catalogue.SourceText.span` gives them."""
        return "\n".join(self.lines[start - 1 : end])


@dataclass
class Geography:
    """How many synthetic départements and regions N protocols spread over."""

    departements: int
    regions: int

    @classmethod
    def for_size(cls, n: int) -> Geography:
        d = max(1, min(DEPARTEMENTS_IN_FRANCE, math.ceil(n * DEPARTEMENTS_IN_FRANCE / CONTRACTS_IN_FRANCE)))
        r = max(1, min(REGIONS_IN_FRANCE, math.ceil(d * REGIONS_IN_FRANCE / DEPARTEMENTS_IN_FRANCE)))
        return cls(d, r)

    def region_of(self, d: int) -> int:
        return 1 + (d - 1) * self.regions // self.departements


def protocol_id(i: int, n: int) -> str:
    return f"synth-{i:0{max(4, len(str(n)))}d}"


class _Generator:
    """Writes one protocol in the layout of its template, line by line, each fact citing its own line."""

    def __init__(self, basis: Basis, seed: int, i: int, n: int, geo: Geography):
        self.basis, self.seed = basis, seed
        self.rng = random.Random(f"perr-synth:{seed}:{i}")
        self.pid = protocol_id(i, n)
        self.d = 1 + self.rng.randrange(geo.departements)
        self.r = geo.region_of(self.d)
        self.template = self.rng.choice(basis.protocols)
        self.lines: list[str] = []
        self.partners: dict[str, Partner] = {}
        self.territories: dict[str, Territory] = {}
        self._pmap: dict[str, str] = {}
        self._tmap: dict[str, str] = {}
        self._tcount: Counter = Counter()
        self._sections_lost = 0
        self.epci_name = _name(self.rng)

    # names of shared places depend on the seed and their number only, so every protocol agrees on them
    def region_name(self) -> str:
        return _name(random.Random(f"perr-synth:{self.seed}:region:{self.r}"))

    def departement_name(self) -> str:
        return _name(random.Random(f"perr-synth:{self.seed}:departement:{self.d}"))

    # text
    def line(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)

    def span(self, n: int, quote: str) -> Span:
        assert quote in self.lines[n - 1], (quote, self.lines[n - 1])
        return Span(n, n, quote)

    def cite(self, text: str) -> Span:
        """A line holding ``text``, cited whole."""
        return self.span(self.line(text), text)

    def sentence(self, length: int, themes: list[str], lead_in: str = "") -> str:
        rng = self.rng
        theme = self.basis.label("theme", rng.choice(themes)).lower() if themes else "politique de la ville"
        of = "d'" if theme[:1] in "aeiouéèêh" else "de "
        verb = rng.choice(_VERBS)
        s = f"{lead_in}{verb.lower() if lead_in else verb} {rng.choice(_OBJECTS)} en matière {of}{theme}"
        qualifiers = rng.sample(_QUALIFIERS, len(_QUALIFIERS))
        k = 0
        while len(s) < length:
            s += f", {qualifiers[k % len(qualifiers)]}"
            k += 1
        return s + "."

    # territories
    def territory(self, real_id: str) -> str:
        if real_id in self._tmap:
            return self._tmap[real_id]
        real = self.basis.registry.territories[real_id]
        part_of = ""
        if real.type == "region":
            sid, label = f"synth-r{self.r:02d}", self.region_name()
        elif real.type == "departement":
            sid, label = f"synth-d{self.d:03d}", self.departement_name()
            part_of = f"synth-r{self.r:02d}"
            self._add_territory(Territory(part_of, self.region_name(), "region", "", ""))
        else:
            if real_id == self.template.territory:
                sid, label = f"{self.pid}-epci", self.epci_name
                dept = _up(self.basis.registry, real_id, "departement")
                part_of = self.territory(dept) if dept else ""
            else:
                self._tcount[real.type] += 1
                sid = f"{self.pid}-{real.type}-{self._tcount[real.type]}"
                label = (
                    _name(self.rng) if real.type != "qpv" else self.rng.choice(_QPV).format(_name(self.rng))
                )
                part_of = self.territory(real.part_of) if real.part_of else ""
        self._tmap[real_id] = sid
        self._add_territory(Territory(sid, label, real.type, part_of, ""))
        return sid

    def _add_territory(self, t: Territory) -> None:
        self.territories.setdefault(t.id, t)

    def tlabel(self, sid: str) -> str:
        return self.territories[sid].label

    # partners
    def partner(self, real_id: str) -> str:
        if real_id in self._pmap:
            return self._pmap[real_id]
        basis = self.basis
        real = basis.registry.partners[real_id]
        lv = basis.levels.get(real_id) or Level("protocol", self.template.pid)
        k = basis.ranks.get(real_id, 1)
        parent = self.partner(real.parent) if real.parent else ""
        unit = "-unit" if real.kind == "OrganizationalUnit" else ""
        if lv.level == "national":
            sid, label = real.id, real.label
        else:
            prefix, place = {
                "region": (f"synth-r{self.r:02d}", self.region_name()),
                "departement": (f"synth-d{self.d:03d}", self.departement_name()),
                "protocol": (self.pid, self.epci_name),
            }[lv.level]
            sid = f"{prefix}-{real.category}{unit}" + (f"-{k}" if k > 1 else "")
            while (
                sid in self._pmap.values()
            ):  # two real partners meeting in one synthetic one: keep them apart
                k += 1
                sid = f"{prefix}-{real.category}{unit}-{k}"
            label = self._partner_label(real, place, k)
        jurisdiction = ""
        if real.jurisdiction and lv.level != "national":
            jurisdiction = self.territory(real.jurisdiction)
            if real.category == "commune":
                label = f"Commune de {self.tlabel(jurisdiction)}"
        self._pmap[real_id] = sid
        self.partners.setdefault(
            sid,
            Partner(
                sid, label, real.category, real.kind, parent, jurisdiction, self.pid if real.scope else "", ""
            ),
        )
        return sid

    def _partner_label(self, real: Partner, place: str, k: int) -> str:
        number = f" n°{k}" if k > 1 else ""
        category = self.basis.label("category", real.category)
        category = category[:1].upper() + category[1:]
        if real.kind == "OrganizationalUnit" and real.category not in (
            "service-etat",
            "service-departement",
            "service-communal",
        ):
            category += " : service"
        special = {
            "region": f"Région {place}",
            "departement": f"Département {place}",
            "epci": f"Communauté d'agglomération {place}",
            "collectif": f"Les partenaires{number} ({place})",
        }
        if real.category in special and not (real.category in ("region", "departement") and k > 1):
            return special[real.category]
        return f"{category}{number} ({place})"

    def plabel(self, sid: str) -> str:
        return self.partners[sid].label

    # the protocol
    def build(self) -> SynthProtocol:
        t, rng = self.template, self.rng
        p = Protocol(pid=self.pid)
        p.epci = self.partner(t.epci) if t.epci else None
        p.territory = self.territory(t.territory) if t.territory else None
        p.title = f"Protocole d'engagements renforcés et réciproques du contrat de ville de {self.epci_name}"
        p.title_span = self.cite(p.title)
        p.lead_note = (
            f"Synthetic protocol made by 'perr synth' (seed {self.seed}) in the layout of the real "
            f"protocol '{t.pid}': its leads follow that protocol's reading rules, applied to a "
            "synthetic text."
        )
        if t.period:
            start, end, _ = t.period
            quote = f"pour la période {start}-{end}" if start else f"jusqu'en {end}"
            p.period = (start, end, self.span(self.line(f"Le présent protocole vaut {quote}."), quote))
        if t.contract:
            _, date, _ = t.contract
            title = f"Contrat de ville de {self.epci_name} 2015-2020"
            sdate = f"2015-{rng.randint(3, 12):02d}-{rng.randint(1, 28):02d}" if date else None
            p.contract = (title, sdate, self.span(self.line(f"Il prolonge le {title}."), title))
        for kind, items in (("qpv", t.qpv), ("watch", t.watch)):
            if not items:
                continue
            ids = [self.territory(tid) for tid, _ in items]
            names = [self.tlabel(x) for x in ids]
            head = "Quartiers prioritaires : " if kind == "qpv" else "Territoires de veille active : "
            n = self.line(head + ", ".join(names) + ".")
            mentions = [(x, self.span(n, self.tlabel(x))) for x in dict.fromkeys(ids)]
            setattr(p, kind, mentions)
        for f in t.populations:
            tid = self.territory(f.territory)
            value = max(100, int(round(f.value * rng.uniform(0.5, 2.0), -2)))
            quote = f"{'près de ' if f.approximate else ''}{_number(value)} habitants"
            n = self.line(f"{self.tlabel(tid)} compte {quote}" + (f" en {f.year}." if f.year else "."))
            p.populations.append(PopulationFigure(tid, value, f.year, f.approximate, self.span(n, quote)))
        for ref in t.references:
            title = (
                ref.title
                if ref.doctype in ("loi", "circulaire")
                else f"{self.basis.label('doctype', ref.doctype)} de {self.epci_name}"
            )
            span = self.cite(title)
            p.references.append(ReferencedDocument(f"L{span.start}", title, ref.doctype, ref.date, span))
        self._bodies(p)
        self._commitments(p)
        self._statistics(p)
        self._amounts(p)
        self._signatories(p)
        if t.signing:
            date, place, _ = t.signing
            place = self.epci_name if place else None
            sdate, quote = None, f"Fait à {self.epci_name}, le :"
            if date:
                year = int(date[:4])
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                sdate = f"{year}-{month:02d}-{day:02d}"
                quote = f"Fait à {self.epci_name}, le {day} {_MONTHS[month - 1]} {year}"
            p.signing = (sdate, place, self.cite(quote))
        return SynthProtocol(p, t.pid, self.lines, self.partners, self.territories, self._identifiers(p))

    def _identifiers(self, p: Protocol) -> list[dict]:
        """Synthetic official identifiers, as the real registry has them: INSEE codes of communes, SIREN of
        communes and EPCI, the QPV codes and the ANCT code of the contrat de ville (codes are unique per id)."""
        i = int(self.pid.rsplit("-", 1)[1])
        source = f"synthetic (perr synth, seed {self.seed})"
        rows = []

        def row(kind, name, scheme, code):
            rows.append(
                {
                    "kind": kind,
                    "name": name,
                    "scheme": scheme,
                    "code": code,
                    "valid": "",
                    "note": "",
                    "source": source,
                }
            )

        own_places = [
            x
            for x in self.territories.values()
            if x.id.startswith(self.pid + "-") and x.type in ("commune", "qpv")
        ]
        for k, t in enumerate(sorted(own_places, key=lambda x: x.id), start=1):
            if t.type == "commune":
                row("commune", t.id, "INSEE COG commune code", f"X{i:06d}{k:02d}")
            else:
                row("qpv", t.id, "official QPV name 2015", f"QP{self.d:03d}{i:06d}{k:02d}")
        own_bodies = [
            x
            for x in self.partners.values()
            if x.id.startswith(self.pid + "-") and x.category in ("commune", "epci")
        ]
        for k, prt in enumerate(sorted(own_bodies, key=lambda x: x.id), start=1):
            row(prt.category, prt.id, "SIREN", f"9{i:06d}{k:02d}")
        if p.contract:
            row("contract", p.pid, "ANCT contrat de ville code", f"CV{self.d:03d}{i:06d}")
        return rows

    def _bodies(self, p: Protocol) -> None:
        names = {
            "comite-de-pilotage": "Le comité de pilotage",
            "comite-technique": "Le comité technique",
            "equipe-projet": "L'équipe projet",
            "groupe-de-travail": "Le groupe de travail",
            "conseil-citoyen": f"Le conseil citoyen de {self.epci_name}",
        }
        slugs: Counter = Counter()
        for b in self.template.bodies:
            label = names.get(b.body_type, b.label)
            base = slug(label)
            slugs[base] += 1
            key = base if slugs[base] == 1 else f"{base}-{slugs[base]}"
            span = self.cite(label)
            chairs = [self.partner(x) for x, _ in b.chairs]
            members = [self.partner(x) for x, _ in b.members]
            body = GovernanceBody(key, label, b.body_type, span)
            if chairs:
                n = self.line("Présidé par " + " et ".join(self.plabel(x) for x in chairs) + ".")
                body.chairs = [(x, self.span(n, self.plabel(x))) for x in chairs]
            if members:
                n = self.line("Membres : " + ", ".join(self.plabel(x) for x in members) + ".")
                body.members = [(x, self.span(n, self.plabel(x))) for x in members]
            p.bodies.append(body)

    def _commitments(self, p: Protocol) -> None:
        basis, rng, t = self.basis, self.rng, self.template
        target = max(3, round(rng.gauss(basis.commitment_mean, basis.commitment_sd)))
        sections = {s.key: s for s in t.sections}
        challenges = {c.key: c for c in t.challenges}
        objectives = {o.key: o for o in t.objectives}
        by_commitment: dict[str, list[Indicator]] = defaultdict(list)
        by_objective: dict[str, list[Indicator]] = defaultdict(list)
        for ind in t.indicators:
            for k in ind.of_commitments:
                by_commitment[k].append(ind)
            if ind.of_objective:
                by_objective[ind.of_objective].append(ind)
        amounts: dict[str, list[Amount]] = defaultdict(list)
        for a in t.amounts:
            if a.commitment:
                amounts[a.commitment].append(a)
        produced = 0
        while produced < target:
            start = rng.randrange(len(t.commitments))
            run = t.commitments[start : start + rng.randint(RUN_MIN, RUN_MAX)][: target - produced]
            state = _Run()
            for tc in run:
                self._commitment(
                    p, tc, state, sections, challenges, objectives, by_commitment, by_objective, amounts
                )
            produced += len(run)

    def _section(self, p: Protocol, key: str | None, sections: dict[str, Section], state: _Run) -> str | None:
        if key is None or key not in sections:
            return None
        if key in state.sections:
            return state.sections[key]
        ts = sections[key]
        parent = self._section(p, ts.parent, sections, state) if ts.parent else None
        themes = [self.basis.label("theme", x) for x in ts.themes] or ["Politique de la ville"]
        number = len(p.sections) + 1
        if ts.span is None:
            self._sections_lost += 1
            sid = "L0" if self._sections_lost == 1 else f"L0-{self._sections_lost}"
            label = f"Engagement n°{number}"
            sec = Section(
                sid,
                label,
                None,
                ts.pillar,
                list(ts.themes),
                parent,
                "Synthetic: the heading is missing from the text, as in the template; the generator "
                "supplies the label.",
            )
        else:
            label = f"{number}. " + " et ".join(themes).capitalize()
            span = self.cite(label)
            sid = f"L{span.start}"
            sec = Section(sid, label, span, ts.pillar, list(ts.themes), parent)
        p.sections.append(sec)
        state.sections[key] = sid
        return sid

    def _commitment(
        self,
        p,
        tc: Commitment,
        state: _Run,
        sections,
        challenges,
        objectives,
        by_commitment,
        by_objective,
        amounts,
    ) -> None:
        rng = self.rng
        section = self._section(p, tc.section, sections, state)
        challenge = objective = None
        if tc.challenge and tc.challenge in challenges:
            challenge = state.challenges.get(tc.challenge)
            if challenge is None:
                tch = challenges[tc.challenge]
                span = self.cite(self.sentence(40, tc.themes).rstrip("."))
                challenge = f"L{span.start}"
                p.challenges.append(
                    Challenge(
                        challenge, span.quote, span, self._section(p, tch.section, sections, state) or section
                    )
                )
                state.challenges[tc.challenge] = challenge
        if tc.objective and tc.objective in objectives:
            objective = state.objectives.get(tc.objective)
            if objective is None:
                tob = objectives[tc.objective]
                span = self.cite(self.sentence(60, tc.themes).rstrip("."))
                objective = f"L{span.start}"
                p.objectives.append(
                    Objective(
                        objective,
                        span.quote,
                        span,
                        self._section(p, tob.section, sections, state) or section,
                        state.challenges.get(tob.challenge) if tob.challenge else None,
                    )
                )
                state.objectives[tc.objective] = objective
                for ind in by_objective.get(tc.objective, []):
                    self._indicator(p, ind, of_objective=objective)

        # involvements: where the template's evidence stood (a table cell, the commitment's words, a line before)
        plan = []  # (template involvement, synthetic partner, where)
        for inv in tc.involvements:
            sid = self.partner(inv.partner)
            if inv.span.start != tc.span.start:
                where = "intro"
            elif inv.rule in CELL_RULES or (len(inv.span.quote) < 12 and inv.span.quote != tc.span.quote):
                where = "cell"
            else:
                where = "text"
            plan.append((inv, sid, where))
        intro_lines = {}
        for inv, sid, where in plan:
            if where == "intro":
                key = inv.span.start
                if key not in state.intros:
                    state.intros[key] = self.line(self._intro(inv, sid, tc))
                intro_lines[id(inv)] = state.intros[key]
        inline = [sid for inv, sid, where in plan if where == "text" and inv.rule == "inline-commitment"]
        lead_in = ""
        if inline:
            names = " et ".join(dict.fromkeys(self.plabel(x) for x in inline))
            plural = len(set(inline)) > 1 or names.startswith("Les ")
            lead_in = f"{names} s'engage{'nt' if plural else ''} à "
        length = max(30, int(len(tc.text) * rng.uniform(0.8, 1.2)))
        text = self.sentence(length, tc.themes, lead_in)
        places = [self.territory(x) for x in tc.places]
        if places:
            text = text[:-1] + ", à " + ", ".join(self.tlabel(x) for x in places) + "."
        explicit = {
            sid: f"portée par {self.plabel(sid)}" for inv, sid, where in plan if inv.rule == "explicit-words"
        }
        if explicit:
            text = text[:-1] + " (" + ", ".join(explicit.values()) + ")."
        cells = []
        for inv, sid, where in plan:
            if where == "cell":
                cell = inv.span.quote if inv.span.quote in ("X", "x") else _acronym(self.plabel(sid))
                cells.append(cell)
        amount_texts = []
        for a in amounts.get(tc.key, []):
            value = max(100, int(round(a.value * rng.uniform(0.5, 2.0), -2)))
            amount_texts.append((value, f"{_number(value)} €"))
        row = "\t".join([text, *cells, *(x for _, x in amount_texts)])
        n = self.line(row)
        key = f"L{n}"
        c = Commitment(
            key,
            text,
            self.span(n, text),
            section,
            tc.pillar,
            list(tc.themes),
            challenge,
            objective,
            places=places,
        )
        cell_iter = iter(cells)
        for inv, sid, where in plan:
            if where == "intro":
                m = intro_lines[id(inv)]
                quote = self.lines[m - 1]
                evidence = (
                    f"({_acronym(self.plabel(sid))})"
                    if inv.rule == "annex-followup-service" and f"({_acronym(self.plabel(sid))})" in quote
                    else quote
                )
                span = self.span(m, quote)
            elif where == "cell":
                cell = next(cell_iter)
                span = self.span(n, cell)
                evidence = f"{cell} | {explicit[sid]}" if sid in explicit else cell
            else:
                span = c.span
                if inv.evidence == "@signatories" or inv.rule == "collective-signatories":
                    evidence = inv.evidence
                elif inv.rule == "inline-commitment":
                    evidence = lead_in.rstrip().removesuffix(" à")
                elif sid in explicit:
                    evidence = explicit[sid]
                else:
                    evidence = text[:60]
            c.involvements.append(Involvement(sid, inv.role, evidence, inv.rule, span))
        for k, (value, atext) in enumerate(amount_texts, start=1):
            p.amounts.append(
                Amount(key if k == 1 else f"{key}-{k}", value, atext, text, self.span(n, atext), key)
            )
        for _ in tc.description:
            c.description.append(self.lines[self.line(self.sentence(120, tc.themes)) - 1])
        p.commitments.append(c)
        for ind in by_commitment.get(tc.key, []):
            if id(ind) in state.indicators:
                state.indicators[id(ind)].of_commitments.append(key)
            else:
                state.indicators[id(ind)] = self._indicator(p, ind, of_commitment=key)

    def _intro(self, inv: Involvement, sid: str, tc: Commitment) -> str:
        label = self.plabel(sid)
        if inv.rule == "annex-followup-service":
            themes = [self.basis.label("theme", x) for x in tc.themes] or ["Suivi"]
            return f"{themes[0].capitalize()} ({_acronym(label)})"
        if inv.rule == "annex-author":
            return f"Contribution de {label} en annexe du présent protocole"
        if inv.rule == "partner-section":
            return label
        if inv.rule == "collective-signatories":
            return "Les signataires s'engagent à mettre en œuvre les mesures ci-après :"
        return f"{label} s'engage{'nt' if label.startswith('Les ') else ''} à :"

    def _indicator(
        self, p: Protocol, tind: Indicator, of_commitment: str | None = None, of_objective: str | None = None
    ) -> Indicator:
        rng = self.rng
        label = rng.choice(_INDICATORS)
        targets = []
        for tt in tind.targets:
            value = tt.value
            if isinstance(value, (int, float)):
                value = max(1, round(value * rng.uniform(0.5, 1.5)))
            text = (
                f"{_number(value)}{'%' if tt.unit == '%' else ' ' + tt.unit if tt.unit else ''}"
                if value is not None
                else ""
            ) + (f" en {tt.year}" if tt.year else "")
            targets.append(Target(value, tt.unit, tt.year, text.strip() or "d'ici la fin du contrat"))
        line = label + (" : " + ", ".join(x.text for x in targets) if targets else "")
        n = self.line(line)
        ind = Indicator(
            f"L{n}",
            label,
            self.span(n, label),
            targets,
            [of_commitment] if of_commitment else [],
            of_objective,
        )
        p.indicators.append(ind)
        return ind

    def _statistics(self, p: Protocol) -> None:
        rng = self.rng
        for table in self.template.statistics:
            areas = list(dict.fromkeys(o.territory for row in table.rows for o in row.observations))
            mapped = {a: self.territory(a) for a in areas}
            head = "\t".join(self.tlabel(mapped[a]) for a in areas)
            start = self.line(head)
            rows = []
            for row in table.rows:
                values = []
                for o in row.observations:
                    v = o.value * rng.uniform(0.7, 1.3)
                    v = round(v, 1) if isinstance(o.value, float) else round(v)
                    values.append((o, v, f"{_number(v)}{' ' + o.unit if o.unit else ''}"))
                n = self.line("\t".join([row.statistic, *(x for _, _, x in values)]))
                obs = []
                for o, v, vt in values:
                    obs.append(Observation(mapped[o.territory], v, o.unit, self.span(n, vt)))
                rows.append(StatRow(row.statistic, n, obs))
            end = len(self.lines)
            p.statistics.append(
                StatTable(
                    f"L{start}",
                    head.replace("\t", " / "),
                    Span(start, end, "\n".join(self.lines[start - 1 : end])),
                    rows,
                )
            )

    def _amounts(self, p: Protocol) -> None:
        for a in self.template.amounts:
            if a.commitment:
                continue
            value = max(100, int(round(a.value * self.rng.uniform(0.5, 2.0), -2)))
            text = f"{_number(value)} €"
            purpose = (
                f"Une enveloppe de {text} est consacrée aux actions du contrat de ville de {self.epci_name}."
            )
            n = self.line(purpose)
            p.amounts.append(Amount(f"L{n}", value, text, purpose, self.span(n, text)))

    def _signatories(self, p: Protocol) -> None:
        rng = self.rng
        posts = {
            "etat": "Le Préfet",
            "epci": "Le Président",
            "commune": "Le Maire",
            "region": "Le Président",
            "departement": "Le Président",
        }
        later = []
        for s in self.template.signatories:
            sid = self.partner(s.partner)
            label = self.plabel(sid)
            given = family = written = post = None
            if s.family:
                given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
                written = f"{given} {family}"
            if s.post:
                post = posts.get(self.partners[sid].category, rng.choice(["Le Directeur", "La Directrice"]))
            text = f"Pour {label}" + (f", {post}" if post else "") + (f", {written}" if written else "")
            sig = Signatory(sid, self.cite(text), given, family, written, post)
            later.extend((sig, m) for m in s.also)
            p.signatories.append(sig)
        for sig, _m in later:  # the signature page names them again
            text = f"{sig.post or 'Pour ' + self.plabel(sig.partner)} {sig.name_as_written or ''}".strip()
            sig.also.append(
                Signatory(sig.partner, self.cite(text), sig.given, sig.family, sig.name_as_written, sig.post)
            )


@dataclass
class _Run:
    """Template keys already given a synthetic counterpart within one run of commitments."""

    sections: dict = field(default_factory=dict)
    challenges: dict = field(default_factory=dict)
    objectives: dict = field(default_factory=dict)
    intros: dict = field(default_factory=dict)
    indicators: dict = field(default_factory=dict)


def generate_one(basis: Basis, seed: int, i: int, n: int) -> SynthProtocol:
    """Protocol number ``i`` (from 1) of a synthetic France of ``n`` protocols."""
    return _Generator(basis, seed, i, n, Geography.for_size(n)).build()


def generate(basis: Basis, n: int, seed: int) -> Iterator[SynthProtocol]:
    """The ``n`` protocols, in order, in this process (see :func:`write` for the parallel, streaming path)."""
    for i in range(1, n + 1):
        yield generate_one(basis, seed, i, n)


# --- registry ----------------------------------------------------------------------------------------------------


class RegistryBuilder:
    """The partners and territories the protocols name, gathered as they come; a clash is a generator bug."""

    def __init__(self):
        self.partners: dict[str, Partner] = {}
        self.territories: dict[str, Territory] = {}
        self.identifiers: list[dict] = []

    def add(
        self,
        partners: dict[str, Partner],
        territories: dict[str, Territory],
        identifiers: Iterable[dict] = (),
    ) -> None:
        for store, items in ((self.partners, partners), (self.territories, territories)):
            for key, value in items.items():
                known = store.setdefault(key, value)
                if known != value:
                    raise SynthError(f"synthetic registry clash on {key!r}: {known} vs {value}")
        self.identifiers.extend(identifiers)

    def reference_graph(self) -> Triples:
        """``graph:reference`` for the synthetic identifiers, by the emitter of the real reference file."""
        targets = {}
        for r in self.identifiers:
            node = (
                {"contract": ns.contract, "commune": ns.territory, "qpv": ns.territory}[r["kind"]]
                if r["scheme"] != "SIREN"
                else ns.org
            )
            targets[(r["kind"], r["name"], r["scheme"])] = node(r["name"])
        g = Triples()
        emit.identifiers(g, self.identifiers, targets, "synthetic identifiers")
        return g

    def registry(self) -> Registry:
        return Registry(
            dict(sorted(self.partners.items())),
            dict(sorted(self.territories.items())),
            {},
            AliasTable([]),
            AliasTable([]),
        )


# --- emitting and writing ----------------------------------------------------------------------------------------


class Triples(set):
    """What :func:`emit.protocol_graph` writes into, when speed matters: a plain set of triples.

    The emitter only calls ``add``; a set holds the same triples as an rdflib ``Graph`` (both deduplicate) at a
    fifth of the cost, and :func:`perr_graph.rdf.serialize.nquads` / :func:`~perr_graph.rdf.serialize.trig` iterate either.
    ``tests/test_synth.py`` checks that both hold the same triples."""


def emit_protocol(sp: SynthProtocol, into=None):
    g = Triples() if into is None else into
    emit.protocol_graph(g, sp.protocol, _NO_PEOPLE, sp.source_file, sp.sha256, len(sp.lines))
    return g


_NO_PEOPLE = Registry({}, {}, {}, AliasTable([]), AliasTable([]))


def serialise(graphs: dict[URIRef, Iterable], fmt: str, prefixes: bool = False) -> str:
    """Graphs as N-Quads or TriG text (TriG without the prefix lines unless ``prefixes``: the stream writes them
    once, at the top)."""
    if fmt == "nquads":
        return "".join(nquads(graphs))
    return "".join(trig(graphs, prefixes=prefixes))


@dataclass
class Written:
    path: Path
    protocols: int
    triples: int
    graph_triples: dict[URIRef, int]
    seconds: float
    summary: dict[str, float]


class _Count:
    """A stand-in for a graph where only its size is read (:func:`perr_graph.rdf.dataset.dataset_description`)."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n


_STATE: dict = {}


def _work(i: int) -> tuple:
    basis, seed, n, fmt, texts = (_STATE[k] for k in ("basis", "seed", "n", "fmt", "texts"))
    sp = generate_one(basis, seed, i, n)
    g = emit_protocol(sp)
    if texts is not None:
        (Path(texts) / sp.source_file).write_text(sp.text, encoding="utf-8")
    text = serialise({ns.protocol_graph(sp.protocol.pid): g}, fmt)
    stats = summary_counts(sp.protocol)
    return sp.protocol.pid, text, len(g), sp.partners, sp.territories, sp.identifiers, stats


def summary_counts(p: Protocol) -> dict[str, int]:
    """Additive counts behind :func:`summary`, so the parent can summarise without holding the protocols."""
    return {
        "commitments": len(p.commitments),
        "involvements": sum(len(c.involvements) for c in p.commitments),
        "with_lead": sum(any(i.role in emit.LEAD_ROLES for i in c.involvements) for c in p.commitments),
        "indicators": len(p.indicators),
        "signatories": len(p.signatories),
    }


def write(
    path: Path,
    n: int,
    seed: int,
    basis: Basis | None = None,
    jobs: int | None = None,
    texts: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """Generate ``n`` protocols and write them, with the registry and the ontology, to ``path``.

    TriG or N-Quads by the file's suffix; one named graph per protocol (``graph:protocol/synth-0001`` …), plus
    ``graph:ontology`` (the real ontology), ``graph:registry`` (the synthetic partners and territories, and the
    national bodies kept from the real registry) and ``graph:dataset`` (DCAT/VoID, as ``perr build`` writes
    it). Protocols are generated by ``jobs`` worker processes (default: all cores), streamed to the file in order
    and dropped; the file is written atomically.
    """
    say = progress or (lambda _m: None)
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown output type {path.suffix!r}: use .trig or .nq", path)
    if n < 1:
        raise SynthError(f"--protocols must be at least 1 (got {n})")
    t0 = time.perf_counter()
    basis = basis or Basis.load()
    if texts is not None:
        Path(texts).mkdir(parents=True, exist_ok=True)
    jobs = max(1, min(jobs or os.cpu_count() or 1, n))
    reg = RegistryBuilder()
    sizes: dict[URIRef, int] = {}
    totals: Counter = Counter()
    pids: list[str] = []

    def chunks() -> Iterator[str]:
        if fmt == "trig":
            yield serialise({}, "trig", prefixes=True)
        onto = basis.ontology
        sizes[ns.ONTOLOGY_GRAPH] = len(onto)
        yield serialise({ns.ONTOLOGY_GRAPH: onto}, fmt)
        for k, (pid_, text, size, partners, territories, identifiers, stats) in enumerate(
            _results(basis, n, seed, fmt, jobs, texts), start=1
        ):
            reg.add(partners, territories, identifiers)
            sizes[ns.protocol_graph(pid_)] = size
            totals.update(stats)
            pids.append(pid_)
            if k % 100 == 0 or k == n:
                say(f"{k}/{n} protocols")
            yield text
        rg = Triples()
        emit.registry_graph(rg, reg.registry())
        sizes[ns.REGISTRY_GRAPH] = len(rg)
        yield serialise({ns.REGISTRY_GRAPH: rg}, fmt)
        del rg
        ref = reg.reference_graph()
        sizes[ns.REFERENCE_GRAPH] = len(ref)
        yield serialise({ns.REFERENCE_GRAPH: ref}, fmt)
        del ref
        stub = [Protocol(pid=x) for x in pids]
        ds = dataset_description({name: _Count(size) for name, size in sizes.items()}, stub)
        sizes[ns.DATASET_GRAPH] = len(ds)
        yield serialise({ns.DATASET_GRAPH: ds}, fmt)

    write_atomic(path, chunks())
    summ = {
        "commitments_per_protocol": totals["commitments"] / n,
        "involvements_per_commitment": totals["involvements"] / max(1, totals["commitments"]),
        "share_with_lead": totals["with_lead"] / max(1, totals["commitments"]),
        "indicators_per_protocol": totals["indicators"] / n,
        "signatories_per_protocol": totals["signatories"] / n,
    }
    return Written(path, n, sum(sizes.values()), sizes, time.perf_counter() - t0, summ)


def _results(basis: Basis, n: int, seed: int, fmt: str, jobs: int, texts: Path | None) -> Iterator[tuple]:
    _STATE.update(basis=basis, seed=seed, n=n, fmt=fmt, texts=str(texts) if texts is not None else None)
    try:
        if jobs == 1:
            yield from map(_work, range(1, n + 1))
            return
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs) as pool:
            yield from pool.imap(_work, range(1, n + 1), chunksize=max(1, min(16, n // (jobs * 8) or 1)))
    finally:
        _STATE.clear()
