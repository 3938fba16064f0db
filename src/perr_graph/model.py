"""What the readers find, before it becomes RDF: plain dataclasses, one per kind of fact.

Every fact carries a :class:`Span` (lines and verbatim quote). The emitters (:mod:`perr_graph.rdf.emit`) turn these
into triples following ``docs/model.md``; keeping the two apart lets the readers be tested without RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Lines ``start``..``end`` (1-based, inclusive) and a quote that stands verbatim in them."""

    start: int
    end: int
    quote: str


@dataclass
class Involvement:
    partner: str  # partner id, or "@signatories" before expansion
    role: str  # role: concept slug
    evidence: str  # the mark or words as written
    rule: str  # rule: concept slug
    span: Span


@dataclass
class Target:
    value: float | int | None
    unit: str
    year: int | None
    text: str


@dataclass
class Indicator:
    key: str
    label: str
    span: Span
    targets: list[Target] = field(default_factory=list)
    of_commitments: list[str] = field(default_factory=list)  # commitment keys
    of_objective: str | None = None  # objective key


@dataclass
class Section:
    key: str
    label: str
    span: Span | None  # None when the heading was lost and the label is supplied by the configuration
    pillar: str | None
    themes: list[str]
    parent: str | None = None
    label_note: str | None = None  # why a label without a span was given


@dataclass
class Challenge:
    key: str
    label: str
    span: Span
    section: str | None


@dataclass
class Objective:
    key: str
    label: str
    span: Span
    section: str | None
    challenge: str | None


@dataclass
class Commitment:
    key: str
    text: str
    span: Span
    section: str | None
    pillar: str | None
    themes: list[str]
    challenge: str | None = None
    objective: str | None = None
    involvements: list[Involvement] = field(default_factory=list)
    description: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # territory ids named in the text


@dataclass
class Signatory:
    partner: str
    span: Span
    given: str | None = None
    family: str | None = None
    name_as_written: str | None = None
    post: str | None = None
    #: further mentions of the same signatory in the same text (list and signature page)
    also: list[Signatory] = field(default_factory=list)


@dataclass
class GovernanceBody:
    slug: str
    label: str
    body_type: str
    span: Span
    chairs: list[tuple[str, Span]] = field(default_factory=list)
    members: list[tuple[str, Span]] = field(default_factory=list)


@dataclass
class PopulationFigure:
    territory: str
    value: int
    year: int | None
    approximate: bool
    span: Span


@dataclass
class Amount:
    key: str
    value: float | int
    text: str
    purpose: str
    span: Span
    commitment: str | None = None


@dataclass
class ReferencedDocument:
    key: str
    title: str
    doctype: str
    date: str | None
    span: Span


@dataclass
class Observation:
    territory: str
    value: float | int
    unit: str
    span: Span


@dataclass
class StatRow:
    statistic: str  # label as written
    line: int
    observations: list[Observation]


@dataclass
class StatTable:
    key: str
    label: str
    span: Span
    rows: list[StatRow]


@dataclass
class Protocol:
    """Everything read from one protocol."""

    pid: str
    title: str = ""
    title_span: Span | None = None
    epci: str | None = None
    territory: str | None = None
    period: tuple[int | None, int | None, Span] | None = None
    signing: tuple[str | None, str | None, Span] | None = None  # (ISO date, place, span)
    contract: tuple[str, str | None, Span] | None = None  # (title, ISO signature date, span)
    lead_note: str = ""
    qpv: list[tuple[str, Span]] = field(default_factory=list)
    watch: list[tuple[str, Span]] = field(default_factory=list)
    places: list[tuple[str, Span]] = field(default_factory=list)  # other territories the text names
    sections: list[Section] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    bodies: list[GovernanceBody] = field(default_factory=list)
    populations: list[PopulationFigure] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    references: list[ReferencedDocument] = field(default_factory=list)
    statistics: list[StatTable] = field(default_factory=list)
