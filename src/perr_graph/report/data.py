"""What the report shows, read once from the store: the protocols and where they are (région, département, QPV),
their figures, signatories and indicators, the comparison tables, every commitment with its involvements, themes
and matches, the organisations (with the organisations they belong to), the ontology's terms and concepts, the
partner networks laid out for their pictures, and the validation findings. Pages
(:mod:`perr_graph.report.pages`) shape it for their templates; nothing here writes HTML."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import networkx as nx

from perr_graph.analysis.compare import TABLES, Context, Table, compare, context, table_queries
from perr_graph.analysis.concepts import Concepts
from perr_graph.analysis.network import drawn_part, layout
from perr_graph.i18n import messages
from perr_graph.rdf.emit.base import LEAD_ROLES
from perr_graph.report.places import Places

#: comparison tables made on first use, by the page that shows them, not while the data is read: the network's
#: measures (betweenness, communities: 5 s at 500 protocols, for ``network.html`` alone) then run beside the
#: other pages instead of before them all
LATER = ("network",)


class LazyTables(dict):
    """The comparison tables by name (``tables``); a table of ``later`` (name: how to make it) is made when first
    asked for (``tables[name]``), once per process."""

    def __init__(self, tables: dict, later: dict):
        super().__init__(tables)
        self.later = later

    def __missing__(self, name: str) -> Table:
        if name not in self.later:
            raise KeyError(name)
        self[name] = self.later.pop(name)()
        return self[name]


@dataclass
class Commitment:
    """A commitment as the pages show it: where it was read, its section, pillar and text, its involvements
    (records of query ``commitment-involvements``), theme notations and matches in other protocols."""

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
    #: a partner is its chef de file (an involvement whose role makes it a lead, ``perr:lead``)
    has_lead: bool = False


@dataclass
class Drawing:
    """A partner network as its pictures draw it: the part drawn (:func:`perr_graph.analysis.network.drawn_part`),
    the isolated organisations (listed under the picture), how many linked ones were left out, the positions."""

    graph: nx.Graph
    alone: list[str]
    cut: int
    positions: dict[str, tuple[float, float]]

    @classmethod
    def of(cls, g: nx.Graph) -> Drawing:
        part, alone, cut = drawn_part(g)
        return cls(part, alone, cut, layout(part))


#: the library queries the pages read besides the comparison tables' (asked together, one per core at a time)
QUERIES = [
    "protocol-stats",
    "ontology-terms",
    "protocol-places",
    "signatories",
    "indicators-and-targets",
    "organisations",
    "commitment-themes",
]


def period(info: dict, lang: str = "fr") -> str:
    """A protocol's period as people read it: ``2019–2022``, ``until 2022``, ``from 2019`` or not stated."""
    m = messages(lang)
    start, end = info.get("period_start"), info.get("period_end")
    if start and end:
        return f"{start}–{end}"
    if end:
        return m._("until %(year)s", year=end)
    return m._("from %(year)s", year=start) if start else m._("period not stated")


