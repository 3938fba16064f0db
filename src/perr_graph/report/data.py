"""What the report shows, read once from the store: the protocols and their figures, the comparison tables, every
commitment with its involvements, themes and matches, the ontology's terms and concepts, the partner networks and
the validation findings; the partner networks laid out for their pictures. Pages (:mod:`perr_graph.report.pages`) shape it for their templates; nothing here writes
HTML."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from perr_graph.analysis.answers import run
from perr_graph.analysis.compare import Table, compare
from perr_graph.analysis.network import connected_part, layout, partner_graphs


@dataclass
class Commitment:
    """A commitment as the pages show it: where it was read, its section, pillar and text, its involvements
    (records of query ``commitment-involvements``), theme labels and matches in other protocols."""

    iri: str
    key: str
    protocol: str
    ordinal: int
    line_start: int
    line_end: int
    section: str
    pillar: str
    text: str
    involvements: list[dict] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    #: (protocol, key, line, score, relation), best score first
    matches: list[tuple[str, str, int, float, str]] = field(default_factory=list)

    @property
    def has_lead(self) -> bool:
        return any(i["role"] in ("chef-de-file", "partie-qui-s-engage") for i in self.involvements)


@dataclass
class Drawing:
    """A partner network as its pictures draw it: the graph without its isolated nodes, those nodes (listed
    under the picture), and the positions of the others (:func:`perr_graph.analysis.network.layout`)."""

    graph: nx.Graph
    alone: list[str]
    positions: dict[str, tuple[float, float]]

    @classmethod
    def of(cls, g: nx.Graph) -> Drawing:
        part, alone = connected_part(g)
        return cls(part, alone, layout(part))


def period(info: dict) -> str:
    """A protocol's period as people read it: ``2019–2022``, ``until 2022``, ``from 2019`` or not stated."""
    start, end = info.get("period_start"), info.get("period_end")
    if start and end:
        return f"{start}–{end}"
    if end:
        return f"until {end}"
    return f"from {start}" if start else "period not stated"


@dataclass
class ReportData:
    """Everything the pages show (see :meth:`read`); ``validation`` is :func:`perr_graph.report.validation.findings`
    or None when the report is written without validation."""

    protocols: list[dict]
    titles: dict[str, str]
    stats: dict[str, dict]
    shares: dict[str, dict]
    tables: dict[str, Table]
    commitments: dict[str, list[Commitment]]
    terms: list[dict]
    concepts: list[dict]
    graphs: dict[str, nx.Graph]
    #: each graph of ``graphs`` laid out once (a protocol's network is drawn on two pages)
    drawings: dict[str, Drawing]
    validation: dict | None = None
    #: the corpus's folder of source texts and their catalogue (None: titles as the dataset writes them)
    sources: Path | None = None
    pids: list[str] = field(init=False)
    info: dict[str, dict] = field(init=False)
    names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.pids = [p["protocol"] for p in self.protocols]
        self.info = {p["protocol"]: p for p in self.protocols}
        self.names = {p["protocol"]: p["territory_label"] or p["protocol"] for p in self.protocols}

    @classmethod
    def read(cls, store, validation: dict | None = None, sources: Path | None = None) -> ReportData:
        """Run the library's queries on ``store`` (and the comparison and the network, which run theirs)."""
        _, protocols = run(store, "protocols")
        tables = {t.name: t for t in compare(store)}
        _, stats = run(store, "protocol-stats")
        _, shares = run(store, "lead-and-indicator-share")
        _, terms = run(store, "ontology-terms")
        _, concepts = run(store, "concepts")
        graphs = partner_graphs(store)
        return cls(
            protocols=protocols,
            titles=_titles(protocols, sources),
            stats={r["protocol"]: r for r in stats},
            shares={r["protocol"]: r for r in shares},
            tables=tables,
            commitments=_commitments(store, tables["matches"]),
            terms=terms,
            concepts=concepts,
            graphs=graphs,
            drawings={name: Drawing.of(g) for name, g in graphs.items()},
            validation=validation,
            sources=sources,
        )

    def pname(self, pid: str) -> str:
        """The territory's name of a protocol id (the id itself for a unit that is not a protocol)."""
        return self.names.get(pid, pid)

    def concept_label(self, scheme: str, notation: str) -> str:
        """The French label of a concept of a scheme (``pillar``, ``role`` …) from query 41, else the notation."""
        for r in self.concepts:
            if r["notation"] == notation and r["scheme"].rstrip("/").endswith("/" + scheme):
                return r["label_fr"] or notation
        return notation


def _titles(protocols: list[dict], sources: Path | None) -> dict[str, str]:
    """Each protocol's title as catalogued (the corpus's ``sources/catalogue.csv``), else as the dataset writes
    it."""
    from perr_graph.inputs.catalogue import read_catalogue

    try:
        catalogue = read_catalogue(sources / "catalogue.csv") if sources is not None else {}
    except Exception:  # a dataset given without its corpus's catalogue: titles as written
        catalogue = {}
    return {
        p["protocol"]: (catalogue[p["protocol"]].title if p["protocol"] in catalogue else p["title"])
        for p in protocols
    }


def _commitments(store, matches: Table) -> dict[str, list[Commitment]]:
    """Every commitment by protocol, in document order, with its involvements, themes and matches."""
    _, rows = run(store, "commitment-involvements")
    by_iri: dict[str, Commitment] = {}
    for r in rows:
        c = by_iri.get(r["commitment"])
        if c is None:
            c = by_iri[r["commitment"]] = Commitment(
                r["commitment"],
                r["commitment"].rsplit("/", 1)[-1],
                r["protocol"],
                r["ordinal"],
                r["line_start"],
                r["line_end"],
                r["section"] or "",
                r["pillar"] or "",
                r["text"],
            )
        if r["partner"]:
            c.involvements.append(r)
    _, themes = run(store, "commitment-themes")
    for r in themes:
        if r["commitment"] in by_iri:
            by_iri[r["commitment"]].themes.append(r["theme_label"])
    for r in matches.records():
        a, b = by_iri.get(r["commitment_a"]), by_iri.get(r["commitment_b"])
        if a and b:
            a.matches.append((b.protocol, b.key, b.line_start, r["score"], r["relation"]))
            b.matches.append((a.protocol, a.key, a.line_start, r["score"], r["relation"]))
    out: dict[str, list[Commitment]] = defaultdict(list)
    for c in sorted(by_iri.values(), key=lambda c: (c.protocol, c.ordinal, c.iri)):
        c.matches.sort(key=lambda m: (-m[3], m[0], m[2]))
        out[c.protocol].append(c)
    return out
