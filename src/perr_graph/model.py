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
    #: the partner whose table column holds the mark, when the mark names a service within it ("X ARS" under E)
    column: str | None = None
    #: the legend key the involvement was read by, in a table of marks: the mark as written ("X", "x"), or
    #: "unmarked" (a code without a mark) or "free" (a name in a free column); None elsewhere
    mark: str | None = None
    #: ``<partner-id>`` or ``<partner-id>-<n>``: the last segment of its IRI, set once the protocol is read
    key: str = ""
    legend: Span | None = None  # the document's own statement of what the mark means, when it gives one


@dataclass
class InferredInvolvement:
    """An involvement a hypothesis reads into a commitment, which the document does not state (``docs/model.md``,
    "Stated and inferred readings")."""

    commitment: str  # commitment key
    partner: str
    role: str
    evidence: str
    rule: str
    span: Span
    hypothesis: str  # hypothesis: concept slug
    derived_from: list[str]  # keys of the stated involvements it reads
    column: str | None = None
    key: str = ""


@dataclass
class Premise:
    """A line a hypothesis rests on: in this protocol's text (``protocol`` None) or in another protocol's."""

    span: Span
    protocol: str | None = None


@dataclass
class Inference:
    """One hypothesis applied to one protocol: the concept, the premises, what it produced."""

    hypothesis: str
    premises: list[Premise]
    involvements: list[InferredInvolvement] = field(default_factory=list)


@dataclass
class Cell:
    """A cell of a commitment's table row kept apart from its text: the column header and the cell as written."""

    column: str
    value: str
    span: Span


@dataclass
class Contribution:
    """A partner's own text copied into the protocol (an annex): its items are that partner's commitments."""

    key: str
    partner: str
    title: str
    span: Span
    lines: tuple[int, int]


@dataclass
class Target:
    value: float | int | None
    unit: str
    year: int | None
    text: str
    per: str | None = None  # what the value is counted per, as written ("an" in "10 par an", "marché")
    minimum: bool = False  # "30 % minimum": the value is a floor


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
    position: int = 0  # the line it stands at (its block's first line when it has no span): document order


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
    contribution: str | None = None  # key of the partner's contribution it belongs to
    cells: list[Cell] = field(default_factory=list)  # the row's other cells, kept apart


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
    in_qpv: bool = False  # counts only the inhabitants of the territory's priority neighbourhoods


@dataclass
class CommuneCount:
    territory: str
    value: int
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
class Coverage:
    """How the configuration accounts for the text's content lines (:mod:`perr_graph.read.coverage`)."""

    content: int  # lines with a letter or a digit
    read: int  # content lines read by a block or cited by a fact
    ignored: list[tuple[Span, str]]  # the configuration's ignored ranges, each with its reason
    ignored_count: int  # content lines in those ranges
    unread: list[tuple[Span, list[str]]]  # content lines neither read, cited nor ignored, with what they hold

    @property
    def share(self) -> float:
        """The share of content lines accounted for (read, cited or ignored), from 0 to 1."""
        return (self.read + self.ignored_count) / self.content if self.content else 1.0


@dataclass
class Protocol:
    """Everything read from one protocol."""

    pid: str
    title: str = ""
    title_span: Span | None = None
    epci: str | None = None
    territory: str | None = None
    period: tuple[int | None, int | None, Span] | None = None
    period_end_date: tuple[str, Span] | None = None  # (ISO date, span) where the text states the last day
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
    communes: list[CommuneCount] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    references: list[ReferencedDocument] = field(default_factory=list)
    statistics: list[StatTable] = field(default_factory=list)
    coverage: Coverage | None = None