@dataclass
class ReportData:
    """Everything the pages show (see :meth:`read`), in the language ``lang``; ``validation`` is
    :func:`perr_graph.report.validation.findings` or None when the report is written without validation."""

    lang: str
    protocols: list[dict]
    titles: dict[str, str]
    stats: dict[str, dict]
    shares: dict[str, dict]
    tables: dict[str, Table]
    commitments: dict[str, list[Commitment]]
    terms: list[dict]
    concepts: Concepts
    graphs: dict[str, nx.Graph]
    places: Places
    signatories: dict[str, list[dict]]
    indicators: dict[str, list[dict]]
    organisations: dict[str, dict]
    #: the roles that make a partner a lead (``perr:lead``): the chef de file
    lead_roles: set[str]
    validation: dict | None = None
    #: the catalogued titles (``catalogue.csv`` of the sources), when the sources are given
    catalogue_titles: dict[str, str] = field(default_factory=dict)
    pids: list[str] = field(init=False)
    info: dict[str, dict] = field(init=False)
    names: dict[str, str] = field(init=False)
    #: the overall network laid out once, on first use
    _drawing: Drawing | None = field(default=None, init=False, repr=False)
    _roles: list[str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.pids = [p["protocol"] for p in self.protocols]
        self.info = {p["protocol"]: p for p in self.protocols}
        self.names = {p["protocol"]: p["territory_label"] or p["protocol"] for p in self.protocols}

    @classmethod
    def read(
        cls, store, validation: dict | None = None, lang: str = "fr", sources: Path | None = None
    ) -> ReportData:
        """Run the library's queries on ``store`` (and the comparison and the network, which run theirs)."""
        cx: Context = context(store, lang, also=[*QUERIES, *table_queries()])  # every query in one batch
        now = [n for n in TABLES if n not in LATER]
        tables = LazyTables(
            {t.name: t for t in compare(store, now, lang, cx)},
            {n: partial(TABLES[n], store, cx) for n in LATER},
        )
        _, protocols = cx.run(store, "protocols")
        _, stats = cx.run(store, "protocol-stats")
        _, shares = cx.run(store, "lead-and-indicator-share")
        _, terms = cx.run(store, "ontology-terms")
        _, places = cx.run(store, "protocol-places")
        _, signatories = cx.run(store, "signatories")
        _, indicators = cx.run(store, "indicators-and-targets")
        _, organisations = cx.run(store, "organisations")
        graphs = cx.graphs(store)
        commitments = _commitments(cx, store, tables["matches"])
        return cls(
            lang=lang,
            protocols=protocols,
            titles={p["protocol"]: p["title"] or p["protocol"] for p in protocols},
            stats={r["protocol"]: r for r in stats},
            shares={r["protocol"]: r for r in shares},
            tables=tables,
            commitments=commitments,
            terms=terms,
            concepts=cx.concepts,
            graphs=graphs,
            places=Places.of(places),
            signatories=_by_protocol(signatories),
            indicators=_by_protocol(indicators),
            organisations=_organisations(organisations),
            lead_roles=set(LEAD_ROLES),
            validation=validation,
            catalogue_titles=_catalogue_titles(sources),
        )

    @property
    def m(self):
        return messages(self.lang)

    def pname(self, pid: str) -> str:
        """The territory's name of a protocol id (the id itself for a unit that is not a protocol)."""
        return self.names.get(pid, pid)

    def title(self, pid: str) -> str:
        """The protocol's title as catalogued with its source, else as the dataset writes it."""
        return self.catalogue_titles.get(pid) or self.titles.get(pid, pid)

    def label(self, scheme: str, notation: str | None) -> str:
        """A concept's label in the report's language (``pillar``, ``theme``, ``role``, ``category`` …)."""
        return self.concepts.label(scheme, notation, self.lang)

    def roles(self) -> list[str]:
        """Every role of the vocabulary and of the data, strongest first (worked out once)."""
        if self._roles is None:
            seen = {i["role"] for cs in self.commitments.values() for c in cs for i in c.involvements}
            self._roles = self.concepts.roles(sorted(seen))
        return list(self._roles)

    def drawing(self) -> Drawing:
        """The overall partner network, laid out (once)."""
        if self._drawing is None:
            self._drawing = Drawing.of(self.graphs["all"])
        return self._drawing

    def all_commitments(self) -> list[Commitment]:
        return [c for pid in self.pids for c in self.commitments.get(pid, [])]


def _by_protocol(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["protocol"]].append(r)
    return dict(out)


def _organisations(rows: list[dict]) -> dict[str, dict]:
    """``{iri: {label, category, parents: [iri]}}`` from query ``organisations``."""
    out: dict[str, dict] = {}
    for r in rows:
        o = out.setdefault(
            r["partner"],
            {"label": r["partner_label"] or r["partner"], "category": r["category"], "parents": []},
        )
        if r["parent"] and r["parent"] not in o["parents"]:
            o["parents"].append(r["parent"])
    return out


def _catalogue_titles(sources: Path | None) -> dict[str, str]:
    """Each protocol's title as catalogued in ``sources/catalogue.csv``; none when there is no catalogue."""
    if sources is None or not (Path(sources) / "catalogue.csv").is_file():
        return {}
    import csv

    try:
        with (Path(sources) / "catalogue.csv").open(encoding="utf-8", newline="") as f:
            return {r["id"]: r["title"] for r in csv.DictReader(f) if r.get("id") and r.get("title")}
    except (OSError, KeyError, UnicodeDecodeError, csv.Error):
        return {}


def _commitments(cx: Context, store, matches: Table) -> dict[str, list[Commitment]]:
    """Every commitment by protocol, in document order, with its involvements, themes and matches."""
    _, rows = cx.run(store, "commitment-involvements")
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
            c.has_lead = c.has_lead or r["role"] in LEAD_ROLES
    _, themes = cx.run(store, "commitment-themes")
    for r in themes:
        if r["commitment"] in by_iri and r["theme"]:
            by_iri[r["commitment"]].themes.append(r["theme"])
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
